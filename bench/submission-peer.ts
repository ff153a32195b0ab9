// The submission server flush_tls_ratio is measured against: a private Postfix (STARTTLS required, AUTH PLAIN
// checked by a private Dovecot's auth socket, everything discarded after it is queued), started from a
// configuration written into a temp folder, on a loopback port. Where Postfix cannot run (not installed, not
// root), smtp-server with STARTTLS and AUTH PLAIN in a child process stands in, and the figure says so.
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeCerts } from '../test/peers/certs';

const POSTFIX = '/usr/sbin/postfix';
const DOVECOT = '/usr/sbin/dovecot';
const USER = 'bench@example.test';
const PASSWORD = 'bench password, never a real one';

export interface SubmissionPeer {
  /** 'postfix' or 'smtp-server': which server the figure was measured against. */
  kind: 'postfix' | 'smtp-server';
  /** Why Postfix was not used, when it was not. */
  note?: string;
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  /** The CA that signed the server's certificate (valid for 127.0.0.1 and localhost). */
  ca: string;
  stop(): Promise<void>;
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
        socket.destroy();
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

function exited(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function dovecotConf(dir: string): string {
  return [
    'protocols = none',
    `base_dir = ${dir}/run`,
    `state_dir = ${dir}/state`,
    `instance_name = outbox-bench-${path.basename(path.dirname(dir))}`,
    `log_path = ${dir}/dovecot.log`,
    'default_internal_user = dovecot',
    'default_internal_group = dovecot',
    'default_login_user = dovenull',
    // Only Postfix talks to this Dovecot, over a local socket; TLS is Postfix's side.
    'ssl = no',
    'disable_plaintext_auth = no',
    'auth_mechanisms = plain',
    'auth_failure_delay = 0',
    `passdb {\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u ${dir}/passwd\n}`,
    'userdb {\n  driver = static\n  args = uid=nobody gid=nogroup home=/nonexistent\n}',
    `service auth {\n  unix_listener ${dir}/auth {\n    mode = 0666\n  }\n}`,
    '',
  ].join('\n');
}

function postfixMainCf(dir: string): string {
  return [
    'compatibility_level = 3.6',
    `config_directory = ${dir}/conf`,
    `queue_directory = ${dir}/queue`,
    `data_directory = ${dir}/data`,
    'mail_owner = postfix',
    'setgid_group = postdrop',
    'myhostname = bench.localhost',
    'mydomain = localhost',
    'myorigin = $myhostname',
    'mydestination =',
    'inet_interfaces = 127.0.0.1',
    'inet_protocols = ipv4',
    'mynetworks =',
    // Everything accepted is queued (Postfix's cleanup writes and syncs it) and then thrown away.
    'default_transport = discard',
    'relay_transport = discard',
    'local_transport = discard',
    'virtual_transport = discard',
    'alias_maps =',
    'alias_database =',
    'local_recipient_maps =',
    'biff = no',
    `maillog_file = ${dir}/postfix.log`,
    `maillog_file_prefixes = ${dir}`,
    `smtpd_tls_cert_file = ${dir}/conf/cert.pem`,
    `smtpd_tls_key_file = ${dir}/conf/key.pem`,
    'smtpd_tls_security_level = encrypt',
    'smtpd_tls_auth_only = yes',
    'smtpd_sasl_type = dovecot',
    `smtpd_sasl_path = ${dir}/dovecot/auth`,
    'smtpd_sasl_auth_enable = yes',
    'smtpd_relay_restrictions = permit_sasl_authenticated, reject',
    'smtpd_client_restrictions = permit_sasl_authenticated, reject',
    'smtpd_recipient_restrictions =',
    '',
  ].join('\n');
}

/** Only the services a submission that ends in `discard` uses; nothing chrooted (the paths are absolute). */
function postfixMasterCf(port: number): string {
  return [
    `127.0.0.1:${port} inet n - n - - smtpd`,
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'proxywrite unix - - n - 1 proxymap',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}

async function startPostfix(): Promise<SubmissionPeer> {
  if (!existsSync(POSTFIX) || !existsSync(DOVECOT)) throw new Error(`${existsSync(POSTFIX) ? DOVECOT : POSTFIX} is not installed`);
  if (process.getuid?.() !== 0) throw new Error('Postfix starts only as root');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-bench-postfix-'));
  chmodSync(dir, 0o755);
  let dovecot: ChildProcess | undefined;
  const postfixLog = () => (existsSync(path.join(dir, 'postfix.log')) ? readFileSync(path.join(dir, 'postfix.log'), 'utf8').trim().split('\n').slice(-5).join('\n') : '');
  const stop = async () => {
    spawnSync(POSTFIX, ['-c', path.join(dir, 'conf'), 'stop'], { stdio: 'ignore' });
    if (dovecot) {
      dovecot.kill('SIGTERM');
      await exited(dovecot, 5000);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const sub of ['conf', 'queue', 'data', 'dovecot']) mkdirSync(path.join(dir, sub));
    // data_directory holds master.lock: Postfix's own user writes it.
    const postfixUid = Number(spawnSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).stdout.trim());
    chownSync(path.join(dir, 'data'), postfixUid, -1);
    const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });
    writeFileSync(path.join(dir, 'conf', 'cert.pem'), certs.cert);
    writeFileSync(path.join(dir, 'conf', 'key.pem'), certs.key, { mode: 0o600 });
    writeFileSync(path.join(dir, 'dovecot', 'passwd'), `${USER}:{PLAIN}${PASSWORD}::::::\n`, { mode: 0o644 });
    writeFileSync(path.join(dir, 'dovecot', 'dovecot.conf'), dovecotConf(path.join(dir, 'dovecot')));
    dovecot = spawn(DOVECOT, ['-F', '-c', path.join(dir, 'dovecot', 'dovecot.conf')], { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!existsSync(path.join(dir, 'dovecot', 'auth')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!existsSync(path.join(dir, 'dovecot', 'auth'))) throw new Error(`Dovecot made no auth socket: ${readFileSync(path.join(dir, 'dovecot', 'dovecot.log'), 'utf8').slice(-500)}`);

    const port = await freePort();
    writeFileSync(path.join(dir, 'conf', 'main.cf'), postfixMainCf(dir));
    writeFileSync(path.join(dir, 'conf', 'master.cf'), postfixMasterCf(port));
    // `postfix start` prints its errors only to a terminal; they are in postfix.log once postlogd runs.
    const started = spawnSync(POSTFIX, ['-c', path.join(dir, 'conf'), 'start'], { encoding: 'utf8' });
    if (started.status !== 0) throw new Error(`postfix start exited with ${started.status}: ${started.stderr.trim()} ${postfixLog()}`);
    if (!(await waitForGreeting(port, 10_000))) throw new Error(`Postfix does not answer on ${port}: ${postfixLog()}`);
    return { kind: 'postfix', host: '127.0.0.1', port, user: USER, password: PASSWORD, ca: certs.ca, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The stand-in: smtp-server, STARTTLS required and AUTH PLAIN checked, in its own process (bench/index.ts `tls-sink`). */
async function startSmtpServer(entry: string, note: string): Promise<SubmissionPeer> {
  const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });
  const child = fork(entry, ['--child', JSON.stringify({ job: 'tls-sink', key: certs.key, cert: certs.cert, user: USER, password: PASSWORD })], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve(m as number));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the smtp-server child exited with ${code}`)));
  });
  return {
    kind: 'smtp-server',
    note,
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    ca: certs.ca,
    stop: async () => {
      child.kill();
      await exited(child, 5000);
    },
  };
}

/** Postfix when it can run here, else smtp-server in a child process (`entry`: the bench bundle, forked with `--child`). */
export async function startSubmissionPeer(entry: string): Promise<SubmissionPeer> {
  try {
    return await startPostfix();
  } catch (error) {
    return startSmtpServer(entry, `Postfix could not be started (${error instanceof Error ? error.message : String(error)}); smtp-server stands in`);
  }
}

export interface TlsSinkJob {
  job: 'tls-sink';
  key: string;
  cert: string;
  user: string;
  password: string;
}

/** In the child process: smtp-server with STARTTLS required and AUTH PLAIN; messages are read and dropped. */
export async function runTlsSink(job: TlsSinkJob): Promise<number> {
  const { SMTPServer } = await import('smtp-server');
  const server = new SMTPServer({
    key: job.key,
    cert: job.cert,
    authMethods: ['PLAIN'],
    authOptional: false,
    // Not a check of the client's patience: the greeting goes out at once.
    socketTimeout: 60_000,
    logger: false,
    onAuth(auth, session, callback) {
      if (!session.secure) return callback(new Error('Must issue a STARTTLS command first'));
      if (auth.username === job.user && auth.password === job.password) return callback(null, { user: auth.username });
      return callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as net.AddressInfo).port;
}
