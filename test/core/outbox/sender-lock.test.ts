import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SenderLock } from '../../../electron/core/outbox/sender-lock';
import { tempDir } from './harness';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

const deadPid = 2 ** 22 + 11;

describe('sender lock', () => {
  it('is held by one process at a time', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const a = new SenderLock(dir);
    const b = new SenderLock(dir);
    expect(await a.tryAcquire()).toBe(true);
    expect(await b.tryAcquire()).toBe(false);
    expect((await b.holder())?.pid).toBe(process.pid);
    await a.release();
    expect(await b.tryAcquire()).toBe(true);
    await b.release();
  });

  it('is taken over from a dead process by exactly one of several contenders', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    for (let round = 0; round < 10; round++) {
      await fs.writeFile(
        path.join(dir, 'sender.lock'),
        JSON.stringify({ pid: deadPid, host: os.hostname(), token: `dead-${round}`, since: '' }),
      );
      const contenders = Array.from({ length: 5 }, () => new SenderLock(dir));
      const won = await Promise.all(contenders.map((c) => c.tryAcquire()));
      expect(won.filter(Boolean)).toHaveLength(1);
      const owner = JSON.parse(await fs.readFile(path.join(dir, 'sender.lock'), 'utf8'));
      expect(owner.pid).toBe(process.pid);
      await Promise.all(contenders.map((c) => c.release()));
      expect(await fs.readdir(dir)).toEqual([]);
    }
  });

  it('is not blocked by a takeover that a killed process left half done', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    await fs.writeFile(path.join(dir, 'sender.lock'), JSON.stringify({ pid: deadPid, host: os.hostname(), token: 'dead', since: '' }));
    await fs.mkdir(path.join(dir, 'sender.lock.takeover'));
    await fs.writeFile(path.join(dir, 'sender.lock.takeover', 'owner'), `${deadPid + 1} ${os.hostname()}`);
    const lock = new SenderLock(dir);
    const started = Date.now();
    expect(await lock.tryAcquire()).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    await lock.release();
  });
});
