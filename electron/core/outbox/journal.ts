// The spool's state journal: message states and attempts as an append-only log with group commit
// (one fdatasync covers every change made meanwhile), compacted into a snapshot now and then.
import path from 'node:path';
import { fileOps as fs, type OpenFile } from '../fs/file-ops';
import { fsyncDir } from '../fs/durable-write';
import { FILE_MODE } from '../fs/private-files';
import { mapFsError } from '../fs/fs-errors';
import { appendAll, writeAll } from '../fs/write-all';
import type { Logger } from '../ports';
import type { JournalEntry, MessageRecord } from './record';
import { applyEntry } from './record';
import { named } from '../logging';

/**
 * Milliseconds on a monotonic clock, for the spacing of syncs. Not performance.now(): its first use loads
 * node:perf_hooks, about half a millisecond of a command that sends one message.
 */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

const SNAPSHOT = 'state.snapshot';
export const RESERVE_FILE = 'reserve';
export const DEFAULT_RESERVE_BYTES = 1024 * 1024;

/**
 * Space kept aside so that, when the disk fills up, the journal can still record what happens to the
 * messages already accepted (sent, failed, removed); new messages are refused until it is back.
 */
export async function ensureReserve(dir: string, bytes: number): Promise<boolean> {
  const file = path.join(dir, RESERVE_FILE);
  try {
    if ((await fs.stat(file)).size >= bytes) return true;
  } catch {
    // missing: make it
  }
  const tmp = `${file}.tmp`;
  try {
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      // Real zeros, not a sparse hole: the blocks must be allocated to be of use later.
      const zeros = Buffer.alloc(64 * 1024);
      for (let written = 0; written < bytes; written += zeros.length)
        await writeAll(handle, [zeros.subarray(0, Math.min(zeros.length, bytes - written))], null);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, file);
    return true;
  } catch {
    // Processes starting together (sendmail calls in parallel) write the same zeros to the same temporary file:
    // the first rename puts a whole reserve in place and the others find theirs gone. That reserve is as good.
    if (((await fs.stat(file).catch(() => null))?.size ?? 0) >= bytes) return true;
    await fs.rm(tmp, { force: true }).catch(() => {});
    return false;
  }
}

export interface LoadedState {
  records: Map<string, MessageRecord>;
  generation: number;
  /** Lines that could not be read (a torn last line after a crash is expected and harmless). */
  skippedLines: number;
}

function logName(generation: number): string {
  return `state-${generation}.log`;
}

function parseLines(text: string, records: Map<string, MessageRecord>): number {
  let skipped = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (!line) continue;
    try {
      applyEntry(records, JSON.parse(line) as JournalEntry);
    } catch {
      skipped++;
    }
  }
  return skipped;
}

/** Reads the snapshot and the log after it. Safe to call from a process that does not hold the sender lock. */
export async function loadState(dir: string): Promise<LoadedState> {
  const records = new Map<string, MessageRecord>();
  let generation = 0;
  let skippedLines = 0;
  for (let tries = 0; ; tries++) {
    records.clear();
    skippedLines = 0;
    let snapshot = '';
    try {
      snapshot = await fs.readFile(path.join(dir, SNAPSHOT), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const firstLineEnd = snapshot.indexOf('\n');
    generation = 0;
    if (snapshot) {
      try {
        generation = (JSON.parse(snapshot.slice(0, firstLineEnd < 0 ? undefined : firstLineEnd)) as { gen: number }).gen;
      } catch {
        skippedLines++;
      }
      skippedLines += parseLines(firstLineEnd < 0 ? '' : snapshot.slice(firstLineEnd + 1), records);
    }
    try {
      skippedLines += parseLines(await fs.readFile(path.join(dir, logName(generation)), 'utf8'), records);
      return { records, generation, skippedLines };
    } catch (error) {
      // A compaction in another process may have moved on between our two reads: read again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      if (tries >= 3) return { records, generation, skippedLines };
      const again = await fs.readFile(path.join(dir, SNAPSHOT), 'utf8').catch(() => '');
      if (again === snapshot) return { records, generation, skippedLines };
    }
  }
}

interface Waiter {
  resolve(): void;
}

/** The writer side; only the process holding the sender lock opens it. */
export class Journal {
  private handle: OpenFile | null = null;
  /** Set when close() begins: what is appended after that is dropped (see `dropped`). */
  private closed = false;
  private size = 0;
  private pending: string[] = [];
  private waiters: Waiter[] = [];
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private generation: number;
  /** Bytes written to the log since the last snapshot. */
  private logBytes = 0;
  private compacting = false;
  private lazyTimer: NodeJS.Timeout | null = null;
  private syncTimer: NodeJS.Timeout | null = null;
  private lastSync = -Infinity;
  /** Shortest time between two syncs of the log. */
  minSyncIntervalMs = 4;
  /**
   * The same while a flush keeps the log busy (the last batch carried `busyBatchEntries` or more): fewer, larger
   * syncs leave the disk to the server's own (a local Postfix syncs each message it queues), and a send waits on
   * none of them. A lone command's change still goes after `minSyncIntervalMs`.
   */
  busySyncIntervalMs = 16;
  busyBatchEntries = 4;
  /**
   * Whether nothing else is on its way (set by the store: no send awaits its server, none is due). The last
   * answer of a flush is then synced at once: waiting would only delay reporting it, with nothing left to share the sync.
   */
  quiet: () => boolean = () => false;
  private lastBatchEntries = 0;
  healthy = true;

  constructor(
    private readonly dir: string,
    generation: number,
    private readonly logger: Logger,
    private readonly reserveBytes = DEFAULT_RESERVE_BYTES,
  ) {
    this.generation = generation;
  }

  async open(): Promise<void> {
    await ensureReserve(this.dir, this.reserveBytes);
    for (const name of await fs.readdir(this.dir)) {
      if (/^state-\d+\.log$/.test(name) && name !== logName(this.generation)) await fs.rm(path.join(this.dir, name), { force: true });
    }
    const file = path.join(this.dir, logName(this.generation));
    this.handle = await fs.open(file, 'a', FILE_MODE);
    // A log an older version made 0644 is narrowed: the journal names every recipient and subject.
    if (((await this.handle.stat()).mode & 0o077) !== 0) await this.handle.chmod(FILE_MODE).catch(() => {});
    this.size = (await this.handle.stat()).size;
    this.logBytes = this.size;
  }

  get bytesSinceSnapshot(): number {
    return this.logBytes;
  }

  /** Resolves once the entry is on disk. */
  append(entry: JournalEntry): Promise<void> {
    if (this.closed) return this.dropped(entry);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    const done = new Promise<void>((resolve) => this.waiters.push({ resolve }));
    this.kick();
    return done;
  }

  /**
   * For entries nothing on the sending path waits on (a message going out): written with the next
   * batch, or within `maxDelayMs`, so they do not cost a disk sync of their own.
   */
  appendLazy(entry: JournalEntry, maxDelayMs = 50): Promise<void> {
    if (this.closed) return this.dropped(entry);
    this.pending.push(`${JSON.stringify(entry)}\n`);
    const done = new Promise<void>((resolve) => this.waiters.push({ resolve }));
    if (!this.lazyTimer && !this.syncTimer && !this.flushing) {
      this.lazyTimer = setTimeout(() => {
        this.lazyTimer = null;
        this.kick();
      }, maxDelayMs);
    }
    return done;
  }

  /**
   * A change that arrives after the engine stopped (a send stuck past the stop's grace that settles later): it is
   * not written, and its promise never settles, so nothing reports it as recorded. The message is recovered at the
   * next start from what the journal holds, exactly as after a kill (caught mid-send: 'interrupted').
   */
  private dropped(entry: JournalEntry): Promise<void> {
    const id = 'g' in entry ? entry.g : 's' in entry ? entry.s.id : 'd' in entry ? entry.d : entry.p.id;
    named(this.logger, 'outbox').warn(`${id}: a change after the state journal closed was not recorded; it is recovered at the next start`);
    return new Promise<void>(() => {});
  }

  private kick(): void {
    if (!this.handle) return;
    if (this.flushing || this.compacting || this.retryTimer || this.pending.length === 0) return;
    // Group commit: leave a few milliseconds between syncs so that a busy engine pays one sync for
    // many changes; nothing on the sending path waits for these, only the events that report them.
    const interval = this.quiet()
      ? 0
      : this.lastBatchEntries >= this.busyBatchEntries
        ? Math.max(this.minSyncIntervalMs, this.busySyncIntervalMs)
        : this.minSyncIntervalMs;
    const wait = this.lastSync + interval - monotonicMs();
    if (wait > 0) {
      if (!this.syncTimer) {
        this.syncTimer = setTimeout(() => {
          this.syncTimer = null;
          this.kick();
        }, wait);
      }
      return;
    }
    this.clearTimers();
    this.flushing = this.flushBatch().finally(() => {
      this.lastSync = monotonicMs();
      this.flushing = null;
      this.kick();
    });
  }

  private async flushBatch(): Promise<void> {
    const lines = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.lastBatchEntries = lines.length;
    const data = Buffer.from(lines.join(''), 'utf8');
    try {
      // The plain callback calls: this is the hot path, and FileHandle adds a promise and a signal per call.
      const fd = this.handle!.fd;
      await appendAll(fd, data);
      await fs.fdatasync(fd);
      this.size += data.length;
      this.logBytes += data.length;
      this.failures = 0;
      this.healthy = true;
      for (const w of waiters) w.resolve();
    } catch (error) {
      // Cut a torn tail off so the next batch starts on a clean line, then retry later: nothing is dropped.
      await this.handle?.truncate(this.size).catch(() => {});
      this.pending = lines.concat(this.pending);
      this.waiters = waiters.concat(this.waiters);
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC' && (await this.releaseReserve())) return;
      this.failures++;
      this.healthy = false;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(this.failures, 6));
      named(this.logger, 'outbox').error(`cannot write the state journal (${mapFsError(error, this.dir).code}); retrying in ${delay} ms`);
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.kick();
      }, delay);
      this.retryTimer.unref?.();
    }
  }

  private clearTimers(): void {
    if (this.lazyTimer) clearTimeout(this.lazyTimer);
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.lazyTimer = null;
    this.syncTimer = null;
  }

  private async releaseReserve(): Promise<boolean> {
    try {
      await fs.rm(path.join(this.dir, RESERVE_FILE));
      named(this.logger, 'outbox').warn('the disk is full: using the reserved space to record message states');
      return true;
    } catch {
      return false;
    }
  }

  /** Waits until everything appended so far is on disk (or still failing). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Writes every record into a new snapshot and starts a fresh log. `records` must already hold
   * every appended change (the engine applies changes in memory before appending them).
   */
  async compact(records: Iterable<MessageRecord>): Promise<void> {
    await this.drain();
    if (!this.healthy || this.compacting || this.closed) return;
    this.compacting = true;
    try {
      await this.writeSnapshot(records);
    } finally {
      this.compacting = false;
      this.kick();
    }
  }

  private async writeSnapshot(records: Iterable<MessageRecord>): Promise<void> {
    const next = this.generation + 1;
    const parts: string[] = [`${JSON.stringify({ gen: next })}\n`];
    for (const record of records) parts.push(`${JSON.stringify({ s: record } satisfies JournalEntry)}\n`);
    // Changes appended before this point are in the snapshot; later ones go to the new log.
    const coveredLines = this.pending;
    const covered = this.waiters;
    this.pending = [];
    this.waiters = [];
    const tmp = path.join(this.dir, `${SNAPSHOT}.tmp`);
    let newLog: OpenFile | undefined;
    try {
      const handle = await fs.open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(parts.join(''), 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      newLog = await fs.open(path.join(this.dir, logName(next)), 'w', FILE_MODE);
      await fsyncDir(this.dir);
      await fs.rename(tmp, path.join(this.dir, SNAPSHOT));
      await fsyncDir(this.dir);
    } catch (error) {
      await newLog?.close().catch(() => {});
      this.pending = coveredLines.concat(this.pending);
      this.waiters = covered.concat(this.waiters);
      named(this.logger, 'outbox').warn(`compaction skipped: ${mapFsError(error, this.dir).code}`);
      return;
    }
    const old = this.handle;
    const oldGeneration = this.generation;
    this.handle = newLog;
    this.generation = next;
    this.size = 0;
    this.logBytes = 0;
    for (const w of covered) w.resolve();
    await old?.close();
    await fs.rm(path.join(this.dir, logName(oldGeneration)), { force: true });
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
    this.clearTimers();
    this.lastSync = -Infinity;
    this.kick();
    await this.drain();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.handle?.close();
    this.handle = null;
  }
}
