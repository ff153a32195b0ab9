// The log file: size-capped rotation with a fixed number of files, no secret ever written (passwords, their base64
// forms as AUTH sends them, OAuth tokens), named loggers, and OUTBOX_DEBUG=1 mirroring to stderr.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogging, named, redactingSecrets } from '../../../electron/core/logging';
import { secretForms } from '../../../electron/core/smtp/smtp-options';
import type { SecretStore } from '../../../electron/core/ports';

const root = mkdtempSync(path.join(os.tmpdir(), 'outbox-logging-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A data folder as the app has it (it exists before anything logs). */
const dataDir = (create = true): string => {
  const dir = path.join(root, `data-${n++}`);
  if (create) mkdirSync(dir);
  return dir;
};
const allLogText = (dir: string): string =>
  readdirSync(path.join(dir, 'logs'))
    .map((f) => readFileSync(path.join(dir, 'logs', f), 'utf8'))
    .join('');

describe('the log file', () => {
  it('writes one time-stamped line per entry under the logger’s name, in the data folder’s logs/ folder', () => {
    const dir = dataDir();
    const logging = createLogging({ dataDir: dir, file: 'outbox', now: () => new Date('2030-01-02T03:04:05.678Z') });
    logging.createLogger('engine').info('started');
    logging.createLogger('smtp').warn('line one\nline two\u0007');
    expect(logging.file).toBe(path.join(dir, 'logs', 'outbox.log'));
    expect(readFileSync(logging.file, 'utf8')).toBe(
      '2030-01-02T03:04:05.678Z INFO  [engine] started\n2030-01-02T03:04:05.678Z WARN  [smtp] line one\n    line two\\x07\n',
    );
  });

  it('rotates before a file passes the cap and keeps only the configured number of files', () => {
    const dir = dataDir();
    const logging = createLogging({ dataDir: dir, file: 'outbox', maxBytes: 4096, maxFiles: 3 });
    const logger = logging.createLogger('engine');
    for (let i = 0; i < 400; i++) logger.info(`entry ${String(i).padStart(4, '0')} ${'x'.repeat(60)}`);
    const files = readdirSync(path.join(dir, 'logs')).sort();
    expect(files).toEqual(['outbox.1.log', 'outbox.2.log', 'outbox.log']);
    for (const file of files) expect(statSync(path.join(dir, 'logs', file)).size).toBeLessThanOrEqual(4096);
    // Newest in outbox.log, the one before in .1, older in .2; the oldest entries are gone.
    const current = readFileSync(path.join(dir, 'logs', 'outbox.log'), 'utf8');
    const previous = readFileSync(path.join(dir, 'logs', 'outbox.1.log'), 'utf8');
    expect(current).toContain('entry 0399');
    expect(previous.trim().split('\n').at(-1)).toMatch(/entry (\d+)/);
    const lastOfPrevious = Number(/entry (\d+)/.exec(previous.trim().split('\n').at(-1)!)![1]);
    const firstOfCurrent = Number(/entry (\d+)/.exec(current.split('\n')[0]!)![1]);
    expect(firstOfCurrent).toBe(lastOfPrevious + 1);
    expect(allLogText(dir)).not.toContain('entry 0000');
  });

  it('keeps appending to what an earlier run left, rotating by its real size', () => {
    const dir = dataDir();
    mkdirSync(path.join(dir, 'logs'), { recursive: true });
    writeFileSync(path.join(dir, 'logs', 'cli.log'), 'x'.repeat(4050) + '\n');
    createLogging({ dataDir: dir, file: 'cli', maxBytes: 4096 }).createLogger('cli').info('a line that does not fit any more');
    expect(readFileSync(path.join(dir, 'logs', 'cli.1.log'), 'utf8')).toHaveLength(4051);
    expect(readFileSync(path.join(dir, 'logs', 'cli.log'), 'utf8')).toContain('a line that does not fit');
  });

  it('never throws when the folder cannot be written, and writes again once it can', () => {
    const dir = dataDir();
    writeFileSync(path.join(dir, 'logs'), 'a file where the folder should be');
    const logging = createLogging({ dataDir: dir, file: 'outbox' });
    expect(() => logging.createLogger('app').error('disk trouble')).not.toThrow();
    rmSync(path.join(dir, 'logs'));
    logging.createLogger('app').info('back');
    expect(readFileSync(logging.file, 'utf8')).toContain('[app] back');
    if (process.getuid?.() !== 0) {
      chmodSync(path.join(dir, 'logs'), 0o500);
      expect(() => logging.createLogger('app').info('read-only')).not.toThrow();
    }
  });

  it('never creates a missing data folder just to log', () => {
    const dir = dataDir(false);
    createLogging({ dataDir: dir, file: 'cli' }).createLogger('cli').info('nothing here yet');
    expect(() => statSync(dir)).toThrow(/ENOENT/);
  });

  it('mirrors every line to stderr with OUTBOX_DEBUG=1, and only then', () => {
    const mirrored: string[] = [];
    const dir = dataDir();
    createLogging({ dataDir: dir, file: 'outbox', env: { OUTBOX_DEBUG: '1' }, stderr: (line) => mirrored.push(line) })
      .createLogger('engine')
      .warn('retrying in 30 s');
    expect(mirrored).toEqual([expect.stringMatching(/ WARN  \[engine\] retrying in 30 s\n$/)]);
    expect(readFileSync(path.join(dir, 'logs', 'outbox.log'), 'utf8')).toBe(mirrored[0]);
    const quiet: string[] = [];
    for (const env of [{}, { OUTBOX_DEBUG: '0' }, { OUTBOX_DEBUG: 'yes' }])
      createLogging({ dataDir: dataDir(), file: 'outbox', env, stderr: (line) => quiet.push(line) })
        .createLogger('engine')
        .warn('x');
    expect(quiet).toEqual([]);
  });
});

describe('secrets in the log', () => {
  const user = 'ann@example.com';
  const password = 'Tr0ub4dor&3-horse';
  const accessToken = 'ya29.a0AfH6SMBx-VeryLongGoogleAccessToken_1234567890';
  const refreshToken = '1//0gLongRefreshTokenFromGoogle-abcdefghijklmnop';
  const jwt = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlLmNvbSJ9.c2lnbmF0dXJlLXBhcnQ';

  it('writes none of a password’s forms, once the keychain has handed it out', async () => {
    const dir = dataDir();
    const logging = createLogging({ dataDir: dir, file: 'outbox' });
    const keychain: SecretStore = { get: async () => password, set: async () => undefined, delete: async () => true };
    await redactingSecrets(keychain, logging.redactor).get('acct-1');
    const logger = logging.createLogger('smtp');
    for (const form of secretForms({ kind: 'password', user, password })) logger.warn(`server said: 535 bad credentials for ${form}`);
    logger.error(`Error: Invalid login with ${password}: 535`);
    logger.info(`AUTH PLAIN ${Buffer.from(`\0${user}\0${password}`).toString('base64')}`);
    // base64 of a longer string that holds the password at any offset.
    logger.info(`blob ${Buffer.from(`x${user}:${password}`).toString('base64')}`);
    const text = allLogText(dir);
    expect(text).not.toContain(password);
    for (const form of secretForms({ kind: 'password', user, password })) expect(text).not.toContain(form);
    expect(text).not.toContain(Buffer.from(`x${user}:${password}`).toString('base64'));
    expect(text).toContain('[redacted]');
    // The message around the secret survives.
    expect(text).toContain('535 bad credentials for [redacted]');
  });

  it('writes no OAuth token, bearer header, JWT, XOAUTH2 string or password field, even unregistered', () => {
    const dir = dataDir();
    const logger = createLogging({ dataDir: dir, file: 'outbox' }).createLogger('oauth');
    const xoauth2 = Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
    logger.warn(`token endpoint said {"access_token":"${accessToken}","refresh_token":"${refreshToken}","expires_in":3599}`);
    logger.warn(`request: grant_type=refresh_token&refresh_token=${encodeURIComponent(refreshToken)}&client_secret=GOCSPX-s3cr3t`);
    logger.warn(`Authorization: Bearer ${jwt}`);
    logger.warn(`sent ${xoauth2}`);
    logger.warn(`AUTH XOAUTH2 ${xoauth2}`);
    logger.warn(`config {"user":"${user}","password":"${password}"} password=${password} pass: ${password}`);
    logger.warn(`id token ${jwt}`);
    const text = allLogText(dir);
    for (const secret of [accessToken, refreshToken, encodeURIComponent(refreshToken), jwt, xoauth2, password, 'GOCSPX-s3cr3t'])
      expect(text, secret).not.toContain(secret);
    expect(text).toContain(user);
  });

  it('learns the tokens inside the keychain’s OAuth entries (JSON) as well as the entry itself', async () => {
    const dir = dataDir();
    const logging = createLogging({ dataDir: dir, file: 'outbox' });
    const oddToken = 'opaque-token-with-no-known-shape-42';
    const entry = JSON.stringify({ kind: 'oauth2', refreshToken: oddToken, clientSecret: 'shh-secret-value' });
    const store: SecretStore = { get: async () => null, set: vi.fn(async () => undefined), delete: async () => true };
    await redactingSecrets(store, logging.redactor).set('acct-2', entry);
    logging.createLogger('oauth').info(`refreshing with ${oddToken} and shh-secret-value`);
    const text = allLogText(dir);
    expect(text).not.toContain(oddToken);
    expect(text).not.toContain('shh-secret-value');
  });

  it('leaves ordinary lines alone', () => {
    const dir = dataDir();
    const logger = createLogging({ dataDir: dir, file: 'outbox' }).createLogger('outbox');
    const line =
      'm-0123456789ab: sent to smtp.example.com:587 (starttls) as <20300102.abcdef@example.com> in 532 ms; path /home/ann/.config/Outbox/spool';
    logger.info(line);
    expect(readFileSync(path.join(dir, 'logs', 'outbox.log'), 'utf8')).toContain(line);
  });
});

describe('named loggers', () => {
  it('give a plain logger the name as a prefix, renaming rather than stacking names', () => {
    const lines: string[] = [];
    const plain = { info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
    named(plain, 'outbox').warn('held');
    named(named(plain, 'outbox'), 'sent-copy').error('no folder');
    expect(lines).toEqual(['[outbox] held', '[sent-copy] no folder']);
  });

  it('give a log-file logger its own name in the line', () => {
    const dir = dataDir();
    const app = createLogging({ dataDir: dir, file: 'outbox' }).createLogger('app');
    named(app, 'smtp').info('new pool');
    expect(readFileSync(path.join(dir, 'logs', 'outbox.log'), 'utf8')).toMatch(/ INFO  \[smtp\] new pool\n$/);
  });
});
