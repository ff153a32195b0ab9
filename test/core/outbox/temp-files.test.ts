// Temporary files for new messages: a process that takes in one message makes one file (nothing is made ahead
// to be deleted at exit); from the second message on, one is kept ready, and each taker gets its own.
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TempFiles } from '../../../electron/core/outbox/temp-files';
import { tempDir } from './harness';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('temporary files for new messages', () => {
  it('makes only the file a single message needs', async () => {
    const dir = await tempDir('outbox-temps-');
    dirs.push(dir);
    const temps = new TempFiles(dir);
    const file = await temps.take();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await fs.readdir(dir)).toEqual([file.path.slice(dir.length + 1)]);
    await file.handle.close();
    await temps.close();
  });

  it('keeps one ready from the second message on, and gives concurrent takers distinct files', async () => {
    const dir = await tempDir('outbox-temps-');
    dirs.push(dir);
    const temps = new TempFiles(dir);
    const first = await temps.take();
    const [second, third] = await Promise.all([temps.take(), temps.take()]);
    const paths = new Set([first.path, second.path, third.path]);
    expect(paths.size).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The three taken, and one spare for the next.
    expect(await fs.readdir(dir)).toHaveLength(4);
    for (const file of [first, second, third]) await file.handle.close();
    await temps.close();
    // Closing removes the spare that was never used.
    expect((await fs.readdir(dir)).sort()).toEqual([...paths].map((p) => p.slice(dir.length + 1)).sort());
  });
});
