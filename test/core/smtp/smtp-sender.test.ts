// The SMTP sender against a real smtp-server on loopback: exact bytes, TLS modes, AUTH redaction,
// pooled connections and per-message transcripts.
import { describe, expect, it } from 'vitest';
import net from 'node:net';
import { makeCerts, makeWrongHostCerts } from '../../peers/certs';
import { startSmtpPeer } from '../../peers/smtp-peer';
import { startRawSmtp } from '../../peers/raw-smtp';
import { PASSWORD, PASSWORD_FORMS, USER, makeAccount, makeRequest, newSender, sampleMessage, transcriptText, useCleanup } from './fixtures';

const certs = makeCerts();
const trustTestCa = { tls: { ca: certs.ca } };

describe('SmtpSender against smtp-server', () => {
  const cleanup = useCleanup();

  async function peer(options: Partial<Parameters<typeof startSmtpPeer>[0]> = {}) {
    const p = await startSmtpPeer({ certs, users: { [USER]: PASSWORD }, ...options });
    cleanup(() => p.close());
    return p;
  }

  it('delivers the exact bytes over STARTTLS after signing in, and the transcript shows the conversation without the password', async () => {
    const server = await peer();
    const sender = newSender(cleanup, trustTestCa);
    const bytes = sampleMessage('exact');

    const result = await sender.send(makeRequest(makeAccount(server.port), { bytes }));

    expect(result.outcome).toBe('sent');
    expect(result.error).toBeUndefined();
    expect(result.reply).toMatch(/^250 .*queued as PEER1/);
    expect(server.messages).toHaveLength(1);
    const received = server.messages[0]!;
    expect(received.raw.equals(bytes)).toBe(true);
    expect(received).toMatchObject({ from: USER, to: ['bob@example.test'], user: USER, secure: true });

    const text = transcriptText(result.transcript);
    expect(text).toContain('C: STARTTLS');
    expect(text).toContain('* Connection upgraded with STARTTLS');
    expect(text).toContain('C: AUTH PLAIN [redacted]');
    expect(text).toContain(`C: MAIL FROM:<${USER}>`);
    expect(text).toContain('C: RCPT TO:<bob@example.test>');
    expect(text).toMatch(/C: <\d+ bytes of message data>/);
    for (const secret of PASSWORD_FORMS) expect(text).not.toContain(secret);
    // Transaction log only: no message body in the transcript.
    expect(text).not.toContain('Hello Bob');
  });

  it.each(['LOGIN', 'CRAM-MD5'] as const)('signs in with %s and keeps every SASL response out of the transcript', async (authMethod) => {
    const server = await peer();
    const sender = newSender(cleanup, trustTestCa);

    const result = await sender.send(makeRequest(makeAccount(server.port, { authMethod })));

    expect(result.outcome).toBe('sent');
    expect(server.logins).toEqual([{ method: authMethod, username: USER, ok: true }]);
    const text = transcriptText(result.transcript);
    expect(text).toContain(`C: AUTH ${authMethod}`);
    expect(text).toContain('C: [redacted]');
    for (const secret of [...PASSWORD_FORMS, Buffer.from(USER).toString('base64')]) expect(text).not.toContain(secret);
  });

  it('sends over implicit TLS when the account uses TLS from the start', async () => {
    const server = await peer({ secure: true });
    const sender = newSender(cleanup, trustTestCa);

    const result = await sender.send(makeRequest(makeAccount(server.port, { security: 'tls' })));

    expect(result.outcome).toBe('sent');
    expect(server.messages[0]?.secure).toBe(true);
    expect(transcriptText(result.transcript)).toMatch(/\* Secure connection established to 127\.0\.0\.1:\d+/);
    expect(transcriptText(result.transcript)).not.toContain('STARTTLS');
  });

  it('sends consecutive messages of an account over one pooled connection', async () => {
    const server = await peer();
    const sender = newSender(cleanup, trustTestCa);
    const account = makeAccount(server.port);

    const first = await sender.send(makeRequest(account, { bytes: sampleMessage('first') }));
    const second = await sender.send(makeRequest(account, { bytes: sampleMessage('second') }));

    expect([first.outcome, second.outcome]).toEqual(['sent', 'sent']);
    expect(server.connections()).toBe(1);
    expect(server.logins).toHaveLength(1);
    expect(second.transcript[0]).toBe('* Reusing the open connection (message 2 on it)');
    expect(transcriptText(second.transcript)).not.toContain('EHLO');
  });

  it('opens a fresh connection once the account password changes', async () => {
    const server = await peer({ users: { [USER]: PASSWORD, 'carol@example.test': 'second-password' } });
    const sender = newSender(cleanup, trustTestCa);
    const account = makeAccount(server.port);

    await sender.send(makeRequest(account));
    const after = await sender.send(makeRequest(account, { user: 'carol@example.test', password: 'second-password' }));

    expect(after.outcome).toBe('sent');
    expect(server.connections()).toBe(2);
    expect(server.messages.map((m) => m.user)).toEqual([USER, 'carol@example.test']);
  });

  it('keeps each transcript to its own message when several send at once over pooled connections', async () => {
    const server = await peer();
    const sender = newSender(cleanup, { ...trustTestCa, maxConnections: 3 });
    const account = makeAccount(server.port);
    const recipients = Array.from({ length: 9 }, (_, i) => `r${i}@example.test`);

    const results = await Promise.all(
      recipients.map((to, i) => sender.send(makeRequest(account, { to: [to], bytes: sampleMessage(`p${i}`) }))),
    );

    expect(results.map((r) => r.outcome)).toEqual(recipients.map(() => 'sent'));
    expect(server.connections()).toBeLessThanOrEqual(3);
    results.forEach((result, i) => {
      const rcpts = result.transcript.filter((l) => l.startsWith('C: RCPT TO:'));
      expect(rcpts).toEqual([`C: RCPT TO:<${recipients[i]}>`]);
      expect(result.transcript.filter((l) => l.startsWith('C: MAIL FROM:'))).toHaveLength(1);
      // Either this message opened its connection (and shows the handshake) or it reused one.
      const opened = result.transcript.some((l) => l.startsWith('C: EHLO'));
      expect(opened || result.transcript[0]!.startsWith('* Reusing the open connection')).toBe(true);
    });
    expect(results.filter((r) => r.transcript.some((l) => l.startsWith('C: EHLO')))).toHaveLength(server.connections());
  });

  it('reports progress up to the full size of the message', async () => {
    const server = await peer();
    const sender = newSender(cleanup, trustTestCa);
    const bytes = Buffer.concat([sampleMessage('big'), ...Array.from({ length: 3000 }, () => Buffer.from('z'.repeat(98) + '\r\n'))]);
    const progress: number[] = [];

    const result = await sender.send(makeRequest(makeAccount(server.port), { bytes, onProgress: (n) => progress.push(n) }));

    expect(result.outcome).toBe('sent');
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(bytes.length);
    expect(server.messages[0]?.raw.equals(bytes)).toBe(true);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  });

  it('refuses the wrong password as a sign-in problem, with the server reply word for word', async () => {
    const server = await peer();
    const sender = newSender(cleanup, trustTestCa);

    const result = await sender.send(makeRequest(makeAccount(server.port), { password: 'not-the-password' }));

    expect(result.outcome).toBe('auth');
    expect(result.error).toMatchObject({
      code: 'SMTP_AUTH',
      responseCode: 535,
      reply: '535 5.7.8 Error: authentication failed: Invalid username or password',
      retryable: false,
    });
    expect(result.error?.message).toBe('The mail server refused the user name or password (535 5.7.8).');
    expect(result.error?.next).toContain('app password');
    expect(server.messages).toHaveLength(0);
    const text = transcriptText(result.transcript);
    expect(text).toContain('C: AUTH PLAIN [redacted]');
    expect(text).toContain('S: 535 5.7.8 Error: authentication failed');
    expect(text).not.toContain('not-the-password');
    expect(text).not.toContain(Buffer.from(`\u0000${USER}\u0000not-the-password`).toString('base64'));
  });

  it('refuses a certificate from an unknown authority as a TLS problem', async () => {
    const server = await peer();
    const sender = newSender(cleanup); // does not trust the test CA

    const result = await sender.send(makeRequest(makeAccount(server.port)));

    expect(result.outcome).toBe('permanent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.message).toContain('is not trusted');
    expect(result.error?.next).toContain('Outbox never skips certificate checks');
    expect(server.logins).toHaveLength(0);
    expect(transcriptText(result.transcript)).toContain('C: STARTTLS');
    expect(transcriptText(result.transcript)).toContain('! unable to verify the first certificate');
    expect(transcriptText(result.transcript)).not.toContain('C: AUTH');
  });

  it('refuses a certificate issued for another host name', async () => {
    const server = await peer({ certs: makeWrongHostCerts(), secure: true });
    const sender = newSender(cleanup, trustTestCa);

    const result = await sender.send(makeRequest(makeAccount(server.port, { security: 'tls' })));

    expect(result.outcome).toBe('permanent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.message).toContain('for a different server name');
  });

  it('cannot be talked out of certificate checks through its TLS options', async () => {
    const server = await peer({ secure: true });
    const sender = newSender(cleanup, { tls: { rejectUnauthorized: false, checkServerIdentity: () => undefined } });

    const result = await sender.send(makeRequest(makeAccount(server.port, { security: 'tls' })));

    expect(result.error?.code).toBe('SMTP_TLS');
    expect(server.messages).toHaveLength(0);
  });

  it('refuses an unencrypted account that did not explicitly allow it, without connecting', async () => {
    const raw = await startRawSmtp();
    cleanup(() => raw.close());
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(raw.port, { security: 'none', insecure: false })));

    expect(result.outcome).toBe('permanent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.message).toContain('without encryption');
    expect(raw.connections).toHaveLength(0);
  });

  it('sends without encryption only when the account explicitly allows it', async () => {
    const raw = await startRawSmtp({ extensions: ['STARTTLS', 'AUTH PLAIN'] });
    cleanup(() => raw.close());
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(raw.port, { security: 'none', insecure: true })));

    expect(result.outcome).toBe('sent');
    expect(raw.connections[0]!.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT', 'DATA']);
    expect(raw.connections[0]!.messages[0]!.equals(sampleMessage())).toBe(true);
  });

  it('reports a refused connection as NETWORK_REFUSED and retries later', async () => {
    const port = await closedPort();
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(port)));

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'NETWORK_REFUSED', retryable: true });
    expect(result.error?.message).toBe(`The mail server at 127.0.0.1:${port} refused the connection.`);
  });
});

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
