// writeFileDurable: readers see the whole new file or the untouched old one, never a temp file or a mix,
// and failures arrive as the catalogue's DISK_FULL / SPOOL_UNWRITABLE.
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { writeFileDurable } from '../../../electron/core/fs/durable-write';
import { fileOps } from '../../../electron/core/fs/file-ops';

// Lets one test make the disk "fill up" halfway through writing the temp file.
const disk = { failWith: null as string | null };
const realOpen = fileOps.open;
vi.spyOn(fileOps, 'open').mockImplementation(async (...args: Parameters<typeof realOpen>) => {
  const handle = await realOpen(...args);
  const code = disk.failWith;
  if (code !== null) {
    handle.writeFile = async (data: string | Uint8Array) => {
      const bytes = Buffer.from(data);
      await handle.writev([bytes.subarray(0, bytes.length >> 1)]);
      throw Object.assign(new Error(`${code}: no space left on device, write`), { code });
    };
  }
  return handle;
});

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-durable-'));
});

afterEach(async () => {
  disk.failWith = null;
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileDurable', () => {
  it('replaces the file with the new content and leaves nothing else in the folder', async () => {
    const target = path.join(dir, 'accounts.json');
    await writeFile(target, 'old content');
    await writeFileDurable(target, '{"new":true}');
    expect(await readFile(target, 'utf8')).toBe('{"new":true}');
    expect(await readdir(dir)).toEqual(['accounts.json']);
  });

  it('creates a new file readable only by its owner', async () => {
    const target = path.join(dir, 'fresh.json');
    await writeFileDurable(target, new Uint8Array([1, 2, 3]));
    expect([...(await readFile(target))]).toEqual([1, 2, 3]);
    expect((await stat(target)).mode & 0o777).toBe(0o600);
  });

  it('keeps the old content and cleans up when the disk fills up mid-write', async () => {
    const target = path.join(dir, 'accounts.json');
    await writeFile(target, 'old content that must survive');
    disk.failWith = 'ENOSPC';
    await expect(writeFileDurable(target, 'x'.repeat(64 * 1024))).rejects.toMatchObject({ code: 'DISK_FULL' });
    disk.failWith = null;
    expect(await readFile(target, 'utf8')).toBe('old content that must survive');
    expect(await readdir(dir)).toEqual(['accounts.json']);
  });

  it('keeps the old content and reports SPOOL_UNWRITABLE when the folder cannot be written', async (ctx) => {
    const target = path.join(dir, 'accounts.json');
    await writeFile(target, 'old content that must survive');
    const unlock = lockFolder(dir);
    if (typeof unlock === 'string') return ctx.skip(unlock);
    try {
      const error = await writeFileDurable(target, 'new content').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'SPOOL_UNWRITABLE' });
      expect((error as { detail?: string }).detail).toContain(target);
    } finally {
      unlock();
    }
    expect(await readFile(target, 'utf8')).toBe('old content that must survive');
    expect(await readdir(dir)).toEqual(['accounts.json']);
  });

  it('reports SPOOL_UNWRITABLE when the data folder is really a file', async () => {
    const notAFolder = path.join(dir, 'data');
    await writeFile(notAFolder, 'I am a file');
    await expect(writeFileDurable(path.join(notAFolder, 'accounts.json'), '{}')).rejects.toMatchObject({
      code: 'SPOOL_UNWRITABLE',
    });
    expect(await readFile(notAFolder, 'utf8')).toBe('I am a file');
  });

  it('never shows a reader a half-written file, and leaves one whole version when writers race', async () => {
    const target = path.join(dir, 'accounts.json');
    const versions = Array.from({ length: 4 }, (_, i) => String.fromCharCode(97 + i).repeat(128 * 1024));
    await writeFile(target, versions[0]!);
    const seen: string[] = [];
    let writing = true;
    const reader = (async () => {
      while (writing) seen.push(await readFile(target, 'utf8'));
    })();
    // Keep racing writers going until the reader has looked many times.
    for (let round = 0; round < 300 && seen.length < 40; round++) {
      await Promise.all(versions.map((v) => writeFileDurable(target, v)));
    }
    writing = false;
    await reader;
    expect(seen.length).toBeGreaterThanOrEqual(40);
    expect(seen.filter((content) => !versions.includes(content)).map((c) => c.length)).toEqual([]);
    expect(versions).toContain(await readFile(target, 'utf8'));
    expect(await readdir(dir)).toEqual(['accounts.json']);
  });
});

/**
 * Makes `folder` refuse new files for real and returns the undo, or why that is impossible here.
 * Root ignores permission bits, so root uses the immutable attribute instead of chmod.
 */
function lockFolder(folder: string): (() => void) | string {
  const isRoot = process.getuid?.() === 0;
  const lock = isRoot ? spawnSync('chattr', ['+i', folder]) : spawnSync('chmod', ['0555', folder]);
  if (lock.status !== 0) return `cannot make a folder read-only here: ${String(lock.stderr || lock.error)}`.trim();
  const unlock = () => {
    if (isRoot) spawnSync('chattr', ['-i', folder]);
    else spawnSync('chmod', ['0755', folder]);
  };
  const probe = spawnSync('touch', [path.join(folder, 'probe')]);
  if (probe.status === 0) {
    unlock();
    return 'this file system lets us write into a read-only folder';
  }
  return unlock;
}
