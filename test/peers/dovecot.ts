// A private Dovecot for the IMAP tests: started from test/fixtures/dovecot/dovecot.conf as this test's own child,
// on loopback with random ports, all its files in one temp folder; describeDovecot() skips without it (fails on CI).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { describe, it } from 'vitest';
import { makeCerts } from './certs';
import { onCi } from './keyring';

const DOVECOT = process.env.OUTBOX_TEST_DOVECOT ?? '/usr/sbin/dovecot';
const TEMPLATE = path.join(import.meta.dirname, '..', 'fixtures', 'dovecot', 'dovecot.conf');
// Dovecot counts a connection whose two ends share an IP as secure and then allows LOGIN in clear; listening on
// another loopback address (Linux routes all of 127/8 to lo) keeps "TLS first" real. Other systems have only .1.
const HOST = process.platform === 'linux' ? '127.0.0.2' : '127.0.0.1';

/** Which folders the test account has; only 'special-use' marks its Sent folder with \Sent. */
export type DovecotVariant = 'special-use' | 'localised' | 'no-sent' | 'non-ascii';

export interface DovecotOptions {
  variant?: DovecotVariant;
  /** Turns the quota plugin on with this storage limit for the account, in KiB. */
  quotaKiB?: number;
  /**
   * Also accepts XOAUTH2 and OAUTHBEARER: Dovecot's oauth2 passdb POSTs each token to this RFC 7662 introspection
   * endpoint (one the test runs on loopback) and lets the user in when it answers {"active": true, "username": user}.
   */
  oauth2IntrospectionUrl?: string;
  /**
   * The account's address (default sender@example.test). Suites that store its password in the shared test keychain
   * through the `outbox` command each take their own, so parallel files never share a keychain entry.
   */
  user?: string;
}

export interface DovecotPeer {
  host: string;
  /** Implicit TLS listener. */
  imapsPort: number;
  /** Cleartext listener that offers STARTTLS and (see `cleartextLoginRefused`) refuses LOGIN before it. */
  imapPort: number;
  /** False where the peer had to listen on 127.0.0.1, which Dovecot trusts with a cleartext LOGIN. */
  cleartextLoginRefused: boolean;
  user: string;
  password: string;
  /** The CA that signed the server certificate (valid for `host`). */
  ca: string;
  /** Dovecot's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const MAILBOXES: Record<DovecotVariant, string[]> = {
  'special-use': ['Sent:\\Sent', 'Drafts:\\Drafts', 'Trash:\\Trash'],
  localised: ['Gesendet', 'Entwürfe', 'Papierkorb'],
  'no-sent': ['Drafts', 'Archive', 'Notes'],
  'non-ascii': ['Éléments envoyés', 'Brouillons', 'Корзина'],
};

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT);
}

export function dovecotUnavailableReason(): string {
  return `${DOVECOT} is not installed (apt-get install dovecot-imapd)`;
}

/** describe() for suites that need a real Dovecot: skipped with the reason on a laptop, failing under CI. */
export function describeDovecot(name: string, body: () => void): void {
  if (dovecotAvailable()) {
    describe(name, body);
  } else if (onCi()) {
    describe(name, () => {
      it('has Dovecot to run against', () => {
        throw new Error(`No Dovecot under CI: ${dovecotUnavailableReason()}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: ${dovecotUnavailableReason()})`, body);
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function mailboxBlock(entry: string): string {
  const [name, specialUse] = entry.split(':');
  const lines = [`  mailbox "${name}" {`, '    auto = subscribe'];
  if (specialUse) lines.push(`    special_use = ${specialUse}`);
  lines.push('  }');
  return lines.join('\n');
}

// As root, Dovecot's login and mail processes must drop to the unprivileged users the Debian package made.
function identities(): { internal: string; group: string; login: string; mailUid?: number; mailGid?: number } {
  if (process.getuid?.() !== 0) {
    const me = userInfo();
    const group = execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
    return { internal: me.username, group, login: me.username };
  }
  const mailUid = Number(execFileSync('id', ['-u', 'dovecot'], { encoding: 'utf8' }).trim());
  const mailGid = Number(execFileSync('id', ['-g', 'dovecot'], { encoding: 'utf8' }).trim());
  return { internal: 'dovecot', group: 'dovecot', login: 'dovenull', mailUid, mailGid };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** Starts Dovecot and resolves once both listeners accept connections. */
export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotPeer> {
  const variant = options.variant ?? 'special-use';
  const dir = mkdtempSync(path.join(tmpdir(), 'outbox-dovecot-'));
  chmodSync(dir, 0o755);
  const ids = identities();
  const user = options.user ?? 'sender@example.test';
  const password = 'correct horse battery staple';
  const certs = makeCerts({ hosts: [HOST, 'localhost'] });
  writeFileSync(path.join(dir, 'server.crt'), certs.cert);
  writeFileSync(path.join(dir, 'server.key'), certs.key, { mode: 0o600 });
  writeFileSync(path.join(dir, 'passwd'), `${user}:{PLAIN}${password}::::::\n`, { mode: 0o644 });
  mkdirSync(path.join(dir, 'mail'));
  if (ids.mailUid !== undefined && ids.mailGid !== undefined) chownSync(path.join(dir, 'mail'), ids.mailUid, ids.mailGid);

  const quota = options.quotaKiB !== undefined;
  const oauth2 = options.oauth2IntrospectionUrl;
  if (oauth2) {
    writeFileSync(
      path.join(dir, 'oauth2.conf.ext'),
      [
        `introspection_mode = post`,
        `introspection_url = ${oauth2}`,
        'username_attribute = username',
        'active_attribute = active',
        'active_value = true',
        'force_introspection = yes',
        '',
      ].join('\n'),
      { mode: 0o644 },
    );
  }
  const fill = (imapPort: number, imapsPort: number): string =>
    readFileSync(TEMPLATE, 'utf8')
      .replaceAll('{{DIR}}', dir)
      .replaceAll('{{HOST}}', HOST)
      .replaceAll('{{ID}}', path.basename(dir))
      .replaceAll('{{INTERNAL_USER}}', ids.internal)
      .replaceAll('{{INTERNAL_GROUP}}', ids.group)
      .replaceAll('{{LOGIN_USER}}', ids.login)
      .replaceAll('{{USERDB_IDS}}', ids.mailUid === undefined ? '' : `uid=${ids.mailUid} gid=${ids.mailGid}`)
      .replaceAll('{{OAUTH2_MECHANISMS}}', oauth2 ? ' xoauth2 oauthbearer' : '')
      .replaceAll(
        '{{OAUTH2_PASSDB}}',
        oauth2 ? `passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = ${dir}/oauth2.conf.ext\n}` : '',
      )
      .replaceAll('{{MAIL_PLUGINS}}', quota ? 'quota' : '')
      .replaceAll('{{IMAP_PLUGINS}}', quota ? 'imap_quota' : '')
      .replaceAll(
        '{{PLUGIN_SETTINGS}}',
        quota ? `  quota = count:User quota\n  quota_vsizes = yes\n  quota_rule = *:storage=${options.quotaKiB}K` : '',
      )
      .replaceAll('{{MAILBOXES}}', MAILBOXES[variant].map(mailboxBlock).join('\n'))
      .replaceAll('{{IMAP_PORT}}', String(imapPort))
      .replaceAll('{{IMAPS_PORT}}', String(imapsPort));

  // A port picked free can be taken before Dovecot binds it: try again with new ports a few times.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const imapPort = await freePort();
    const imapsPort = await freePort();
    const conf = path.join(dir, 'dovecot.conf');
    writeFileSync(conf, fill(imapPort, imapsPort));
    const child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => (output += String(error)));
    const log = (): string => {
      const file = path.join(dir, 'dovecot.log');
      return output + (existsSync(file) ? readFileSync(file, 'utf8') : '');
    };
    const stop = async (): Promise<void> => {
      if (!(await waitForExit(child, 0))) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, 5000))) child.kill('SIGKILL');
        await waitForExit(child, 2000);
      }
      rmSync(dir, { recursive: true, force: true });
    };

    const deadline = Date.now() + 10_000;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
      if ((await accepts(imapsPort)) && (await accepts(imapPort))) {
        ready = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (ready)
      return { host: HOST, imapsPort, imapPort, cleartextLoginRefused: HOST !== '127.0.0.1', user, password, ca: certs.ca, log, stop };

    lastError = new Error(`Dovecot did not start: ${log()}`);
    if (!(await waitForExit(child, 0))) {
      child.kill('SIGKILL');
      await waitForExit(child, 2000);
    }
    if (!/in use|bind/i.test(log())) break;
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError ?? new Error('Dovecot did not start');
}
