import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpoolFile } from '../../../electron/core/outbox/spool-file';
import { makeEngine, tempDir } from './harness';

// A real full disk: a tiny tmpfs. Needs root (CI runs as root); elsewhere the suite says why it skips.
let mountPoint = '';
let mounted = false;
beforeAll(async () => {
  mountPoint = await tempDir('outbox-full-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    if (process.env.CI === 'true') throw new Error(`cannot mount a small tmpfs to test a full disk: ${String(error)}`);
  }
});
afterAll(async () => {
  if (mounted) execFileSync('umount', [mountPoint]);
  await fs.rm(mountPoint, { recursive: true, force: true });
});

describe('a full disk', () => {
  it('refuses new mail with DISK_FULL, leaves no partial file, and keeps every message already queued', async (ctx) => {
    if (!mounted) ctx.skip();
    const { engine, sender, network } = makeEngine(mountPoint);
    network.set(false);
    await engine.start();
    try {
      const accepted: string[] = [];
      let failure: { code?: string } | undefined;
      for (let i = 0; i < 200 && !failure; i++) {
        try {
          accepted.push((await engine.enqueue({ to: ['bob@example.org'], subject: `m${i}`, text: 'x'.repeat(40_000) })).id);
        } catch (error) {
          failure = error as { code?: string };
        }
      }
      expect(failure?.code).toBe('DISK_FULL');
      expect(accepted.length).toBeGreaterThan(3);
      // Nothing half-written is left behind: at most the empty file kept ready for the next message.
      const tmp = path.join(mountPoint, 'spool', 'tmp');
      for (const name of await fs.readdir(tmp)) expect((await fs.stat(path.join(tmp, name))).size).toBe(0);
      expect(await fs.readdir(path.join(mountPoint, 'spool', 'queue'))).toHaveLength(accepted.length);
      // Every message accepted is whole: the disk filling up in the middle of one write (the kernel then takes part of
      // it without an error) must fail that message, not leave it cut short in the queue.
      for (const id of accepted)
        await expect(readSpoolFile(path.join(mountPoint, 'spool', 'queue', `${id}.msg`), { verify: true })).resolves.toBeTruthy();
      // Space comes back (a message is removed); everything accepted before still leaves intact.
      await engine.remove(accepted.pop()!);
      network.set(true);
      for (const id of accepted) expect((await engine.waitFor(id)).state).toBe('sent');
      const subjects = sender.received.map((r) => r.bytes.toString().match(/Subject: (m\d+)/)![1]);
      expect(subjects.sort()).toEqual(accepted.map((_, i) => `m${i}`).sort());
    } finally {
      await engine.stop();
    }
  });
});
