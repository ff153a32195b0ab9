// `outbox send --queue-only`'s durable write without an engine: it sets the spool up only when it finds none,
// and a folder removed since is made again rather than turning a sendmail call into a lost message.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { dropRawMessage } from '../../../electron/core/outbox/queue-drop';
import { readSpoolFile } from '../../../electron/core/outbox/spool-file';
import { account, tempDir } from './harness';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) {
    await fs.chmod(path.join(dir, 'spool', 'tmp'), 0o700).catch(() => {});
    await fs.rm(dir, { recursive: true, force: true });
  }
});

async function dataDir(): Promise<string> {
  const dir = await tempDir('outbox-drop-');
  dirs.push(dir);
  return dir;
}

const accounts = { pick: async () => account() };
const raw = (subject: string) =>
  Readable.from([Buffer.from(`From: ann@example.com\r\nTo: bob@example.org\r\nSubject: ${subject}\r\n\r\nHello\r\n`)]);
const drop = (dir: string, subject: string) =>
  dropRawMessage({ dataDir: dir, accounts }, { input: raw(subject), recipientsFromHeaders: true, ignoreDots: true });

async function queued(dir: string): Promise<string[]> {
  const queue = path.join(dir, 'spool', 'queue');
  const subjects = [];
  for (const name of (await fs.readdir(queue)).sort())
    subjects.push((await readSpoolFile(path.join(queue, name), { verify: true })).meta.subject);
  return subjects;
}

describe('dropping a message into the queue without an engine', () => {
  it('sets up a new data folder: private spool folders, the journal reserve, the message whole in queue/', async () => {
    const dir = await dataDir();
    const message = await drop(dir, 'first');
    expect(message.state).toBe('queued');
    expect(await queued(dir)).toEqual(['first']);
    for (const folder of ['tmp', 'queue', 'sent', 'quarantine', 'trash', 'state'])
      expect((await fs.stat(path.join(dir, 'spool', folder))).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(dir, 'spool', 'state', 'reserve'))).size).toBeGreaterThan(0);
    expect(await fs.readdir(path.join(dir, 'spool', 'tmp'))).toEqual([]);
  });

  it('still accepts mail when tmp/ or queue/ was removed after the spool was set up', async () => {
    const dir = await dataDir();
    await drop(dir, 'first');
    await fs.rm(path.join(dir, 'spool', 'tmp'), { recursive: true });
    await drop(dir, 'after tmp/ went');
    await fs.rm(path.join(dir, 'spool', 'queue'), { recursive: true });
    await drop(dir, 'after queue/ went');
    expect(await queued(dir)).toEqual(['after queue/ went']);
    expect((await fs.stat(path.join(dir, 'spool', 'queue'))).mode & 0o777).toBe(0o700);
    expect(await fs.readdir(path.join(dir, 'spool', 'tmp'))).toEqual([]);
  });

  it('refuses mail it cannot write, rather than claiming it was queued', async (ctx) => {
    const dir = await dataDir();
    // root writes whatever the mode says: as root the data folder is a small tmpfs, then remounted read-only.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) {
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', dir], { stdio: 'pipe' });
      } catch (error) {
        if (process.env.CI === 'true') throw new Error(`cannot mount a small tmpfs: ${String(error)}`);
        ctx.skip();
      }
    }
    try {
      await drop(dir, 'first');
      if (asRoot) execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
      else await fs.chmod(path.join(dir, 'spool', 'tmp'), 0o500);
      await expect(drop(dir, 'refused')).rejects.toMatchObject({ code: 'SPOOL_UNWRITABLE' });
      expect(await queued(dir)).toEqual(['first']);
    } finally {
      if (asRoot) execFileSync('umount', [dir], { stdio: 'pipe' });
    }
  });
});
