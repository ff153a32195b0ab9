// One real-world test file's scaffolding: a private Postfix submission service (STARTTLS required) delivering into a
// private Dovecot's maildirs (test/peers/postfix.ts), started once per file and stopped after it even when a test
// fails; the built `outbox` command run against it with the per-run test CA; msmtp as the reference client; and the
// bytes each recipient received, with the trace headers Postfix and Dovecot add taken off. Skipped with the reason
// where Postfix or Dovecot cannot run (a laptop), failing instead under CI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { readSpoolFile } from '../../electron/core/outbox/spool-file';
import { type CliResult, type RunOptions, Workspace } from '../cli/harness';
import { onCi } from '../peers/keyring';
import { type PostfixOptions, type PostfixPeer, postfixUnavailableReason, startPostfix } from '../peers/postfix';

export interface RealWorld {
  /** The running Postfix (and its Dovecot). */
  readonly peer: PostfixPeer;
  /**
   * A fresh data folder with one STARTTLS account on the Postfix (no password: it takes mail from loopback; with
   * `password`, AUTH PLAIN as `email`, the password kept in the keychain: needs `npm test`'s keyring), and
   * `run` for `outbox --data-dir … ARGS` trusting the test CA. Removed after the file.
   */
  outbox(email?: string, name?: string, password?: string): Promise<Outbox>;
  /** `msmtp ARGS` to the same Postfix over STARTTLS, as the account's owner would run it; input on standard input. */
  msmtp(args: string[], input: string | Buffer): CliResult;
  /** Postfix's own `sendmail ARGS` (into the same Postfix): the reference reader of raw messages. */
  sendmail(args: string[], input: string | Buffer): CliResult;
  /** How many copies each mailbox holds now. */
  snapshot(): Record<string, number>;
  /** What `address` received so far, oldest first, each without the trace headers (Return-Path, Delivered-To, Received). */
  delivered(address: string): Delivered[];
}

export interface Outbox {
  ws: Workspace;
  accountId: string;
  run(args: string[], options?: RunOptions): Promise<CliResult>;
  /** The message's bytes as Outbox stored them (the spool file's body), wherever it is now. */
  stored(id: string): Promise<Buffer>;
}

export interface Delivered {
  /** The trace header fields on top, as Postfix and Dovecot prepended them. */
  trace: string[];
  /** The rest: what the client sent. */
  message: Buffer;
}

const TRACE = /^(return-path|delivered-to|received)\s*:/i;

/** Splits the header fields the servers prepended (Return-Path, Delivered-To, Received) off the top of a stored copy. */
export function splitTrace(raw: Buffer): Delivered {
  const trace: string[] = [];
  let offset = 0;
  for (;;) {
    const rest = raw.subarray(offset).toString('latin1');
    if (!TRACE.test(rest)) break;
    // A field runs to the CRLF that is not followed by folding whitespace.
    const end = /\r\n(?![ \t])/.exec(rest);
    if (!end) break;
    trace.push(raw.subarray(offset, offset + end.index).toString('utf8'));
    offset += end.index + 2;
  }
  return { trace, message: raw.subarray(offset) };
}

/** The header block of a message, as text (UTF-8), without the blank line. */
export function headerBlock(message: Buffer): string {
  const text = message.toString('utf8');
  const end = text.indexOf('\r\n\r\n');
  return end < 0 ? text : text.slice(0, end);
}

/** How many copies each of `addresses` holds now (compared whole, a failure shows who got what). */
export function copies(world: RealWorld, addresses: string[]): Record<string, number> {
  return Object.fromEntries(addresses.map((a) => [a, world.peer.mailbox(a).length]));
}

/** The mailboxes that got new copies between two snapshots, with how many each. */
export function newCopies(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.keys(after)
      .filter((k) => after[k]! > (before[k] ?? 0))
      .sort()
      .map((k) => [k, after[k]! - (before[k] ?? 0)]),
  );
}

/**
 * describe() for a file of tests against a real Postfix and Dovecot, started with `options` before the first test.
 * `body` gets the world. Skipped with the reason where they cannot run; under CI a test fails instead.
 */
export function describePostfix(name: string, options: PostfixOptions, body: (world: RealWorld) => void): void {
  const reason = postfixUnavailableReason();
  if (reason && onCi()) {
    describe(name, () => {
      it('has Postfix and Dovecot to run against', () => {
        throw new Error(`No real Postfix under CI: ${reason} (.ci/run installs postfix, dovecot-imapd and msmtp; CI runs as root)`);
      });
    });
    return;
  }
  if (reason) {
    describe.skip(`${name} (skipped: ${reason})`, () => body(world(options)));
    return;
  }
  describe(name, () => body(world(options)));
}

function world(options: PostfixOptions): RealWorld {
  let peer: PostfixPeer | undefined;
  let tmp: string | undefined;
  let caFile = '';
  const workspaces: Workspace[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-realworld-'));
    peer = await startPostfix(options);
    caFile = path.join(tmp, 'test-ca.pem');
    writeFileSync(caFile, peer.ca);
  });
  afterAll(async () => {
    for (const ws of workspaces.splice(0)) ws.remove();
    await peer?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const real: RealWorld = {
    get peer() {
      if (!peer) throw new Error('Postfix is started in beforeAll');
      return peer;
    },
    async outbox(email = 'ann@example.com', name = 'Ann', password?: string) {
      const ws = new Workspace();
      workspaces.push(ws);
      const run = (args: string[], o: RunOptions = {}) =>
        ws.run(args, { timeoutMs: 60_000, ...o, env: { NODE_EXTRA_CA_CERTS: caFile, ...o.env } });
      const signIn = password === undefined ? [] : ['--user', email, '--password-stdin'];
      const add = await run(
        [
          'account',
          'add',
          '--name',
          name,
          '--email',
          email,
          '--host',
          real.peer.host,
          '--port',
          String(real.peer.port),
          '--security',
          'starttls',
          ...signIn,
        ],
        {
          input: password === undefined ? '' : `${password}\n`,
        },
      );
      if (add.code !== 0) throw new Error(`account add failed (${add.code}): ${add.stderr}`);
      return {
        ws,
        accountId: add.stdout.trim(),
        run,
        async stored(id) {
          const spool = path.join(ws.dataDir, 'spool');
          for (const dir of readdirSync(spool)) {
            const file = path.join(spool, dir, `${id}.msg`);
            try {
              const info = await readSpoolFile(file, { verify: true });
              return readFileSync(file).subarray(info.bodyOffset, info.bodyOffset + info.bodyLength);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
            }
          }
          throw new Error(`no spool file for ${id} under ${spool}`);
        },
      };
    },
    msmtp(args, input) {
      const r = spawnSync(
        'msmtp',
        [
          `--host=${real.peer.host}`,
          `--port=${real.peer.port}`,
          '--tls=on',
          '--tls-starttls=on',
          `--tls-trust-file=${caFile}`,
          '--auth=off',
          ...args,
        ],
        { input, timeout: 30_000 },
      );
      return { code: r.status, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? String(r.error ?? '') };
    },
    sendmail(args, input) {
      const sendmail = path.join(path.dirname(process.env.OUTBOX_TEST_POSTFIX ?? '/usr/sbin/postfix'), 'sendmail');
      const r = spawnSync(sendmail, ['-C', path.join(real.peer.dir, 'conf'), ...args], { input, timeout: 30_000 });
      return { code: r.status, stdout: r.stdout?.toString() ?? '', stderr: r.stderr?.toString() ?? String(r.error ?? '') };
    },
    snapshot() {
      return Object.fromEntries(real.peer.recipients().map((r) => [r, real.peer.mailbox(r).length]));
    },
    delivered(address) {
      return real.peer.mailbox(address).map(splitTrace);
    },
  };
  return real;
}
