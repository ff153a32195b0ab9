// No form of the password leaves the SMTP sender, whatever the server echoes: a 535 reply that repeats it is
// redacted in the reply, the explanation and the transcript. The sender works the forms out once per login
// (smtp-sender.ts formsOf) and redactDeep only copies an outcome that holds one: a password changed on the same
// credentials object, or a second login, is still redacted, and a clean outcome comes back untouched.
import { describe, expect, it } from 'vitest';
import { redactDeep } from '../../../electron/core/smtp/smtp-transcript';
import { startRawSmtp } from '../../peers/raw-smtp';
import { makeAccount, makeRequest, newSender, useCleanup } from './fixtures';

const forms = (password: string, user = 'alice@example.test') => [
  password,
  Buffer.from(password).toString('base64'),
  Buffer.from(`\u0000${user}\u0000${password}`).toString('base64'),
];

describe('a server that echoes the password', () => {
  const cleanup = useCleanup();

  async function echoingServer() {
    // Refuses every login, repeating the decoded AUTH PLAIN password and the blob the client sent.
    const raw = await startRawSmtp({
      extensions: ['AUTH PLAIN'],
      auth: (command) => {
        const blob = command.saslResponses?.[0] ?? '';
        const password = Buffer.from(blob, 'base64').toString('utf8').split('\u0000')[2] ?? '';
        return `535 5.7.8 Bad credentials: '${password}' (${blob})`;
      },
    });
    cleanup(() => raw.close());
    return raw;
  }

  it('never shows it, for the first login and for a new password set on the same credentials object', async () => {
    const raw = await echoingServer();
    const sender = newSender(cleanup);
    const request = makeRequest(makeAccount(raw.port, { security: 'none', insecure: true }), { password: 'first-secret-pass' });
    for (const password of ['first-secret-pass', 'second-secret-pass']) {
      if (request.credentials?.kind === 'password') request.credentials.password = password;
      const result = await sender.send(request);
      expect(result.outcome).toBe('auth');
      const text = JSON.stringify(result);
      // The server did echo it: the reply is there, with the password in its place redacted.
      expect(result.error?.reply).toMatch(/^535 5\.7\.8 Bad credentials: '\[redacted\]' \(\[redacted\]\)/);
      for (const form of forms(password)) expect(text).not.toContain(form);
    }
  });
});

describe('redactDeep', () => {
  const secret = ['hunter2-hunter2'];

  it('gives an outcome without secrets back as it is', () => {
    const outcome = {
      outcome: 'sent',
      reply: '250 ok',
      transcript: ['S: 220 hi', 'C: MAIL FROM:<a@b>'],
      error: { code: 'X', message: 'm' },
    };
    expect(redactDeep(outcome, secret)).toBe(outcome);
  });

  it('copies an outcome that holds one, wherever it is, and leaves the original as it was', () => {
    const outcome = {
      outcome: 'auth',
      transcript: ['S: 220 hi', 'S: 535 no hunter2-hunter2'],
      error: { code: 'X', reply: 'x hunter2-hunter2 y' },
    };
    const before = JSON.stringify(outcome);
    const redacted = redactDeep(outcome, secret);
    expect(redacted).toStrictEqual({
      outcome: 'auth',
      transcript: ['S: 220 hi', 'S: 535 no [redacted]'],
      error: { code: 'X', reply: 'x [redacted] y' },
    });
    expect(JSON.stringify(outcome)).toBe(before);
  });
});
