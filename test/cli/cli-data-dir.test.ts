// A data folder Outbox cannot use is one clear line with its sysexits code, never "unexpected error":
// the data folder is a file (78), the spool folder is a file or the state folder read-only (73);
// a read-only data folder can still be inspected with `queue` and `show`.
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, type CliResult, oneLine, relayAccountArgs, sampleEml, Workspace } from './harness';

// Permissions do not bind root: as root, the command runs as nobody over folders handed to nobody.
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

let ws: Workspace;
/** The built command as nobody can read it: a clone may sit in a folder only its owner can enter (mktemp -d). */
let cli = CLI;

beforeAll(() => {
  ws = new Workspace();
  chmodSync(ws.dir, 0o755);
  if (asRoot) {
    const copy = path.join(ws.dir, 'cli');
    cpSync(path.dirname(CLI), copy, { recursive: true });
    cli = path.join(copy, path.basename(CLI));
  }
});

afterAll(() => {
  ws?.remove();
});

function runAsUser(dataDir: string, args: string[], input = ''): Promise<CliResult> {
  const env = { ...process.env };
  delete env.OUTBOX_DATA_DIR;
  delete env.OUTBOX_OFFLINE;
  const child = spawn(process.execPath, [cli, '--data-dir', dataDir, ...args], {
    env: { ...env, HOME: ws.dir },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.on('error', () => {});
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

function handOver(dir: string): void {
  if (!asRoot) return;
  chownSync(dir, NOBODY, NOBODY);
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) handOver(p);
    else chownSync(p, NOBODY, NOBODY);
  }
}

function readOnly(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) readOnly(p);
    else chmodSync(p, 0o444);
  }
  chmodSync(dir, 0o555);
}

describe('a data folder Outbox cannot use', () => {
  it('exits 78 with one line when the data folder is a file, for account list and queue alike', async () => {
    const file = ws.file('data-file', 'x');
    for (const args of [['account', 'list'], ['queue'], ['flush'], ['send', 'bob@example.org']]) {
      const r = await runAsUser(file, args, sampleEml());
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(78);
      expect(oneLine(r.stderr)).toBe(
        `outbox: The data folder ${file} is a file, not a folder. Give a folder with --data-dir or OUTBOX_DATA_DIR, or move the file away.`,
      );
      expect(r.stdout).not.toContain('No accounts yet');
    }
  });

  it('exits 73 naming the spool folder when it is a file', async () => {
    const dataDir = path.join(ws.dir, 'spool-file');
    mkdirSync(dataDir);
    writeFileSync(path.join(dataDir, 'spool'), 'x');
    handOver(dataDir);
    for (const args of [['queue'], ['flush']]) {
      const r = await runAsUser(dataDir, args);
      expect(r.code, r.stderr).toBe(73);
      expect(oneLine(r.stderr)).toMatch(/^outbox: Outbox cannot use its folder .*spool-file\/spool: it is a file, not a folder\./);
      expect(r.stderr).not.toMatch(/unexpected error/);
    }
  });

  it('exits 73 with the path when the state folder is read-only, while queue still reads it', async () => {
    const dataDir = path.join(ws.dir, 'ro-state');
    expect((await ws.run(['--data-dir', dataDir, 'flush'])).code).toBe(0);
    handOver(dataDir);
    readOnly(path.join(dataDir, 'spool', 'state'));
    const flush = await runAsUser(dataDir, ['flush']);
    expect(flush.code, flush.stderr).toBe(73);
    expect(oneLine(flush.stderr)).toMatch(/^outbox: Outbox cannot use .*spool\/state.* \(permission denied\)\./);
    const queue = await runAsUser(dataDir, ['queue']);
    expect(queue.code, queue.stderr).toBe(0);
  });

  it('lets a read-only data folder be inspected with queue and show', async () => {
    const dataDir = path.join(ws.dir, 'ro-data');
    mkdirSync(dataDir);
    handOver(dataDir);
    const add = await runAsUser(dataDir, [...relayAccountArgs('Ann', 'ann@example.com', '127.0.0.1', '9')]);
    expect(add.code, add.stderr).toBe(0);
    const queued = await runAsUser(dataDir, ['send', '--queue-only', 'bob@example.org'], sampleEml());
    expect(queued.code, queued.stderr).toBe(0);
    const id = queued.stdout.trim();
    handOver(dataDir);
    readOnly(dataDir);
    const queue = await runAsUser(dataDir, ['queue']);
    expect(queue.code, queue.stderr).toBe(0);
    expect(queue.stdout).toContain(id);
    const show = await runAsUser(dataDir, ['show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('Subject:');
    const send = await runAsUser(dataDir, ['send', 'bob@example.org'], sampleEml());
    expect(send.code).toBe(73);
    expect(oneLine(send.stderr)).toMatch(/permission denied/);
  });
});
