// The sender lock: one process at a time sends the spool and writes its journal. A lock whose process
// is gone (or that has not been refreshed for minutes, in case its pid was reused) is taken over.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';

export interface LockOwner {
  pid: number;
  host: string;
  token: string;
  since: string;
}

const STALE_AFTER_MS = 120_000;
const HEARTBEAT_MS = 15_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class SenderLock {
  private readonly file: string;
  private readonly owner: LockOwner;
  private heartbeat: NodeJS.Timeout | null = null;
  held = false;

  constructor(
    spoolDir: string,
    private readonly onLost: () => void = () => {},
  ) {
    this.file = path.join(spoolDir, 'sender.lock');
    this.owner = { pid: process.pid, host: os.hostname(), token: randomUUID(), since: new Date().toISOString() };
  }

  /** Takes the lock if it is free or stale; false when a live process holds it. */
  async tryAcquire(): Promise<boolean> {
    if (this.held) return true;
    for (let round = 0; round < 20; round++) {
      try {
        const handle = await fs.open(this.file, 'wx', 0o600);
        try {
          // Not fsynced: exclusion comes from the exclusive create, and a lock that a power cut left empty
          // or missing is free again at once (empty: stale after 2 s), unlike a synced one naming an old pid.
          await handle.writeFile(JSON.stringify(this.owner));
        } finally {
          await handle.close();
        }
        this.held = true;
        this.startHeartbeat();
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const outcome = await this.removeIfStale();
      if (outcome === 'held') return false;
      // Another process is taking the stale lock over right now: let it finish, then look again.
      if (outcome === 'busy') await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
    return false;
  }

  /** Who holds the lock now, if anyone alive does. */
  async holder(): Promise<LockOwner | null> {
    const current = await this.read();
    if (!current) return null;
    return (await this.isStale(current.owner, current.mtimeMs)) ? null : current.owner;
  }

  private async read(): Promise<{ owner: LockOwner; raw: string; mtimeMs: number } | null> {
    try {
      const [raw, stat] = await Promise.all([fs.readFile(this.file, 'utf8'), fs.stat(this.file)]);
      try {
        return { owner: JSON.parse(raw) as LockOwner, raw, mtimeMs: stat.mtimeMs };
      } catch {
        // Cut off while being written: the writer died between create and write, or is writing now.
        return { owner: { pid: 0, host: '', token: '', since: '' }, raw, mtimeMs: stat.mtimeMs };
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  private async isStale(owner: LockOwner, mtimeMs: number): Promise<boolean> {
    const age = Date.now() - mtimeMs;
    // Empty or cut off: its writer died between creating and writing it (or is writing this instant).
    if (owner.pid === 0) return age > 2_000;
    if (age > STALE_AFTER_MS) return true;
    // A lock from another machine (a shared data folder) can only age out.
    if (owner.host !== os.hostname()) return false;
    return !isAlive(owner.pid);
  }

  /** 'gone': the lock may be taken now; 'held': a live process has it; 'busy': another process is taking it over. */
  private async removeIfStale(): Promise<'gone' | 'held' | 'busy'> {
    const current = await this.read();
    if (!current) return 'gone';
    if (!(await this.isStale(current.owner, current.mtimeMs))) return 'held';
    // Only one process at a time may remove a stale lock (mkdir is atomic everywhere); otherwise a slow
    // contender could remove the fresh lock another one has just made.
    const mutex = `${this.file}.takeover`;
    try {
      await fs.mkdir(mutex, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A taker killed mid-way leaves the folder behind: clear it once its owner is gone.
      if (await this.takerGone(mutex)) await fs.rm(mutex, { recursive: true, force: true });
      return 'busy';
    }
    try {
      await fs.writeFile(path.join(mutex, 'owner'), `${process.pid} ${os.hostname()}`, { mode: 0o600 });
      const again = await this.read();
      if (!again) return 'gone';
      if (again.raw !== current.raw) return 'busy';
      await fs.rm(this.file, { force: true });
      return 'gone';
    } finally {
      await fs.rm(mutex, { recursive: true, force: true });
    }
  }

  private async takerGone(mutex: string): Promise<boolean> {
    const [owner, stat] = await Promise.all([
      fs.readFile(path.join(mutex, 'owner'), 'utf8').catch(() => ''),
      fs.stat(mutex).catch(() => null),
    ]);
    if (!stat) return false;
    const age = Date.now() - stat.mtimeMs;
    const [pidText, host] = owner.split(' ');
    const pid = Number(pidText);
    // Not yet written (a taker between mkdir and write), or from another machine: only age tells.
    if (!pid || host !== os.hostname()) return age > 2_000;
    return !isAlive(pid) || age > 10_000;
  }

  private startHeartbeat(): void {
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref?.();
  }

  private async beat(): Promise<void> {
    const current = await this.read().catch(() => null);
    if (!current || current.owner.token !== this.owner.token) {
      this.stopHeartbeat();
      this.held = false;
      this.onLost();
      return;
    }
    const now = new Date();
    await fs.utimes(this.file, now, now).catch(() => {});
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  async release(): Promise<void> {
    this.stopHeartbeat();
    if (!this.held) return;
    this.held = false;
    const current = await this.read().catch(() => null);
    if (current?.owner.token === this.owner.token) await fs.rm(this.file, { force: true });
  }
}
