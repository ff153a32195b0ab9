// The connection check's verdicts for what goes wrong before and during sign-in: wrong TLS mode,
// STARTTLS missing, refused sign-in, closed and silent ports, unknown names (DNS is injected).
import { describe, expect, it } from 'vitest';
import { checkSmtp } from '../../../electron/core/diagnostics/smtp-check';
import { makeCerts } from '../../peers/certs';
import { DROP, STALL, startRawSmtp, type RawSmtpScript } from '../../peers/raw-smtp';
import { startSmtpPeer } from '../../peers/smtp-peer';
import { FAST, PASSWORD, PASSWORD_FORMS, USER, checkOptions, closedPort, startSilentServer, useCleanup } from './fixtures';

const certs = makeCerts();
const trustTestCa = { ca: certs.ca };

describe('checkSmtp verdicts', () => {
  const cleanup = useCleanup();

  async function raw(script: RawSmtpScript = {}) {
    const server = await startRawSmtp(script);
    cleanup(() => server.close());
    return server;
  }

  it('says a plaintext port expects STARTTLS when TLS is spoken to it from the start', async () => {
    const server = await raw();

    const report = await checkSmtp(checkOptions(server.port, { security: 'tls', tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-wrong-mode' });
    expect(report.verdict?.message).toMatch(/expects STARTTLS/);
    expect(report.verdict?.next).toMatch(/STARTTLS.*587/);
  });

  it('says an implicit-TLS port expects TLS from the start when it never greets in plaintext', async () => {
    const server = await startSmtpPeer({ certs, secure: true, users: { [USER]: PASSWORD } });
    cleanup(() => server.close());

    const report = await checkSmtp(checkOptions(server.port, { security: 'starttls', tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-wrong-mode' });
    expect(report.verdict?.message).toMatch(/expects TLS from the start/);
    expect(report.verdict?.next).toMatch(/TLS.*465/);
    expect(report.server.greeting).toBeNull();
  });

  it('stops before signing in when STARTTLS is required but not offered, and no password crosses in clear', async () => {
    const server = await raw(); // no certificate: EHLO does not list STARTTLS

    const report = await checkSmtp(checkOptions(server.port));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-starttls-unavailable' });
    expect(report.verdict?.next).toMatch(/465/);
    expect(report.server.greeting).toMatch(/^220 /);
    expect(report.server.capabilities).toMatchObject({ startTls: false, auth: ['PLAIN', 'LOGIN'], pipelining: true });
    const clear = server.connections[0]!.clearText().toString('latin1');
    expect(clear).not.toMatch(/AUTH|STARTTLS/);
    for (const secret of PASSWORD_FORMS) expect(clear).not.toContain(secret);
  });

  it('explains a refused password with the server reply and keeps the password out of the report', async () => {
    const server = await startSmtpPeer({ certs, users: { [USER]: 'another-password' } });
    cleanup(() => server.close());

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_AUTH' });
    expect(report.verdict?.reply).toMatch(/^535 /);
    expect(report.verdict?.next).toMatch(/app password/);
    expect(report.timings.authMs).toBeTypeOf('number');
    expect(report.server.capabilities?.auth).toContain('PLAIN');
    const json = JSON.stringify(report);
    for (const secret of PASSWORD_FORMS) expect(json).not.toContain(secret);
    expect(report.transcript).toContain('C: AUTH PLAIN [redacted]');
  });

  it('hints at an app password when the server asks for a stronger sign-in (534)', async () => {
    const server = await raw({ tls: certs, auth: '534-5.7.9 Application-specific password required.\r\n534 5.7.9 Learn more' });

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa, authMethod: 'LOGIN' }));

    expect(report.verdict?.code).toBe('SMTP_AUTH');
    expect(report.verdict?.next).toMatch(/app password/);
    expect(report.transcript.filter((l) => l === 'C: [redacted]')).toHaveLength(2);
  });

  it('says nothing listens when the port refuses the connection', async () => {
    const port = await closedPort();

    const report = await checkSmtp(checkOptions(port));

    expect(report.verdict).toMatchObject({ code: 'NETWORK_REFUSED', kind: 'refused' });
    expect(report.verdict?.next).toMatch(/587.*465/);
    expect(report.timings.connectMs).toBeNull();
  });

  it('gives up on a server that accepts and never speaks, after checking it is not TLS', async () => {
    const port = await startSilentServer(cleanup);
    const started = Date.now();

    const report = await checkSmtp(checkOptions(port));

    expect(report.verdict).toMatchObject({ code: 'NETWORK_TIMEOUT', kind: 'timeout-greeting' });
    expect(report.timings.connectMs).toBeTypeOf('number');
    expect(report.timings.greetingMs).toBeNull();
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('says the name was not found when DNS fails, without touching the network', async () => {
    const resolver = async (): Promise<never> => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND smtp.example.invalid'), { code: 'ENOTFOUND' });
    };

    const report = await checkSmtp(checkOptions(25, { host: 'smtp.example.invalid', resolver }));

    expect(report.verdict).toMatchObject({ code: 'NETWORK_DNS', kind: 'dns' });
    expect(report.verdict?.message).toContain('smtp.example.invalid');
    expect(report.verdict?.detail).toContain('ENOTFOUND');
    expect(report.timings.dnsMs).toBeTypeOf('number');
    expect(report.timings.connectMs).toBeNull();
  });

  it('uses the resolved address and checks the certificate against the name, not the address', async () => {
    const server = await startSmtpPeer({ certs, users: { [USER]: PASSWORD } });
    cleanup(() => server.close());
    const resolver = async () => ({ address: '127.0.0.1' });

    const report = await checkSmtp(checkOptions(server.port, { host: 'localhost', resolver, tls: trustTestCa }));

    expect(report.verdict).toBeNull();
    expect(report.certificate?.hostMatches).toBe(true);
    expect(report.transcript[0]).toBe('* localhost is 127.0.0.1 (' + report.timings.dnsMs + ' ms)');
  });

  it('refuses an unencrypted connection the account has not explicitly allowed, without connecting', async () => {
    const server = await raw();

    const report = await checkSmtp(checkOptions(server.port, { security: 'none', insecure: false }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'insecure-refused' });
    expect(server.connections).toHaveLength(0);
  });
});

describe('checkSmtp verdicts mid-conversation', () => {
  const cleanup = useCleanup();

  it('says the server stopped answering when a command gets no reply', async () => {
    const server = await startRawSmtp({ tls: certs, auth: STALL });
    cleanup(() => server.close());

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa, timeouts: { ...FAST, command: 300 } }));

    expect(report.verdict).toMatchObject({ code: 'NETWORK_TIMEOUT', kind: 'timeout-socket' });
    expect(report.verdict?.next).not.toMatch(/Outbox will try again/);
  });

  it('says the server closed the connection when it hangs up mid-test', async () => {
    const server = await startRawSmtp({ tls: certs, ehlo: (c) => (c.connection.tls ? DROP : ['250-raw.test', '250 STARTTLS']) });
    cleanup(() => server.close());

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'NETWORK_DROPPED', kind: 'dropped' });
  });

  it('says when the server offers no sign-in method Outbox supports', async () => {
    const server = await startRawSmtp({ tls: certs, extensions: ['AUTH XOAUTH2 OAUTHBEARER'] });
    cleanup(() => server.close());

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_AUTH', kind: 'auth-unavailable' });
    expect(report.verdict?.message).toContain('XOAUTH2, OAUTHBEARER');
    expect(server.connections[0]!.commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });
});
