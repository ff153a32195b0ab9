// Certificates made at test time with the openssl CLI: one throwaway CA per test process and
// server certificates it signs, for 'localhost'/127.0.0.1 by default or for any other names.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCerts {
  /** The server's private key (PEM). */
  key: string;
  /** The server's certificate (PEM), signed by `ca`. */
  cert: string;
  /** The CA certificate a client must trust to accept `cert` (PEM). */
  ca: string;
}

export interface CertOptions {
  /** Names the certificate is valid for; IP addresses become IP SANs. Default: localhost and 127.0.0.1. */
  hosts?: string[];
}

interface Authority {
  key: string;
  cert: string;
}

let authority: Authority | undefined;
const cache = new Map<string, TestCerts>();

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-certs-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// EC keys: a P-256 key takes milliseconds where RSA-2048 takes a noticeable fraction of a second.
const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function getAuthority(): Authority {
  authority ??= withTempDir((dir) => {
    openssl(dir, [
      'req',
      '-x509',
      ...EC_KEY,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=Outbox Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    return { key: readFileSync(path.join(dir, 'ca.key'), 'utf8'), cert: readFileSync(path.join(dir, 'ca.crt'), 'utf8') };
  });
  return authority;
}

/** A server key and certificate for `hosts`, signed by this process's test CA (memoized per host list). */
export function makeCerts(options: CertOptions = {}): TestCerts {
  const hosts = options.hosts ?? ['localhost', '127.0.0.1'];
  const cacheKey = hosts.join(',');
  const cached = cache.get(cacheKey);
  if (cached) return cached;

  const ca = getAuthority();
  const made = withTempDir((dir) => {
    writeFileSync(path.join(dir, 'ca.key'), ca.key, { mode: 0o600 });
    writeFileSync(path.join(dir, 'ca.crt'), ca.cert);
    const san = hosts.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
    writeFileSync(
      path.join(dir, 'ext.cnf'),
      [`subjectAltName=${san}`, 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth', ''].join(
        '\n',
      ),
    );
    openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${hosts[0] ?? 'localhost'}`]);
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      'server.crt',
      '-extfile',
      'ext.cnf',
    ]);
    return {
      key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
      cert: readFileSync(path.join(dir, 'server.crt'), 'utf8'),
      ca: ca.cert,
    };
  });
  cache.set(cacheKey, made);
  return made;
}

/** A certificate valid for a host the tests never connect to: hostname verification must fail. */
export function makeWrongHostCerts(): TestCerts {
  return makeCerts({ hosts: ['wrong-host.invalid'] });
}
