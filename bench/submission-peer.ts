// The submission server flush_tls_ratio is measured against: a private Postfix (STARTTLS required, AUTH PLAIN
// checked by a private Dovecot's auth socket, everything discarded after it is queued): the real-world tests' Postfix
// (test/peers/postfix.ts, started from test/fixtures/postfix) on a loopback port. Where Postfix cannot run (not
// installed, not root), smtp-server with STARTTLS and AUTH PLAIN in a child process stands in, and the figure says so.
import { type ChildProcess, fork } from 'node:child_process';
import type net from 'node:net';
import { makeCerts } from '../test/peers/certs';
import { startPostfix as startPrivatePostfix } from '../test/peers/postfix';

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
  /** Resolves once the server has finished with what it accepted, so one timed run never pays for the last one's backlog. */
  settled(): Promise<void>;
  stop(): Promise<void>;
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

/** The private Postfix of the real-world tests (test/peers/postfix.ts, configs in test/fixtures/postfix), discarding. */
async function startPostfix(): Promise<SubmissionPeer> {
  const peer = await startPrivatePostfix({ delivery: 'discard', auth: { user: USER, password: PASSWORD } });
  return {
    kind: 'postfix',
    host: peer.host,
    port: peer.port,
    user: USER,
    password: PASSWORD,
    ca: peer.ca,
    settled: () => peer.settled(60_000),
    stop: () => peer.stop(),
  };
}

/** The stand-in: smtp-server, STARTTLS required and AUTH PLAIN checked, in its own process (bench/index.ts `tls-sink`). */
async function startSmtpServer(entry: string, note: string): Promise<SubmissionPeer> {
  const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });
  const child = fork(
    entry,
    ['--child', JSON.stringify({ job: 'tls-sink', key: certs.key, cert: certs.cert, user: USER, password: PASSWORD })],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
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
    // smtp-server answers each message before it moves on: nothing is left over between runs.
    settled: async () => {},
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
    return startSmtpServer(
      entry,
      `Postfix could not be started (${error instanceof Error ? error.message : String(error)}); smtp-server stands in`,
    );
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
