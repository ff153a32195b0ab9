// Drives the built `outbox` command (dist/cli/outbox.cjs, built by test/global-setup.ts) as a child process
// against a throwaway data folder, and sets up accounts pointing at a loopback smtp-server.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts } from '../peers/certs';
import { startSmtpPeer, type SmtpPeer, type SmtpPeerOptions } from '../peers/smtp-peer';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(root, 'dist/cli/outbox.cjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Piped to standard input. */
  input?: string | Buffer;
  /** A file opened as standard input, like `< message.eml`. */
  stdinFile?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** A temp folder per test file: the data folder, files to attach, .eml files. */
export class Workspace {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'outbox-cli-'));
  readonly dataDir = path.join(this.dir, 'data');

  file(name: string, content: string | Buffer): string {
    const file = path.join(this.dir, name);
    writeFileSync(file, content);
    return file;
  }

  /** Runs `outbox --data-dir <dataDir> ...args`. */
  run(args: string[], options: RunOptions = {}): Promise<CliResult> {
    return runCli(['--data-dir', this.dataDir, ...args], options);
  }

  start(args: string[], options: RunOptions = {}): RunningCli {
    return startCli(['--data-dir', this.dataDir, ...args], options);
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RunningCli {
  child: ChildProcess;
  /** Resolves when the process has exited. */
  done: Promise<CliResult>;
  /** Resolves with the output so far once stdout contains `pattern`. */
  waitForStdout(pattern: RegExp): Promise<string>;
}

/** Starts the command without waiting for it, e.g. to hold the sender lock while another one runs. */
export function startCli(args: string[], options: RunOptions = {}): RunningCli {
  const env: Record<string, string | undefined> = {
    ...process.env,
    OUTBOX_DATA_DIR: undefined,
    OUTBOX_OFFLINE: undefined,
    OUTBOX_DEBUG: undefined,
  };
  Object.assign(env, options.env);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const stdinFd = options.stdinFile ? openSync(options.stdinFile, 'r') : undefined;
  const child = spawn(process.execPath, [CLI, ...args], {
    env: env as NodeJS.ProcessEnv,
    stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'],
  });
  if (stdinFd !== undefined) closeSync(stdinFd);
  else {
    // A command that fails before reading its input closes the pipe: that is an answer, not a test error.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  }
  let stdout = '';
  let stderr = '';
  const watchers: { pattern: RegExp; resolve: (s: string) => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString();
    for (const w of watchers.splice(0)) {
      if (w.pattern.test(stdout)) w.resolve(stdout);
      else watchers.push(w);
    }
  });
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`outbox ${args.join(' ')} did not finish in time; stderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return {
    child,
    done,
    waitForStdout: (pattern) =>
      pattern.test(stdout) ? Promise.resolve(stdout) : new Promise((resolve) => watchers.push({ pattern, resolve })),
  };
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** An smtp-server on 127.0.0.1 without STARTTLS, for accounts added with --security none --insecure. */
export function startPlainPeer(options: Partial<SmtpPeerOptions> = {}): Promise<SmtpPeer> {
  return startSmtpPeer({ certs: makeCerts(), ...options, server: { hideSTARTTLS: true, ...options.server } });
}

/** `account add` for a relay that needs no sign-in: no keychain, and no server contact until a send. */
/** `outbox account add --name NAME --email EMAIL` and the rest of its options. */
export function accountAddArgs(name: string, email: string, ...more: string[]): string[] {
  return ['account', 'add', '--name', name, '--email', email, ...more];
}

export function relayAccountArgs(name: string, email: string, host: string, port: string | number): string[] {
  return accountAddArgs(name, email, '--host', host, '--port', String(port), '--security', 'none', '--insecure');
}

/** Adds an account with no password (the peer lets anyone send) and returns its id. */
export async function addPlainAccount(ws: Workspace, peer: SmtpPeer, email = 'ann@example.com', name = 'Ann'): Promise<string> {
  const r = await ws.run([...relayAccountArgs(name, email, peer.host, String(peer.port))]);
  if (r.code !== 0) throw new Error(`account add failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

/** A message with CRLF line ends and its own Message-ID and Date, so the bytes sent must equal it exactly. */
export function sampleEml(
  headers: string[] = ['From: Ann <ann@example.com>', 'To: Bob <bob@example.org>'],
  body = 'Hello Bob,\r\n\r\nsee you.\r\n',
): string {
  return (
    [
      ...headers,
      'Subject: Lunch',
      'Message-ID: <lunch-1@example.com>',
      'Date: Mon, 01 Jan 2024 12:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      '',
    ].join('\r\n') + body
  );
}

/** The one line a failure prints, checked to be just one. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.length > 0);
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${stderr}`);
  return lines[0]!;
}
