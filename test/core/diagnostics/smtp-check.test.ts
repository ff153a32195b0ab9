// The connection check against healthy loopback servers and bad certificates: capabilities, the
// certificate and its fingerprint, timings, and one pinned certificate trusted for one account.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSmtp } from '../../../electron/core/diagnostics/smtp-check';
import { makeCerts, makeWrongHostCerts } from '../../peers/certs';
import { makeExpiredCerts } from '../../peers/expired-cert';
import { startRawSmtp } from '../../peers/raw-smtp';
import { startSmtpPeer, type SmtpPeerOptions } from '../../peers/smtp-peer';
import { PASSWORD, PASSWORD_FORMS, USER, checkOptions, useCleanup } from './fixtures';

const certs = makeCerts();
const trustTestCa = { ca: certs.ca };
const fingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('checkSmtp against healthy servers', () => {
  const cleanup = useCleanup();

  async function peer(options: Partial<SmtpPeerOptions> = {}) {
    const p = await startSmtpPeer({ certs, users: { [USER]: PASSWORD }, server: { size: 10_485_760 }, ...options });
    cleanup(() => p.close());
    return p;
  }

  it('upgrades with STARTTLS, signs in and reports capabilities, certificate and timings', async () => {
    const server = await peer();

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa }));

    expect(report.verdict).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.server.greeting).toMatch(/^220 /);
    expect(report.server.capabilities).toMatchObject({
      auth: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
      size: 10_485_760,
      eightBitMime: true,
      smtpUtf8: true,
      pipelining: true,
      startTls: true,
    });
    expect(report.certificate).toEqual({
      subject: 'CN=localhost',
      issuer: 'CN=Outbox Test CA',
      validFrom: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      validTo: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      fingerprint256: fingerprintOf(certs.cert),
      trusted: true,
      pinned: false,
      hostMatches: true,
      names: ['localhost', '127.0.0.1'],
      pem: new X509Certificate(certs.cert).toString(),
    });
    const { timings } = report;
    for (const step of ['connectMs', 'tlsMs', 'greetingMs', 'ehloMs', 'authMs', 'totalMs'] as const) {
      expect(timings[step], step).toBeTypeOf('number');
      expect(timings[step]!, step).toBeGreaterThanOrEqual(0);
    }
    expect(timings.dnsMs).toBeNull(); // an address needs no lookup
    expect(server.logins).toEqual([{ method: 'PLAIN', username: USER, ok: true }]);
    const text = report.transcript.join('\n');
    expect(text).toContain('C: STARTTLS');
    expect(text).toContain('C: AUTH PLAIN [redacted]');
    expect(text).toMatch(/S: 235 /);
    expect(text).toContain('C: QUIT');
    const json = JSON.stringify(report);
    for (const secret of PASSWORD_FORMS) expect(json).not.toContain(secret);
  });

  it('signs in with LOGIN and keeps the user name and password out of the transcript', async () => {
    const server = await peer();

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa, authMethod: 'LOGIN' }));

    expect(report.ok).toBe(true);
    expect(server.logins).toEqual([{ method: 'LOGIN', username: USER, ok: true }]);
    const text = report.transcript.join('\n');
    expect(text).toContain('C: AUTH LOGIN');
    for (const secret of [...PASSWORD_FORMS, Buffer.from(USER).toString('base64')]) expect(text).not.toContain(secret);
  });

  it('checks implicit TLS from the first byte', async () => {
    const server = await peer({ secure: true });

    const report = await checkSmtp(checkOptions(server.port, { security: 'tls', tls: trustTestCa }));

    expect(report.verdict).toBeNull();
    expect(report.certificate?.fingerprint256).toBe(fingerprintOf(certs.cert));
    expect(report.timings.tlsMs).toBeTypeOf('number');
    expect(report.transcript.join('\n')).not.toContain('STARTTLS');
    expect(server.logins).toHaveLength(1);
  });

  it('stops at connect without credentials and still reports the capabilities', async () => {
    const server = await peer();

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa, credentials: null }));

    expect(report.ok).toBe(true);
    expect(report.timings.authMs).toBeNull();
    expect(report.server.capabilities?.auth).toContain('PLAIN');
    expect(server.logins).toEqual([]);
  });
});

describe('checkSmtp and certificates', () => {
  const cleanup = useCleanup();

  async function rawTls(serverCerts: { key: string; cert: string }) {
    const server = await startRawSmtp({
      tls: { key: serverCerts.key, cert: serverCerts.cert },
      extensions: ['AUTH PLAIN LOGIN', 'SIZE 1000'],
    });
    cleanup(() => server.close());
    return server;
  }

  it('calls an unknown issuer untrusted, shows its fingerprint, and never signs in over it', async () => {
    const server = await rawTls(certs);

    const report = await checkSmtp(checkOptions(server.port)); // the test CA is not trusted here

    expect(report.ok).toBe(false);
    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-untrusted' });
    expect(report.verdict?.next).toMatch(/trust this one certificate/);
    expect(report.certificate).toMatchObject({
      fingerprint256: fingerprintOf(certs.cert),
      trusted: false,
      pinned: false,
      hostMatches: true,
    });
    expect(fingerprintOf(report.certificate!.pem)).toBe(fingerprintOf(certs.cert)); // what "trust this" would store
    expect(report.timings.authMs).toBeNull();
    const commands = server.connections.flatMap((c) => c.commands);
    expect(commands.some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('signs in over that certificate when the account pins its exact fingerprint', async () => {
    const server = await rawTls(certs);
    const pin = fingerprintOf(certs.cert).replaceAll(':', '').toLowerCase();

    const report = await checkSmtp(checkOptions(server.port, { pinnedFingerprint: pin }));

    expect(report.verdict).toBeNull();
    expect(report.certificate).toMatchObject({ trusted: false, pinned: true });
    expect(report.server.capabilities?.size).toBe(1000);
    expect(server.connections[0]?.commands.some((c) => c.startsWith('AUTH PLAIN'))).toBe(true);
  });

  it('does not let a pin for another certificate through', async () => {
    const server = await rawTls(certs);

    const report = await checkSmtp(checkOptions(server.port, { pinnedFingerprint: fingerprintOf(makeWrongHostCerts().cert) }));

    expect(report.verdict?.kind).toBe('tls-untrusted');
    expect(report.certificate?.pinned).toBe(false);
  });

  it('refuses to report-only a certificate when it would send credentials over it', async () => {
    const server = await rawTls(certs);

    await expect(checkSmtp(checkOptions(server.port, { certificates: 'report' }))).rejects.toThrow(/without credentials/);
    expect(server.connections.flatMap((c) => c.commands).some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('describes an untrusted server without signing in when asked only to report (the probe)', async () => {
    const server = await rawTls(certs);

    const report = await checkSmtp({ ...checkOptions(server.port), credentials: null, certificates: 'report' });

    expect(report.verdict).toBeNull();
    expect(report.server.security).toBe('starttls');
    expect(report.certificate).toMatchObject({ trusted: false, names: ['localhost', '127.0.0.1'] });
    expect(report.transcript.join('\n')).toMatch(/Certificate would not be accepted for signing in/);
    expect(server.connections.flatMap((c) => c.commands).some((c) => c.startsWith('AUTH'))).toBe(false);
  });

  it('names a certificate made for another host', async () => {
    const wrong = makeWrongHostCerts();
    const server = await rawTls(wrong);

    const report = await checkSmtp(checkOptions(server.port, { tls: trustTestCa }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-hostname' });
    expect(report.verdict?.message).toMatch(/different server name/);
    expect(report.certificate).toMatchObject({ trusted: true, hostMatches: false, subject: 'CN=wrong-host.invalid' });
  });

  it('names an expired certificate, pinned or not', async () => {
    const expired = makeExpiredCerts();
    const server = await rawTls(expired);

    const report = await checkSmtp(checkOptions(server.port, { tls: { ca: expired.ca } }));
    const pinned = await checkSmtp(checkOptions(server.port, { tls: { ca: expired.ca }, pinnedFingerprint: fingerprintOf(expired.cert) }));

    expect(report.verdict).toMatchObject({ code: 'SMTP_TLS', kind: 'tls-expired' });
    expect(report.certificate).toMatchObject({ trusted: false, validTo: '2020-01-02T00:00:00.000Z' });
    expect(pinned.verdict?.kind).toBe('tls-expired');
    expect(server.connections.flatMap((c) => c.commands).some((c) => c.startsWith('AUTH'))).toBe(false);
  });
});
