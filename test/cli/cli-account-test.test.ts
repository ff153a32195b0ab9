// `outbox account test` and `outbox account trust` against a loopback smtp-server whose certificate this computer
// does not trust, and the IMAP options of `account add`; the IMAP section runs against a real Dovecot.
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts } from '../peers/certs';
import { describeDovecot, startDovecot, type DovecotPeer } from '../peers/dovecot';
import { describeKeyring } from '../peers/keyring';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer';
import { accountAddArgs, oneLine, relayAccountArgs, startPlainPeer, Workspace } from './harness';

const certs = makeCerts();
const fingerprint = new X509Certificate(certs.cert).fingerprint256;

describe('outbox account test and trust', () => {
  let ws: Workspace;
  let peer: SmtpPeer;
  let id: string;

  beforeAll(async () => {
    ws = new Workspace();
    peer = await startSmtpPeer({ certs });
    const add = await ws.run([
      ...accountAddArgs('Ann', 'ann@example.com'),
      '--host',
      '127.0.0.1',
      '--port',
      String(peer.port),
      '--security',
      'starttls',
    ]);
    expect(add.code, add.stderr).toBe(0);
    id = add.stdout.trim();
  });

  afterAll(async () => {
    await peer?.close();
    ws?.remove();
  });

  it('fails on the untrusted certificate with its exit code, printing the verdict first and the fingerprint', async () => {
    const r = await ws.run(['account', 'test', id]);
    expect(r.code, r.stderr).toBe(69);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`Account ${id}: the connection test failed`);
    expect(r.stdout).toMatch(/Verdict: +.*certificate/i);
    expect(r.stdout).toMatch(/Next step: +.*trust this one certificate/i);
    expect(r.stdout).toContain(`SHA-256:     ${fingerprint}`);
    expect(r.stdout).toContain(`To trust it:   outbox account trust ${id} --fingerprint ${fingerprint}`);
    expect(r.stdout).toMatch(/Capabilities: +AUTH/);
    expect(r.stdout).toMatch(/Timings: +connect [\d.]+ ms/);
    expect(r.stdout).toContain('C: STARTTLS');
  });

  it('prints the report as JSON with --json', async () => {
    const r = await ws.run(['account', 'test', id, '--json']);
    expect(r.code).toBe(69);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({
      account: id,
      ok: false,
      smtp: { verdict: { code: 'SMTP_TLS', kind: 'tls-untrusted' }, certificate: { fingerprint256: fingerprint } },
    });
    expect(report.imap).toBeUndefined();
  });

  it('refuses to trust a fingerprint the server does not present, and stores nothing', async () => {
    const wrong = 'AB:'.repeat(31) + 'AB';
    const r = await ws.run(['account', 'trust', id, '--fingerprint', wrong]);
    expect(r.code).toBe(69);
    expect(oneLine(r.stderr)).toMatch(/^outbox: .*not the one given; nothing was trusted/);
    const list = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout);
    expect(list[0].smtp.pinnedCertificate).toBeUndefined();
  });

  it('refuses a malformed fingerprint as a usage error', async () => {
    const r = await ws.run(['account', 'trust', id, '--fingerprint', 'not-a-fingerprint']);
    expect(r.code).toBe(64);
  });

  it('trusts the exact certificate by its fingerprint, after which the test passes', async () => {
    const trust = await ws.run(['account', 'trust', id, '--fingerprint', fingerprint.replaceAll(':', '').toLowerCase()]);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stdout).toContain(fingerprint);
    const list = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout);
    expect(list[0].smtp.pinnedCertificate).toEqual({ fingerprint256: fingerprint, pem: new X509Certificate(certs.cert).toString() });

    const r = await ws.run(['account', 'test', id]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`Account ${id}: all checks passed`);
    expect(r.stdout).toContain('Trusted:     pinned for this account');
    const json = JSON.parse((await ws.run(['account', 'test', id, '--json'])).stdout);
    expect(json).toMatchObject({ ok: true, smtp: { ok: true, verdict: null, certificate: { pinned: true } } });
  });

  it('says which account is missing', async () => {
    const r = await ws.run(['account', 'test', 'nobody']);
    expect(r.code).toBe(78);
  });
});

describe('outbox account add with IMAP options', () => {
  let ws: Workspace;
  const base = ['account', 'add', '--name', 'Bea', '--host', 'smtp.example.com', '--port', '587', '--security', 'starttls'];
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => ws?.remove());

  it.each([
    [['--imap-host', 'imap.example.com'], /--imap-host, --imap-port and --imap-security together/],
    [['--imap-host', 'imap.example.com', '--imap-port', '99999', '--imap-security', 'tls'], /--imap-port 99999 is not a port number/],
    [['--imap-host', 'imap.example.com', '--imap-port', '993', '--imap-security', 'ssl'], /--imap-security must be tls, starttls or none/],
    [['--imap-host', 'imap.example.com', '--imap-port', '143', '--imap-security', 'none'], /--imap-insecure/],
    [['--sent-copy'], /--sent-copy needs the IMAP settings/],
    [
      ['--imap-host', 'imap.example.com', '--imap-port', '993', '--imap-security', 'tls', '--sent-copy', '--no-sent-copy'],
      /either --sent-copy or --no-sent-copy/,
    ],
  ])('refuses %j as a usage error', async (extra, message) => {
    const r = await ws.run([...base, '--email', 'bea@example.com', ...extra]);
    expect(r.code).toBe(64);
    expect(oneLine(r.stderr)).toMatch(message);
  });

  it('stores the IMAP settings with the Sent copy on by default, or off with --no-sent-copy', async () => {
    const imap = ['--imap-host', 'imap.example.com', '--imap-port', '993', '--imap-security', 'tls', '--imap-user', 'bea'];
    const on = await ws.run([...base, '--email', 'bea@example.com', ...imap]);
    expect(on.code, on.stderr).toBe(0);
    const off = await ws.run([...base, '--email', 'bea2@example.com', ...imap, '--no-sent-copy']);
    expect(off.code, off.stderr).toBe(0);
    const list = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout);
    const byId = Object.fromEntries(list.map((a: { id: string }) => [a.id, a]));
    expect(byId[on.stdout.trim()]).toMatchObject({
      imap: { host: 'imap.example.com', port: 993, security: 'tls', user: 'bea' },
      sentCopy: { enabled: true },
    });
    expect(byId[off.stdout.trim()]).toMatchObject({ imap: { host: 'imap.example.com' }, sentCopy: { enabled: false } });
  });
});

describeKeyring('outbox account test with IMAP', () => {
  describeDovecot('against Dovecot', () => {
    let ws: Workspace;
    let smtp: SmtpPeer;
    let dovecot: DovecotPeer;
    let caFile: string;
    let id: string | undefined;

    beforeAll(async () => {
      ws = new Workspace();
      dovecot = await startDovecot({ variant: 'special-use', user: 'tester@example.test' });
      caFile = ws.file('dovecot-ca.pem', dovecot.ca);
      smtp = await startPlainPeer({ users: { [dovecot.user]: dovecot.password } });
    });

    afterAll(async () => {
      // Takes the test password out of the keychain again.
      if (id) await ws.run(['account', 'remove', id]);
      await smtp?.close();
      await dovecot?.stop();
      ws?.remove();
    });

    it('logs in to IMAP with the account password and reports the Sent folder', async () => {
      const add = await ws.run(
        [
          ...relayAccountArgs('Sender', dovecot.user, smtp.host, String(smtp.port)),
          '--imap-host',
          dovecot.host,
          '--imap-port',
          String(dovecot.imapsPort),
          '--imap-security',
          'tls',
          '--password-stdin',
        ],
        { input: `${dovecot.password}\n` },
      );
      expect(add.code, add.stderr).toBe(0);
      id = add.stdout.trim();

      const r = await ws.run(['account', 'test', id], { env: { NODE_EXTRA_CA_CERTS: caFile } });
      expect(r.code, r.stdout).toBe(0);
      expect(r.stdout).toContain(`IMAP ${dovecot.host}:${dovecot.imapsPort} (tls)`);
      expect(r.stdout).toMatch(/Sent folder: +Sent \(marked \\Sent by the server\)/);
      expect(r.stdout).toMatch(/Capabilities: +.*IMAP4REV1/);
      expect(r.stdout).not.toContain(dovecot.password);

      const json = JSON.parse((await ws.run(['account', 'test', id, '--json'], { env: { NODE_EXTRA_CA_CERTS: caFile } })).stdout);
      expect(json.imap).toMatchObject({ ok: true, sentFolder: { path: 'Sent', how: 'special-use' } });
    });
  });
});
