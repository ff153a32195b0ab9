// A private Postfix submission service on loopback, for the real-world tests (test/realworld) and the bench
// (bench/submission-peer.ts): STARTTLS required, AUTH PLAIN through a private Dovecot's auth socket when asked for,
// and mail either delivered over LMTP into that Dovecot's maildirs (one per recipient, read back by the test) or
// discarded after Postfix queued it. Started from test/fixtures/postfix with `postfix -c DIR`: its own queue, data
// folder and log in one temp folder, never /etc/postfix or the system's mail. No vitest here: the bench bundles it.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeCerts } from './certs';

const POSTFIX = process.env.OUTBOX_TEST_POSTFIX ?? '/usr/sbin/postfix';
const POSTMAP = path.join(path.dirname(POSTFIX), 'postmap');
const POSTCONF = path.join(path.dirname(POSTFIX), 'postconf');
const DOVECOT = process.env.OUTBOX_TEST_DOVECOT ?? '/usr/sbin/dovecot';

/** The domains whose mail is delivered into mailboxes; anything else bounces (nothing leaves the computer). */
export const MAILBOX_DOMAINS = ['example.test', 'example.org', 'example.com', 'xn--bcher-kva.test'];

export interface PostfixOptions {
  /** 'mailbox' (default): into the private Dovecot's maildirs over LMTP; 'discard': thrown away once queued. */
  delivery?: 'mailbox' | 'discard';
  /** AUTH PLAIN required, for this one user. Without it any client on 127.0.0.0/8 may submit (after STARTTLS). */
  auth?: { user: string; password: string };
  /** smtputf8_enable: whether EHLO announces SMTPUTF8 (default false, as many servers). */
  smtputf8?: boolean;
  /** smtpd_recipient_limit: RCPT TOs past it get `452 4.5.3 Error: too many recipients`. */
  recipientLimit?: number;
  /** The check_recipient_access table: address → action, e.g. `450 4.2.0 try later` or `550 5.1.1 no such user`. */
  recipientAccess?: Record<string, string>;
}

export interface PostfixPeer {
  host: '127.0.0.1';
  port: number;
  /** The CA that signed the server's certificate (valid for 127.0.0.1 and localhost). */
  ca: string;
  /** The temp folder everything lives in. */
  dir: string;
  /** The messages delivered to `address` so far, oldest first, as Dovecot stored them (CRLF line ends). */
  mailbox(address: string): Buffer[];
  /** Every address that has a mailbox (got at least one message), sorted. */
  recipients(): string[];
  /**
   * Resolves once Postfix has handed everything it accepted to Dovecot (its incoming and active queues are empty);
   * fails when something is stuck in the deferred queue or it takes longer than `ms`.
   */
  settled(ms?: number): Promise<void>;
  /** Replaces the recipient access table (postmap) and reloads Postfix. */
  setRecipientAccess(rules: Record<string, string>): void;
  /** Sets main.cf parameters (postconf -e) and reloads Postfix. */
  configure(settings: Record<string, string>): void;
  /** The tail of Postfix's and Dovecot's logs, for failure messages. */
  log(lines?: number): string;
  /** Postfix's whole log (postfix.log), to check what the server saw. */
  postfixLog(): string;
  stop(): Promise<void>;
}

/** Why a real Postfix cannot run here, or undefined when it can. */
export function postfixUnavailableReason(): string | undefined {
  if (!existsSync(POSTFIX)) return `${POSTFIX} is not installed (apt-get install postfix)`;
  if (!existsSync(DOVECOT)) return `${DOVECOT} is not installed (apt-get install dovecot-imapd)`;
  if (process.getuid?.() !== 0) return 'a private Postfix starts only as root (CI runs as root)';
  for (const user of ['postfix', 'dovecot', 'dovenull']) {
    if (spawnSync('id', ['-u', user], { stdio: 'ignore' }).status !== 0)
      return `the system user ${user} is missing (the postfix and dovecot-core packages make it)`;
  }
  return undefined;
}

function fixtures(): string {
  // In vitest and bundled into dist/bench alike, the working folder is the repository (or one of its folders).
  for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'test', 'fixtures', 'postfix');
    if (existsSync(path.join(candidate, 'main.cf'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`test/fixtures/postfix not found above ${process.cwd()}`);
  }
}

function fill(template: string, values: Record<string, string>): string {
  return readFileSync(path.join(fixtures(), template), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`${template}: no value for {{${key}}}`);
    return values[key]!;
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

async function waitForGreeting(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.setTimeout(1000);
      socket.once('data', (data) => {
        socket.end('QUIT\r\n');
        resolve(data.toString().startsWith('220'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function uid(user: string, flag: '-u' | '-g' = '-u'): number {
  return Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
}

function tail(file: string, lines: number): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n') : '';
}

/** Files in a queue folder and its hashed subfolders. */
function queueFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

function accessTable(rules: Record<string, string>): string {
  return Object.entries(rules)
    .map(([address, action]) => `${address} ${action}\n`)
    .join('');
}

function settings(options: PostfixOptions, dir: string): string {
  const lines: string[] = [];
  if (options.delivery === 'discard') {
    // Everything accepted is queued (cleanup writes and syncs it) and then thrown away.
    lines.push(
      'default_transport = discard',
      'relay_transport = discard',
      'virtual_transport = discard',
      `virtual_mailbox_domains = ${MAILBOX_DOMAINS.join(' ')}`,
    );
  } else {
    // Dovecot's delivery agent through Postfix's pipe transport (master.cf `lda`), one recipient per call.
    lines.push(`virtual_mailbox_domains = ${MAILBOX_DOMAINS.join(' ')}`, 'virtual_transport = lda', 'lda_destination_recipient_limit = 1');
  }
  if (options.auth) {
    lines.push(
      'mynetworks =',
      'smtpd_sasl_auth_enable = yes',
      'smtpd_client_restrictions = permit_sasl_authenticated, reject',
      'smtpd_relay_restrictions = permit_sasl_authenticated, reject',
    );
  } else {
    lines.push('mynetworks = 127.0.0.0/8', 'smtpd_sasl_auth_enable = no', 'smtpd_relay_restrictions = permit_mynetworks, reject');
  }
  lines.push(`smtpd_recipient_restrictions = check_recipient_access hash:${dir}/conf/recipient_access`);
  lines.push(`smtputf8_enable = ${options.smtputf8 ? 'yes' : 'no'}`);
  if (options.recipientLimit !== undefined) lines.push(`smtpd_recipient_limit = ${options.recipientLimit}`);
  return lines.join('\n');
}

const running = new Set<() => void>();
let exitHookInstalled = false;
/** A test process that ends without its afterAll (a crash, a timeout's kill) still stops its servers. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const stop of running) stop();
  });
}

/** Starts Dovecot (auth and LMTP sockets) and then Postfix; resolves once Postfix greets on its port. */
export async function startPostfix(options: PostfixOptions = {}): Promise<PostfixPeer> {
  const reason = postfixUnavailableReason();
  if (reason) throw new Error(reason);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-postfix-'));
  chmodSync(dir, 0o755);
  const conf = path.join(dir, 'conf');
  const dovecotDir = path.join(dir, 'dovecot');
  const mailDir = path.join(dovecotDir, 'mail');
  let dovecot: ChildProcess | undefined;
  let postfixStarted = false;

  const log = (lines = 15): string =>
    [
      `--- postfix.log\n${tail(path.join(dir, 'postfix.log'), lines)}`,
      `--- dovecot.log\n${tail(path.join(dovecotDir, 'dovecot.log'), lines)}`,
      `--- lda.log\n${tail(path.join(dovecotDir, 'lda.log'), lines)}`,
    ].join('\n');
  const masterPid = (): number | undefined => {
    const file = path.join(dir, 'queue', 'pid', 'master.pid');
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined;
  };
  const stopNow = (): void => {
    if (postfixStarted) {
      const pid = masterPid();
      spawnSync(POSTFIX, ['-c', conf, 'stop'], { stdio: 'ignore', timeout: 10_000 });
      if (pid && alive(pid)) {
        const deadline = Date.now() + 5000;
        while (alive(pid) && Date.now() < deadline) spawnSync('sleep', ['0.05']);
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
      postfixStarted = false;
    }
    if (dovecot && dovecot.exitCode === null && dovecot.signalCode === null) dovecot.kill('SIGTERM');
  };
  const stop = async (): Promise<void> => {
    running.delete(stopNow);
    stopNow();
    if (dovecot && !(await exited(dovecot, 5000))) {
      dovecot.kill('SIGKILL');
      await exited(dovecot, 2000);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  running.add(stopNow);
  installExitHook();

  try {
    for (const sub of [conf, path.join(dir, 'queue'), path.join(dir, 'data'), dovecotDir, mailDir]) mkdirSync(sub);
    // data_directory holds master.lock, written by Postfix's own user; the maildirs belong to Dovecot's mail user.
    chownSync(path.join(dir, 'data'), uid('postfix'), -1);
    chownSync(mailDir, uid('dovecot'), uid('dovecot', '-g'));
    writeFileSync(path.join(dovecotDir, 'lda.log'), '');
    chownSync(path.join(dovecotDir, 'lda.log'), uid('dovecot'), -1);

    const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });
    writeFileSync(path.join(conf, 'cert.pem'), certs.cert);
    writeFileSync(path.join(conf, 'key.pem'), certs.key, { mode: 0o600 });
    const user = options.auth ? `${options.auth.user}:{PLAIN}${options.auth.password}::::::\n` : '';
    writeFileSync(path.join(dovecotDir, 'passwd'), user, { mode: 0o644 });
    writeFileSync(
      path.join(dovecotDir, 'dovecot.conf'),
      fill('dovecot.conf', {
        DIR: dovecotDir,
        ID: path.basename(dir),
        INTERNAL_USER: 'dovecot',
        INTERNAL_GROUP: 'dovecot',
        LOGIN_USER: 'dovenull',
        USERDB_IDS: `uid=${uid('dovecot')} gid=${uid('dovecot', '-g')}`,
      }),
    );
    dovecot = spawn(DOVECOT, ['-F', '-c', path.join(dovecotDir, 'dovecot.conf')], { stdio: 'ignore' });
    const sockets = ['auth', 'run/auth-userdb'];
    const deadline = Date.now() + 10_000;
    while (!sockets.every((s) => existsSync(path.join(dovecotDir, s))) && Date.now() < deadline && dovecot.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!sockets.every((s) => existsSync(path.join(dovecotDir, s))))
      throw new Error(`Dovecot made no ${sockets.join('/')} socket:\n${log()}`);

    const port = await freePort();
    writeFileSync(path.join(conf, 'main.cf'), fill('main.cf', { DIR: dir, SETTINGS: settings(options, dir) }));
    writeFileSync(path.join(conf, 'master.cf'), fill('master.cf', { DIR: dir, PORT: String(port) }));
    writeFileSync(path.join(conf, 'recipient_access'), accessTable(options.recipientAccess ?? {}));
    const postmap = (): void => {
      const r = spawnSync(POSTMAP, ['-c', conf, `hash:${path.join(conf, 'recipient_access')}`], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`postmap exited with ${r.status}: ${r.stderr.trim()}`);
    };
    postmap();
    const postfix = (...args: string[]): void => {
      const r = spawnSync(POSTFIX, ['-c', conf, ...args], { encoding: 'utf8', timeout: 20_000 });
      // `postfix` prints its errors only to a terminal; they are in postfix.log once postlogd runs.
      if (r.status !== 0) throw new Error(`postfix ${args.join(' ')} exited with ${r.status}: ${r.stderr.trim()}\n${log()}`);
    };
    postfixStarted = true;
    postfix('start');
    if (!(await waitForGreeting(port, 10_000))) throw new Error(`Postfix does not answer on ${port}:\n${log()}`);

    // `postfix reload` only signals the master: wait until its log says it re-read the configuration, so the
    // next connection gets an smtpd with the new settings.
    const reloads = (): number => (tail(path.join(dir, 'postfix.log'), 100_000).match(/: reload -- version/g) ?? []).length;
    const reload = (): void => {
      const before = reloads();
      postfix('reload');
      const limit = Date.now() + 10_000;
      while (reloads() === before && Date.now() < limit) spawnSync('sleep', ['0.05']);
      if (reloads() === before) throw new Error(`Postfix did not reload:\n${log()}`);
    };
    return {
      host: '127.0.0.1',
      port,
      ca: certs.ca,
      dir,
      mailbox(address) {
        const maildir = path.join(mailDir, address, 'Maildir');
        const files = ['new', 'cur'].flatMap((sub) =>
          existsSync(path.join(maildir, sub)) ? readdirSync(path.join(maildir, sub)).map((f) => path.join(maildir, sub, f)) : [],
        );
        // Maildir names start with the delivery time in seconds and microseconds (M…): oldest first.
        const order = (file: string) => statSync(file).mtimeMs;
        return files
          .sort((a, b) => order(a) - order(b) || path.basename(a).localeCompare(path.basename(b)))
          .map((file) => readFileSync(file));
      },
      recipients() {
        return existsSync(mailDir)
          ? readdirSync(mailDir)
              .filter((name) => existsSync(path.join(mailDir, name, 'Maildir')))
              .sort()
          : [];
      },
      async settled(ms = 15_000) {
        const limit = Date.now() + ms;
        const busy = () => ['incoming', 'active', 'maildrop'].flatMap((q) => queueFiles(path.join(dir, 'queue', q)));
        while (busy().length > 0 && Date.now() < limit) await new Promise((r) => setTimeout(r, 50));
        if (busy().length > 0) throw new Error(`Postfix still holds ${busy().length} message(s) after ${ms} ms:\n${log()}`);
        const deferred = queueFiles(path.join(dir, 'queue', 'deferred'));
        if (deferred.length > 0) throw new Error(`Postfix could not deliver ${deferred.length} message(s) to Dovecot:\n${log()}`);
      },
      setRecipientAccess(rules) {
        writeFileSync(path.join(conf, 'recipient_access'), accessTable(rules));
        postmap();
        reload();
      },
      configure(values) {
        const args = Object.entries(values).map(([key, value]) => `${key}=${value}`);
        const r = spawnSync(POSTCONF, ['-c', conf, '-e', ...args], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`postconf -e exited with ${r.status}: ${r.stderr.trim()}`);
        reload();
      },
      log,
      postfixLog: () => (existsSync(path.join(dir, 'postfix.log')) ? readFileSync(path.join(dir, 'postfix.log'), 'utf8') : ''),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
