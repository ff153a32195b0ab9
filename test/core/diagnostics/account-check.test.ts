// checkAccount() against a real Dovecot and smtp-server on loopback: the IMAP half logs in over TLS or
// STARTTLS, finds Sent and explains failures; a pinned certificate is trusted only when it is the exact one.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateToTrust, checkAccount, failedCode } from '../../../electron/core/diagnostics/account-check';
import { checkImap, type ImapCheckOptions } from '../../../electron/core/diagnostics/imap-check';
import type { AccountProfile } from '../../../electron/shared/account';
import { makeCerts } from '../../peers/certs';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';
import { FAST, PASSWORD, PASSWORD_FORMS, USER, closedPort, startSilentServer, useCleanup } from './fixtures';

const smtpCerts = makeCerts();
const TIMEOUTS = { ...FAST, tls: 2_000, greeting: 2_000, command: 5_000 };

function account(smtpPort: number, overrides: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id: 'alice-example-test',
    name: 'Alice',
    email: USER,
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'starttls', insecure: false, user: USER, authMethod: 'auto' },
    sentCopy: { enabled: true },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2026-11-27T10:00:00.000Z',
    ...overrides,
  };
}

describeDovecot('checkImap against Dovecot', () => {
  let peer: DovecotPeer;
  beforeAll(async () => {
    peer = await startDovecot({ variant: 'special-use' });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  const options = (overrides: Partial<ImapCheckOptions> = {}): ImapCheckOptions => ({
    host: peer.host,
    port: peer.imapsPort,
    security: 'tls',
    credentials: { kind: 'password', user: peer.user, password: peer.password },
    tls: { ca: peer.ca },
    timeouts: TIMEOUTS,
    ...overrides,
  });

  it('logs in over implicit TLS and reports capabilities, certificate, timings and the Sent folder', async () => {
    const report = await checkImap(options());
    expect(report.verdict, report.transcript.join('\n')).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.sentFolder).toEqual({ path: 'Sent', how: 'special-use' });
    expect(report.server.greeting).toMatch(/^\* OK/);
    expect(report.server.capabilities).toEqual(expect.arrayContaining(['IMAP4REV1', 'SPECIAL-USE']));
    expect(report.certificate).toMatchObject({ issuer: 'CN=Outbox Test CA', trusted: true, hostMatches: true, pinned: false });
    for (const step of ['connectMs', 'tlsMs', 'greetingMs', 'loginMs', 'listMs', 'totalMs'] as const) {
      expect(report.timings[step], step).toBeGreaterThanOrEqual(0);
    }
    const text = report.transcript.join('\n');
    expect(text).toMatch(/C: A\d+ AUTHENTICATE PLAIN|C: A\d+ LOGIN "sender@example\.test" \[redacted\]/);
    expect(text).toContain('LOGOUT');
    const json = JSON.stringify(report);
    for (const secret of [peer.password, Buffer.from(`\u0000${peer.user}\u0000${peer.password}`).toString('base64')])
      expect(json).not.toContain(secret);
  });

  it('upgrades with STARTTLS on the cleartext port and asks for capabilities again', async () => {
    const report = await checkImap(options({ port: peer.imapPort, security: 'starttls' }));
    expect(report.verdict, report.transcript.join('\n')).toBeNull();
    expect(report.transcript.join('\n')).toMatch(/C: A\d+ STARTTLS[\s\S]*TLS[\s\S]*C: A\d+ CAPABILITY/);
    expect(report.sentFolder?.path).toBe('Sent');
  });

  it('says the password was refused, with the server reply, and keeps it out of the report', async () => {
    const report = await checkImap(options({ credentials: { kind: 'password', user: peer.user, password: 'wrong horse' } }));
    expect(report.ok).toBe(false);
    expect(report.verdict).toMatchObject({ code: 'IMAP_AUTH', kind: 'auth', reply: expect.stringMatching(/^NO /) });
    expect(JSON.stringify(report)).not.toContain('wrong horse');
  });

  it('stops at an untrusted certificate before sending the password, showing its fingerprint', async () => {
    const report = await checkImap(options({ tls: {} }));
    expect(report.verdict).toMatchObject({ code: 'IMAP_TLS', kind: 'tls-untrusted' });
    expect(report.certificate?.fingerprint256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(report.timings.loginMs).toBeNull();
    expect(report.transcript.join('\n')).not.toMatch(/LOGIN|AUTHENTICATE/);
  });

  it('accepts that certificate once it is pinned by its fingerprint', async () => {
    const fingerprint = (await checkImap(options({ tls: {}, credentials: null }))).certificate!.fingerprint256;
    const report = await checkImap(options({ tls: {}, pinnedFingerprint: fingerprint.replaceAll(':', '').toLowerCase() }));
    expect(report.verdict, report.transcript.join('\n')).toBeNull();
    expect(report.certificate).toMatchObject({ trusted: false, pinned: true });
  });

  it('names TLS spoken to the STARTTLS port as the wrong security setting', async () => {
    const report = await checkImap(options({ port: peer.imapPort, security: 'tls' }));
    expect(report.verdict).toMatchObject({ code: 'IMAP_TLS', kind: 'tls-wrong-mode' });
    expect(report.verdict?.next).toMatch(/993/);
  });

  it('refuses an unencrypted connection it was not allowed, without connecting', async () => {
    const report = await checkImap(options({ port: peer.imapPort, security: 'none', insecure: false }));
    expect(report.verdict).toMatchObject({ code: 'IMAP_TLS', kind: 'plaintext-refused' });
    expect(report.timings.connectMs).toBeNull();
  });

  it('reports a configured folder that does not exist', async () => {
    const report = await checkImap(options({ folder: 'Sent Elsewhere' }));
    expect(report.verdict).toMatchObject({ code: 'IMAP_NO_SENT_FOLDER', kind: 'folder-missing' });
  });
});

describeDovecot('checkImap against a Dovecot without a marked Sent folder', () => {
  let peer: DovecotPeer;
  beforeAll(async () => {
    peer = await startDovecot({ variant: 'non-ascii' });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it('finds a localised Sent folder by its decoded name', async () => {
    const report = await checkImap({
      host: peer.host,
      port: peer.imapsPort,
      security: 'tls',
      credentials: { kind: 'password', user: peer.user, password: peer.password },
      tls: { ca: peer.ca },
      timeouts: TIMEOUTS,
    });
    expect(report.verdict, report.transcript.join('\n')).toBeNull();
    expect(report.sentFolder).toEqual({ path: 'Éléments envoyés', how: 'name' });
  });
});

describe('checkImap without a server', () => {
  const cleanup = useCleanup();

  it('says the port refused the connection and suggests the IMAP ports', async () => {
    const report = await checkImap({ host: '127.0.0.1', port: await closedPort(), security: 'tls', credentials: null, timeouts: FAST });
    expect(report.verdict).toMatchObject({ code: 'IMAP_UNAVAILABLE', kind: 'refused' });
    expect(report.verdict?.next).toMatch(/993/);
  });

  it('says a silent port never greeted', async () => {
    const port = await startSilentServer(cleanup);
    const report = await checkImap({ host: '127.0.0.1', port, security: 'starttls', credentials: null, timeouts: FAST });
    expect(report.verdict).toMatchObject({ code: 'IMAP_UNAVAILABLE', kind: 'timeout-greeting' });
  });
});

describe('checkAccount and certificateToTrust with smtp-server', () => {
  const cleanup = useCleanup();
  let smtp: SmtpPeer;
  beforeAll(async () => {
    smtp = await startSmtpPeer({ certs: smtpCerts, users: { [USER]: PASSWORD } });
  });
  afterAll(async () => {
    await smtp?.close();
  });

  const credentials = { kind: 'password' as const, user: USER, password: PASSWORD };

  it('passes for an account without IMAP when the certificate verifies', async () => {
    const report = await checkAccount(account(smtp.port), { credentials, tls: { ca: smtpCerts.ca }, timeouts: TIMEOUTS });
    expect(report.ok, report.smtp.transcript.join('\n')).toBe(true);
    expect(report.imap).toBeUndefined();
    expect(failedCode(report)).toBeNull();
    for (const secret of PASSWORD_FORMS) expect(JSON.stringify(report)).not.toContain(secret);
  });

  it('fails on the untrusted certificate, then pins exactly that one and passes', async () => {
    const first = await checkAccount(account(smtp.port), { credentials, timeouts: TIMEOUTS });
    expect(first.ok).toBe(false);
    expect(failedCode(first)).toBe('SMTP_TLS');
    const fingerprint = first.smtp.certificate!.fingerprint256;
    expect(fingerprint).toBe(new X509Certificate(smtpCerts.cert).fingerprint256);

    const pinned = await certificateToTrust(account(smtp.port), 'smtp', fingerprint, { timeouts: TIMEOUTS });
    expect(pinned).toEqual({ fingerprint256: fingerprint, pem: new X509Certificate(smtpCerts.cert).toString() });

    const withPin = account(smtp.port);
    withPin.smtp.pinnedCertificate = pinned;
    const second = await checkAccount(withPin, { credentials, timeouts: TIMEOUTS });
    expect(second.ok, second.smtp.transcript.join('\n')).toBe(true);
    expect(second.smtp.certificate).toMatchObject({ pinned: true, trusted: false });
  });

  it('refuses to pin when the server presents another certificate', async () => {
    const other = 'AB:'.repeat(31) + 'AB';
    await expect(certificateToTrust(account(smtp.port), 'smtp', other, { timeouts: TIMEOUTS })).rejects.toMatchObject({
      code: 'SMTP_TLS',
      message: expect.stringMatching(/not the one given; nothing was trusted/),
    });
  });

  it('refuses a fingerprint that is not 32 bytes, and IMAP pinning for an account without IMAP', async () => {
    await expect(certificateToTrust(account(smtp.port), 'smtp', 'AB:CD', { timeouts: TIMEOUTS })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(certificateToTrust(account(smtp.port), 'imap', 'AB:'.repeat(31) + 'AB')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('reports IMAP next to SMTP when the account has it, with the failure code SMTP first', async () => {
    const port = await closedPort();
    const withImap = account(smtp.port, { imap: { host: '127.0.0.1', port, security: 'tls', insecure: false, separateSecret: false } });
    const report = await checkAccount(withImap, { credentials, tls: { ca: smtpCerts.ca }, timeouts: TIMEOUTS });
    expect(report.smtp.ok).toBe(true);
    expect(report.imap?.verdict).toMatchObject({ code: 'IMAP_UNAVAILABLE', kind: 'refused' });
    expect(report.ok).toBe(false);
    expect(failedCode(report)).toBe('IMAP_UNAVAILABLE');
    cleanup(() => undefined);
  });
});
