// What the user sees when a server refuses, defers, drops or stalls: a scripted raw SMTP server
// gives byte-exact replies, and each attempt must carry the right outcome, explanation and reply.
import { describe, expect, it } from 'vitest';
import { makeCerts } from '../../peers/certs';
import { DROP, STALL, startRawSmtp, type RawSmtpScript } from '../../peers/raw-smtp';
import { FAST_TIMEOUTS, PASSWORD_FORMS, USER, makeAccount, makeRequest, newSender, transcriptText, useCleanup } from './fixtures';
import type { SendRequest } from '../../../electron/core/ports';
import type { SmtpSettings } from '../../../electron/shared/account';

const certs = makeCerts();

async function waitFor(condition: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SmtpSender against scripted server replies', () => {
  const cleanup = useCleanup();

  async function sendTo(script: RawSmtpScript, options: { smtp?: Partial<SmtpSettings>; to?: string[]; tls?: boolean } = {}) {
    const server = await startRawSmtp(options.tls === false ? script : { tls: certs, ...script });
    cleanup(() => server.close());
    const sender = newSender(cleanup, { tls: { ca: certs.ca }, timeouts: FAST_TIMEOUTS });
    const request: SendRequest = makeRequest(makeAccount(server.port, options.smtp), { to: options.to });
    const result = await sender.send(request);
    return { result, server, text: transcriptText(result.transcript) };
  }

  it('retries later when the server greets with 421', async () => {
    const reply = '421 4.3.2 mx.example.test Service not available, closing transmission channel';
    const { result, server } = await sendTo({ greeting: reply });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'SMTP_TEMPORARY', reply, responseCode: 421, retryable: true });
    expect(result.error?.message).toBe('The mail server is busy or is closing the connection (421).');
    expect(result.error?.next).toBe('Nothing to do: Outbox will try again by itself.');
    expect(result.transcript).toContain(`S: ${reply}`);
    expect(server.connections[0]!.commands).toEqual([]);
  });

  it('retries later when a recipient is greylisted with 450', async () => {
    const reply = '450 4.2.0 <bob@example.test>: Recipient address rejected: Greylisted, see https://postgrey.example/';
    const { result } = await sendTo({ rcpt: reply });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'SMTP_TEMPORARY', reply, responseCode: 450 });
    expect(result.error?.message).toContain('greylisting');
    expect(result.recipients).toEqual([{ address: 'bob@example.test', accepted: false, reply, responseCode: 450 }]);
  });

  it('retries later when the server has a local error after the message (451)', async () => {
    const reply = '451 4.3.0 Error: queue file write error';
    const { result } = await sendTo({ dataEnd: reply });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'SMTP_TEMPORARY', reply, responseCode: 451 });
    expect(result.error?.message).toBe('The mail server hit a local error while handling the message (451).');
  });

  it('retries later when the server has too many recipients or too little storage (452)', async () => {
    const reply = '452 4.5.3 Error: too many recipients';
    const { result } = await sendTo({ rcpt: reply });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'SMTP_TEMPORARY', reply, responseCode: 452 });
    expect(result.error?.message).toBe('The mail server has too many recipients or not enough storage right now (452).');
  });

  it('asks for the password again when the server answers AUTH with 535', async () => {
    const reply = '535 5.7.8 Authentication credentials invalid';
    const { result, server, text } = await sendTo({ auth: reply });

    expect(result.outcome).toBe('auth');
    expect(result.error).toMatchObject({ code: 'SMTP_AUTH', reply, responseCode: 535, retryable: false });
    expect(result.error?.message).toBe('The mail server refused the user name or password (535 5.7.8).');
    expect(result.error?.next).toContain('app password');
    expect(server.connections[0]!.commands.some((c) => c.startsWith('MAIL'))).toBe(false);
    expect(text).toContain('C: AUTH PLAIN [redacted]');
    expect(text).toContain(`S: ${reply}`);
    for (const secret of PASSWORD_FORMS) expect(text).not.toContain(secret);
  });

  it('explains that Gmail-style servers want an app password (534, multi-line reply kept whole)', async () => {
    const reply = [
      '534-5.7.9 Application-specific password required. For more information, go to',
      '534 5.7.9  https://support.example.test/mail/?p=InvalidSecondFactor',
    ];
    const { result } = await sendTo({ auth: reply });

    expect(result.outcome).toBe('auth');
    expect(result.error?.reply).toBe(reply.join('\n'));
    expect(result.error?.responseCode).toBe(534);
    expect(result.error?.next).toContain('app password or OAuth');
  });

  it('sends to the accepted recipients and reports the one refused with 550', async () => {
    const refusal = '550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in virtual mailbox table';
    const to = ['bob@example.test', 'nobody@example.test', 'carol@example.test'];
    const { result, server } = await sendTo(
      { rcpt: ({ address }) => (address === 'nobody@example.test' ? refusal : '250 2.1.5 Ok') },
      { to },
    );

    expect(result.outcome).toBe('partial');
    expect(result.reply).toBe('250 2.0.0 Ok: queued as RAW1');
    expect(server.connections[0]!.messages).toHaveLength(1);
    expect(result.recipients).toEqual([
      { address: 'bob@example.test', accepted: true, reply: '250 2.0.0 Ok: queued as RAW1', responseCode: 250 },
      { address: 'carol@example.test', accepted: true, reply: '250 2.0.0 Ok: queued as RAW1', responseCode: 250 },
      { address: 'nobody@example.test', accepted: false, reply: refusal, responseCode: 550 },
    ]);
    expect(result.error).toMatchObject({ code: 'SMTP_RECIPIENT', reply: refusal, responseCode: 550, retryable: false });
    expect(result.error?.message).toBe(
      'The mail server refused 1 of 3 recipients; the others received the message. The recipient address does not exist at that server (550 5.1.1).',
    );
    expect(result.error?.next).toContain('Check the address');
  });

  it('fails for good when every recipient is refused', async () => {
    const reply = '550 5.1.1 Mailbox unavailable';
    const { result, server } = await sendTo({ rcpt: reply }, { to: ['a@example.test', 'b@example.test'] });

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_RECIPIENT', reply, responseCode: 550 });
    expect(result.error?.message).toContain('refused all 2 recipients');
    expect(result.recipients?.map((r) => [r.address, r.accepted, r.reply])).toEqual([
      ['a@example.test', false, reply],
      ['b@example.test', false, reply],
    ]);
    expect(server.connections[0]!.messages).toHaveLength(0);
  });

  it('says the message is too big when the server answers 552', async () => {
    const reply = '552 5.3.4 Message size exceeds fixed maximum message size';
    const { result } = await sendTo({ dataEnd: reply });

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_SIZE', reply, responseCode: 552, retryable: false });
    expect(result.error?.message).toBe('The message is larger than the server accepts (552 5.3.4).');
    expect(result.error?.next).toContain('shrink attachments');
  });

  it('reports a message rejected as spam (554) with the server reply', async () => {
    const reply = '554 5.7.1 Message rejected: spam content detected (score 12.4)';
    const { result } = await sendTo({ dataEnd: reply });

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_REJECTED', reply, responseCode: 554 });
    expect(result.error?.message).toContain('policy does not allow this message');
  });

  it('points at the From address when the server refuses the sender (553)', async () => {
    const reply = '553 5.7.1 <alice@example.test>: Sender address rejected: not owned by user bob';
    const { result } = await sendTo({ mail: reply });

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_REJECTED', reply, responseCode: 553 });
    expect(result.error?.next).toContain('From address matches');
  });

  it('treats "authentication required" at MAIL FROM (530) as a sign-in problem', async () => {
    const reply = '530 5.7.0 Authentication required';
    const { result } = await sendTo({ mail: reply });

    expect(result.outcome).toBe('auth');
    expect(result.error).toMatchObject({ code: 'SMTP_AUTH', reply, responseCode: 530 });
    expect(result.error?.message).toBe('The mail server requires signing in before sending (530).');
  });

  it('treats a server that does not offer AUTH as a sign-in problem rather than sending unauthenticated', async () => {
    const { result, server } = await sendTo({ extensions: ['PIPELINING'], auth: '502 5.5.2 Error: command not recognized' });

    expect(result.outcome).toBe('auth');
    expect(result.error).toMatchObject({ code: 'SMTP_AUTH', responseCode: 502, reply: '502 5.5.2 Error: command not recognized' });
    expect(server.connections[0]!.commands.some((c) => c.startsWith('MAIL'))).toBe(false);
  });

  it('retries later when the connection drops in the middle of DATA', async () => {
    const { result, text, server } = await sendTo({ midData: DROP });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'NETWORK_DROPPED', retryable: true });
    expect(result.error?.message).toMatch(/^The connection to 127\.0\.0\.1:\d+ was lost while sending\.$/);
    expect(result.error?.reply).toBeUndefined();
    expect(text).toContain('S: 354 End data with <CR><LF>.<CR><LF>');
    // Part of the message may have reached the server: it is not resent behind the scheduler's back.
    expect(server.connections).toHaveLength(1);
  });

  it('tries a second connection when the server hangs up before greeting, then retries later', async () => {
    const { result, server } = await sendTo({ greeting: DROP });

    expect(result.outcome).toBe('temporary');
    expect(result.error?.code).toBe('NETWORK_DROPPED');
    expect(server.connections).toHaveLength(2);
    expect(result.transcript.filter((l) => l === '! Connection closed unexpectedly')).toHaveLength(2);
  });

  it('gives up on a server that stops answering, and retries later', async () => {
    const started = Date.now();
    const { result, text } = await sendTo({ mail: STALL });

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'NETWORK_TIMEOUT', retryable: true });
    expect(result.error?.message).toMatch(/stopped answering/);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(text).toContain('! Timeout');
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const { result } = await sendTo({ greeting: STALL });

    expect(result.outcome).toBe('temporary');
    expect(result.error?.code).toBe('NETWORK_TIMEOUT');
    expect(result.error?.message).toContain('never greeted');
  });

  it('stops before signing in when STARTTLS is required but not offered, and nothing secret crosses in clear', async () => {
    const { result, server } = await sendTo({}, { tls: false });

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_TLS', reply: '502 5.5.1 Unrecognized command', responseCode: 502, retryable: false });
    expect(result.error?.message).toContain('does not offer encryption (STARTTLS)');
    expect(result.error?.next).toContain('never sends your password unencrypted');
    const record = server.connections[0]!;
    expect(record.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'STARTTLS']);
    const clear = record.clearText().toString('latin1');
    expect(clear).not.toContain('AUTH');
    for (const secret of [...PASSWORD_FORMS, USER]) expect(clear).not.toContain(secret);
  });

  it('explains that a TLS account is pointed at a plain-text (STARTTLS) port', async () => {
    const { result } = await sendTo({}, { tls: false, smtp: { security: 'tls' } });

    expect(result.outcome).toBe('permanent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.message).toContain('expects STARTTLS');
    expect(result.error?.next).toContain('Set the security to STARTTLS');
  });

  it('ends deliveries and queued messages as temporary when Outbox closes the sender', async () => {
    const server = await startRawSmtp({ tls: certs, dataEnd: STALL });
    cleanup(() => server.close());
    const sender = newSender(cleanup, { tls: { ca: certs.ca }, maxConnections: 1 });
    const account = makeAccount(server.port);
    const first = sender.send(makeRequest(account));
    const second = sender.send(makeRequest(account, { to: ['queued@example.test'] }));
    await waitFor(() => server.connections[0]?.messages.length === 1);

    await sender.close();
    const results = await Promise.all([first, second]);

    for (const result of results) {
      expect(result.outcome).toBe('temporary');
      expect(result.error).toMatchObject({ code: 'NETWORK_DROPPED', retryable: true });
      expect(result.error?.message).toContain('Outbox closed the connection');
    }
  });

  it('drops pooled connections of an account on reset, so the next message connects afresh', async () => {
    const server = await startRawSmtp({ tls: certs });
    cleanup(() => server.close());
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });
    const account = makeAccount(server.port);

    await sender.send(makeRequest(account));
    sender.reset(account.id);
    const after = await sender.send(makeRequest(account));

    expect(after.outcome).toBe('sent');
    expect(server.connections).toHaveLength(2);
    expect(after.transcript.some((l) => l.startsWith('C: EHLO'))).toBe(true);
  });

  it('keeps a transcript bounded when the server floods it', async () => {
    const ehlo = ['250-raw.test', ...Array.from({ length: 400 }, (_, i) => `250-X-FILLER-${i}`), `250 X-LONG-${'y'.repeat(2_000)}`];
    const { result } = await sendTo({ ehlo, greeting: `220 ${'g'.repeat(1_500)}` });

    expect(result.transcript.length).toBeLessThanOrEqual(201);
    expect(result.transcript.at(-1)).toMatch(/^… \d+ more lines not kept$/);
    expect(Math.max(...result.transcript.map((l) => l.length))).toBeLessThan(600);
    expect(result.transcript.find((l) => l.startsWith('S: 220'))).toMatch(/ … \[\d+ more characters\]$/);
  });
});
