// A pinned certificate per account: the one certificate the user chose to trust is accepted (self-signed or
// for another host), a pin for a different certificate changes nothing, and every other certificate is checked.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PinnedCertificate } from '../../../electron/shared/account';
import { makeCerts, makeWrongHostCerts, type TestCerts } from '../../peers/certs';
import { startSmtpPeer } from '../../peers/smtp-peer';
import { PASSWORD, USER, makeAccount, makeRequest, newSender, useCleanup } from './fixtures';

/** A self-signed certificate for a name that is not the one the client connects to. */
function selfSigned(name: string): TestCerts {
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-pin-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
        '-days',
        '2',
        '-subj',
        `/CN=${name}`,
        '-addext',
        `subjectAltName=DNS:${name}`,
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    return { key: readFileSync(path.join(dir, 'key.pem'), 'utf8'), cert, ca: cert };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function pinOf(pem: string): PinnedCertificate {
  return { fingerprint256: new X509Certificate(pem).fingerprint256, pem };
}

const mine = selfSigned('mail.home.test');
const other = selfSigned('mail.home.test');

describe('SmtpSender with a pinned certificate', () => {
  const cleanup = useCleanup();

  async function peer(certs: TestCerts) {
    const p = await startSmtpPeer({ certs, users: { [USER]: PASSWORD } });
    cleanup(() => p.close());
    return p;
  }

  it('refuses a self-signed certificate that is not pinned, as an untrusted certificate', async () => {
    const server = await peer(mine);
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(server.port)));

    expect(result.outcome).not.toBe('sent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(server.messages).toHaveLength(0);
    expect(server.logins).toHaveLength(0);
  });

  it('sends to the self-signed certificate the account pinned, although it names another host', async () => {
    const server = await peer(mine);
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(server.port, { pinnedCertificate: pinOf(mine.cert) })));

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('sent');
    expect(server.messages).toHaveLength(1);
  });

  it('sends over implicit TLS to the pinned certificate too', async () => {
    const p = await startSmtpPeer({ certs: mine, users: { [USER]: PASSWORD }, secure: true });
    cleanup(() => p.close());
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(p.port, { security: 'tls', pinnedCertificate: pinOf(mine.cert) })));

    expect(result.outcome).toBe('sent');
  });

  it('does not accept a certificate other than the pinned one, even with the same name', async () => {
    const server = await peer(other);
    const sender = newSender(cleanup);

    const result = await sender.send(makeRequest(makeAccount(server.port, { pinnedCertificate: pinOf(mine.cert) })));

    expect(result.error?.code).toBe('SMTP_TLS');
    expect(server.messages).toHaveLength(0);
  });

  it('does not let a pin carry a certificate whose PEM is not the pinned fingerprint', async () => {
    const server = await peer(other);
    const sender = newSender(cleanup);
    // The PEM of the server's certificate with the fingerprint of another: the chain verifies, the name does not.
    const pin = { fingerprint256: pinOf(mine.cert).fingerprint256, pem: other.cert };

    const result = await sender.send(makeRequest(makeAccount(server.port, { pinnedCertificate: pin })));

    expect(result.error?.code).toBe('SMTP_TLS');
    expect(server.messages).toHaveLength(0);
  });

  it('accepts a trusted certificate for another host only when it is the pinned one, and checks other hosts normally', async () => {
    const wrongHost = makeWrongHostCerts();
    const server = await peer(wrongHost);
    const trustCa = { tls: { ca: wrongHost.ca } };

    const unpinned = await newSender(cleanup, trustCa).send(makeRequest(makeAccount(server.port)));
    expect(unpinned.error?.code).toBe('SMTP_TLS');

    const pinnedElsewhere = await newSender(cleanup, trustCa).send(
      makeRequest(makeAccount(server.port, { pinnedCertificate: pinOf(mine.cert) })),
    );
    expect(pinnedElsewhere.error?.code).toBe('SMTP_TLS');

    const pinned = await newSender(cleanup, trustCa).send(
      makeRequest(makeAccount(server.port, { pinnedCertificate: pinOf(wrongHost.cert) })),
    );
    expect(pinned.outcome).toBe('sent');
  });

  it('still trusts the usual certificates of an account with a pin (the pin adds to the roots, never replaces them)', async () => {
    const certs = makeCerts();
    const server = await peer(certs);
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });

    const result = await sender.send(makeRequest(makeAccount(server.port, { pinnedCertificate: pinOf(mine.cert) })));

    expect(result.outcome).toBe('sent');
  });
});
