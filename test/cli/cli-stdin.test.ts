// Standard input as `outbox send` reads it from a file (`< message.eml`), a pipe that delivers the message in
// pieces, and a FIFO another process left non-blocking (a read finds nothing yet: EAGAIN): every byte arrives,
// in order, once. The command reads files and pipes straight from the descriptor (electron/cli/io.ts), so
// these are the cases where that reading, not Node's stream, decides what is queued.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpoolFile } from '../../electron/core/outbox/spool-file';
import { CLI, relayAccountArgs, Workspace, type CliResult } from './harness';

let ws: Workspace;

beforeAll(async () => {
  ws = new Workspace();
  // Queue-only sends never contact the server: any loopback port will do.
  const r = await ws.run(relayAccountArgs('Ann', 'ann@example.com', '127.0.0.1', 2));
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(() => ws?.remove());

/** A message larger than one read (64 KB), each line numbered so that a lost, doubled or swapped piece shows. */
function bigMessage(lines: number): Buffer {
  const body = Array.from({ length: lines }, (_, i) => `line ${String(i).padStart(6, '0')} ${'x'.repeat(60)}`);
  return Buffer.from(['From: ann@example.com', 'To: bob@example.org', 'Subject: stdin', '', ...body, ''].join('\r\n'));
}

function bodyOf(message: Buffer): Buffer {
  return message.subarray(message.indexOf('\r\n\r\n') + 4);
}

async function stored(id: string): Promise<Buffer> {
  const file = path.join(ws.dataDir, 'spool', 'queue', `${id}.msg`);
  const info = await readSpoolFile(file, { verify: true });
  return fs.readFileSync(file).subarray(info.bodyOffset, info.bodyOffset + info.bodyLength);
}

/** The command with `stdin` as its fd 0 (a descriptor, or a pipe fed by `feed`). */
function sendQueueOnly(stdin: number | 'pipe', feed?: (input: NodeJS.WritableStream) => void): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, '--data-dir', ws.dataDir, 'send', '-t', '--queue-only'], {
    stdio: [stdin, 'pipe', 'pipe'],
    env: { ...process.env, OUTBOX_DATA_DIR: undefined, OUTBOX_DEBUG: undefined },
  });
  if (feed) feed(child.stdin!);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('outbox send: standard input, whatever it is', () => {
  it('a file of several reads is queued whole', async () => {
    const message = bigMessage(3000); // ~220 KB
    const file = ws.file('big.eml', message);
    const fd = fs.openSync(file, 'r');
    const r = await sendQueueOnly(fd).finally(() => fs.closeSync(fd));
    expect(r.code, r.stderr).toBe(0);
    expect(bodyOf(await stored(r.stdout.trim())).equals(bodyOf(message))).toBe(true);
  });

  it('a pipe that delivers the message in pieces, with pauses between them, is queued whole and in order', async () => {
    const message = bigMessage(2000);
    const pieces = [17, 4096, 70_000, 1, 30_000].reduce<number[]>((cuts, n) => [...cuts, (cuts.at(-1) ?? 0) + n], []);
    const r = await sendQueueOnly('pipe', (input) => {
      void (async () => {
        let from = 0;
        for (const to of [...pieces, message.length]) {
          input.write(message.subarray(from, to));
          from = to;
          await pause(20);
        }
        input.end();
      })();
    });
    expect(r.code, r.stderr).toBe(0);
    expect(bodyOf(await stored(r.stdout.trim())).equals(bodyOf(message))).toBe(true);
  });

  it.skipIf(process.platform === 'win32')(
    'a FIFO left non-blocking by whoever opened it (reads find nothing yet) still gives every byte, once',
    async () => {
      const fifo = path.join(ws.dir, 'input.fifo');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      // Node's own spawn makes a child's fd 0 blocking again, so python3 opens the FIFO non-blocking and execs
      // the command on it, as a parent written in another language may: the command's reads answer EAGAIN
      // while the writer is quiet.
      const launcher = [
        'import os, sys',
        'fd = os.open(sys.argv[1], os.O_RDONLY | os.O_NONBLOCK)',
        'os.dup2(fd, 0)',
        'os.execv(sys.argv[2], sys.argv[2:])',
      ].join('\n');
      const child = spawn(
        'python3',
        ['-c', launcher, fifo, process.execPath, CLI, '--data-dir', ws.dataDir, 'send', '-t', '--queue-only'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, OUTBOX_DATA_DIR: undefined, OUTBOX_DEBUG: undefined },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const done = new Promise<number | null>((resolve) => child.on('close', resolve));
      // The writer opens once the reader is there (ENXIO before), and stays quiet a while: the first reads find nothing.
      let writer: number | undefined;
      while (writer === undefined) {
        try {
          writer = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
          await pause(10);
        }
      }
      await pause(400);
      const message = bigMessage(1500);
      for (let at = 0; at < message.length;) {
        try {
          at += fs.writeSync(writer, message.subarray(at, Math.min(message.length, at + 5000)));
          await pause(5);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
          await pause(10);
        }
      }
      fs.closeSync(writer);
      expect(await done, stderr).toBe(0);
      expect(bodyOf(await stored(stdout.trim())).equals(bodyOf(message))).toBe(true);
    },
  );

  it('an empty input is refused as before, with one line on stderr', async () => {
    const r = await sendQueueOnly('pipe', (input) => input.end());
    expect(r.code).toBe(65);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
