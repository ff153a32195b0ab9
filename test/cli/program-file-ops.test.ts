// program.ts: the real process (MainOptions.inlineFileOps) runs a command's file operations inline when that command
// says it leaves as soon as its work is done: a send without --wait. A send that waits, and every other command,
// keeps them on the thread pool.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fileOpsAreInline as inline } from '../../electron/core/fs/file-ops';
import type { CliIo } from '../../electron/cli/io';
import { main } from '../../electron/cli/program';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
});

function io(dataDir: string, stdin = ''): CliIo & { printed: () => string } {
  let printed = '';
  const sink = { write: (chunk: string | Uint8Array, cb?: (e?: Error | null) => void) => ((printed += String(chunk)), cb?.(), true) };
  return {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: sink,
    stderr: sink,
    env: { OUTBOX_DATA_DIR: dataDir, OUTBOX_OFFLINE: '1' },
    cwd: dataDir,
    printed: () => printed,
  };
}

const MESSAGE = 'From: a@example.com\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nbody\r\n';

describe('the file operations of the real process', () => {
  it('stay on the thread pool for a send that waits, and go inline for a send that leaves', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-program-'));
    dirs.push(dataDir);
    const add = [
      'account',
      'add',
      '--name',
      'T',
      '--email',
      'a@example.com',
      '--host',
      '127.0.0.1',
      '--port',
      '1',
      '--security',
      'none',
      '--insecure',
    ];
    expect(await main(add, io(dataDir), { inlineFileOps: true })).toBe(0);
    expect(inline()).toBe(false);

    // Offline (OUTBOX_OFFLINE=1), a send that waits is still waiting when its second is up: exit 75.
    const waiting = io(dataDir, MESSAGE);
    expect(await main(['send', '-t', '--wait', '--max-wait', '1'], waiting, { inlineFileOps: true })).toBe(75);
    expect(inline()).toBe(false);

    // Without the real process's option nothing changes, whatever the command.
    expect(await main(['send', '-t', '--queue-only'], io(dataDir, MESSAGE))).toBe(0);
    expect(inline()).toBe(false);

    const queued = io(dataDir, MESSAGE);
    expect(await main(['send', '-t', '--queue-only'], queued, { inlineFileOps: true })).toBe(0);
    expect(inline()).toBe(true);
    expect(queued.printed()).toMatch(/^[0-9a-z]+-[0-9a-f]{8}\n$/);
    expect((await fs.readdir(path.join(dataDir, 'spool', 'queue'))).length).toBe(3);
  });
});
