// An expired server certificate made at test time with the openssl CLI: its own throwaway CA, and a
// leaf for localhost/127.0.0.1 whose validity ended in 2020 (`openssl ca` is what can backdate it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestCerts } from './certs';

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const CA_CONFIG = [
  '[ca]',
  'default_ca = test_ca',
  '[test_ca]',
  'dir = .',
  'database = index.txt',
  'serial = serial',
  'new_certs_dir = issued',
  'default_md = sha256',
  'policy = any',
  'copy_extensions = none',
  'unique_subject = no',
  '[any]',
  'commonName = supplied',
  '[leaf]',
  'subjectAltName = DNS:localhost,IP:127.0.0.1',
  'basicConstraints = CA:FALSE',
  'keyUsage = critical,digitalSignature',
  'extendedKeyUsage = serverAuth',
  '',
].join('\n');

let cached: TestCerts | undefined;

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A certificate for localhost/127.0.0.1 signed by `ca` that expired on 2 January 2020. */
export function makeExpiredCerts(): TestCerts {
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-expired-'));
  try {
    mkdirSync(path.join(dir, 'issued'));
    writeFileSync(path.join(dir, 'index.txt'), '');
    writeFileSync(path.join(dir, 'serial'), '1000\n');
    writeFileSync(path.join(dir, 'ca.cnf'), CA_CONFIG);
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
      '/CN=Outbox Expired Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    openssl(dir, ['req', '-new', ...EC_KEY, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost']);
    openssl(dir, [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-cert',
      'ca.crt',
      '-keyfile',
      'ca.key',
      '-in',
      'server.csr',
      '-out',
      'server.crt',
      '-extensions',
      'leaf',
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200102000000Z',
      '-notext',
    ]);
    cached = {
      key: readFileSync(path.join(dir, 'server.key'), 'utf8'),
      cert: readFileSync(path.join(dir, 'server.crt'), 'utf8'),
      ca: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
    };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
