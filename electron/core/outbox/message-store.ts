// The outbox's message store: the records, the journal that makes every change durable, the change events,
// and reading them back (from memory in the process that holds the journal, from disk in any other). The
// dispatcher, the sending side and the intake work over the MessageStore interface; only this file writes
// the journal.
import path from 'node:path';
import { finished, type Readable } from 'node:stream';
import { fileOps as fs } from '../fs/file-ops';
import type { OutboxEvent, OutboxMessage } from '../../shared/message';
import type { Clock, Logger } from '../ports';
import type { ListFilter } from './engine-api';
import { Journal, loadState } from './journal';
import { markQuarantined, moveToQuarantine, removeQuarantined, scanQuarantine } from './quarantine';
import { putEntry, toOutboxMessage, type MessageRecord } from './record';
import { recoverSpool, type RecoveryResult } from './recovery';
import { checkSpoolBody, isSpoolDamage, type SpoolDamage } from './spool-file';
import { MESSAGE_SUFFIX, messageFile, type SpoolPaths } from './spool-paths';
import { scanQueue, type QuarantinedFile } from './spool-scan';
import { named } from '../logging';

/** The journal is compacted into a snapshot once this much has been appended since the last one. */
const COMPACT_AT_BYTES = 8 * 1024 * 1024;
/** At start, a smaller log is compacted already: recovery reads it whole at every start. */
const COMPACT_AT_START_BYTES = 1024 * 1024;

/** Where a message's exact bytes are within its spool file. */
export interface BytesLocation {
  file: string;
  offset: number;
  length: number;
}

/** What the dispatcher, the sending side and the intake need of the store. */
export interface MessageStore {
  /** This process holds the journal (it is the sender): the records in memory are the truth. */
  readonly holding: boolean;
  /** The journal takes writes (false after one failed, e.g. on a full disk). */
  readonly healthy: boolean;
  readonly records: ReadonlyMap<string, MessageRecord>;
  hasListeners(): boolean;
  emit(event: OutboxEvent): void;
  /** The message as shown (with the progress of a large message being sent). */
  view(record: MessageRecord): OutboxMessage;
  /** Appends the record's current state; the change event goes out once it is on disk. */
  commit(record: MessageRecord, withAttempt?: boolean): Promise<void>;
  /** Notes that an attempt began (lazily, unless `durable`), and reports the record's new state once on disk. */
  markGoing(record: MessageRecord, durable: boolean): Promise<void>;
  /** Records a message found in queue/ (its spool file is already its durable record). */
  adopt(record: MessageRecord): void;
  /** Records a quarantined message found at a scan, so it stays listed, and reports it. */
  addQuarantined(q: QuarantinedFile): void;
  /** The message's stored bytes no longer match what was taken in: it is kept, never sent, and shown with why. */
  quarantine(record: MessageRecord, damage: SpoolDamage): Promise<void>;
  /** Removes the message, bytes and all (crash-safe: a removal cut short is finished at the next start). */
  remove(record: MessageRecord): Promise<void>;
}

export interface StoreOptions {
  paths: SpoolPaths;
  clock: Clock;
  logger: Logger;
  reserveBytes: number;
  /** The progress of a message being sent, for its view. */
  progressOf(id: string): { sent: number; total: number } | undefined;
  /** Nothing else is on its way (no send awaits its server, none is due): a change then need not wait to share a sync. */
  quiet(): boolean;
}

export class SpoolStore implements MessageStore {
  private journal: Journal | null = null;
  private map = new Map<string, MessageRecord>();
  private readonly listeners = new Set<(event: OutboxEvent) => void>();
  private compacting = false;
  holding = false;

  constructor(private readonly options: StoreOptions) {}

  get records(): Map<string, MessageRecord> {
    return this.map;
  }

  get healthy(): boolean {
    return this.journal?.healthy ?? false;
  }

  // ---- holding the journal --------------------------------------------------------------------

  /** Loads the journal and takes it over; true when it had damaged lines (it is compacted at once then). */
  async open(): Promise<boolean> {
    const loaded = await loadState(this.options.paths.state);
    this.map = loaded.records;
    this.journal = new Journal(this.options.paths.state, loaded.generation, this.options.logger, this.options.reserveBytes);
    this.journal.quiet = () => this.options.quiet();
    await this.journal.open();
    this.holding = true;
    return loaded.skippedLines > 0;
  }

  /** Brings the journal in line with the folders after a crash or a stop (recovery.ts). */
  recover(now: number): Promise<RecoveryResult> {
    return recoverSpool(this.options.paths, this.map, this.journal!, now);
  }

  /** After recovery: everything it wrote is on disk, and a long or damaged log is compacted. */
  async settle(compactNow: boolean): Promise<void> {
    await this.journal!.drain();
    if (compactNow || this.journal!.bytesSinceSnapshot > COMPACT_AT_START_BYTES) await this.journal!.compact(this.map.values());
  }

  /** Another process took the sender lock: from now on reads come from disk. */
  stopHolding(): void {
    this.holding = false;
  }

  async close(): Promise<void> {
    await this.journal?.close();
  }

  // ---- writing --------------------------------------------------------------------------------

  commit(record: MessageRecord, withAttempt = false): Promise<void> {
    const done = this.journal!.append(putEntry(record, withAttempt));
    if (this.listeners.size > 0) {
      const snapshot = this.view(record);
      void done.then(() => this.emit({ type: 'changed', message: snapshot }));
    }
    if (!this.compacting && this.journal!.bytesSinceSnapshot > COMPACT_AT_BYTES) {
      this.compacting = true;
      void this.journal!.compact(this.map.values()).finally(() => (this.compacting = false));
    }
    return done;
  }

  markGoing(record: MessageRecord, durable: boolean): Promise<void> {
    const going = durable ? this.journal!.append({ g: record.id }) : this.journal!.appendLazy({ g: record.id });
    if (this.listeners.size > 0) {
      const view = this.view(record);
      void going.then(() => this.emit({ type: 'changed', message: view }));
    }
    return going;
  }

  adopt(record: MessageRecord): void {
    this.map.set(record.id, record);
    // The spool file is already the durable record of a queued message (a restart re-reads queue/),
    // so its journal entry need not cost a sync of its own.
    this.journal!.appendLazy(putEntry(record));
    if (this.listeners.size > 0) this.emit({ type: 'changed', message: this.view(record) });
  }

  addQuarantined(q: QuarantinedFile): void {
    if (this.map.get(q.record.id) !== q.record) {
      this.map.set(q.record.id, q.record);
      // The journal is its only record once the file has moved (or never existed): written, not lazily.
      void this.commit(q.record);
    } else if (this.listeners.size > 0) {
      // Already recorded (recovery found its file missing): only the news is left to tell.
      this.emit({ type: 'changed', message: this.view(q.record) });
    }
    this.reportQuarantine(q.record, q.file);
  }

  async quarantine(record: MessageRecord, damage: SpoolDamage): Promise<void> {
    const at = new Date(this.options.clock.now()).toISOString();
    const error = damage.toInfo();
    const paths = this.options.paths;
    const file = damage.kind === 'missing' ? undefined : await moveToQuarantine(paths, messageFile(paths, record.id, 'queue'), error, at);
    markQuarantined(record, error, at, file);
    await this.commit(record);
    this.reportQuarantine(record, file);
  }

  /** Says what happened and only that: the file is said to have moved only when it did. */
  private reportQuarantine(record: MessageRecord, file: string | undefined): void {
    const error = record.lastError!;
    named(this.options.logger, 'outbox').error(
      `${record.id} quarantined, not sent: ${error.message}${error.detail ? ` (${error.detail})` : ''}${file ? ` Its file is kept at ${file}.` : ''}`,
    );
    this.emit({ type: 'quarantined', id: record.id, ...(file ? { file } : {}), error });
  }

  async remove(record: MessageRecord): Promise<void> {
    const { id } = record;
    const paths = this.options.paths;
    const trashFile = path.join(paths.trash, `${id}${MESSAGE_SUFFIX}`);
    // Move aside first: a crash before the journal records the removal finishes it at the next start.
    const files = [messageFile(paths, id, record.location), messageFile(paths, id, 'queue')];
    if (record.quarantine?.file) files.unshift(record.quarantine.file);
    for (const file of files) {
      const moved = await fs.rename(file, trashFile).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
          return false;
        },
      );
      if (moved) break;
    }
    this.map.delete(id);
    await this.journal!.append({ d: id });
    await fs.rm(trashFile, { force: true });
    await removeQuarantined(record);
    this.emit({ type: 'removed', id });
  }

  // ---- events ---------------------------------------------------------------------------------

  on(listener: (event: OutboxEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  emit(event: OutboxEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        named(this.options.logger, 'outbox').error(`event listener failed: ${String(error)}`);
      }
    }
  }

  // ---- reading --------------------------------------------------------------------------------

  private async snapshot(): Promise<Map<string, MessageRecord>> {
    if (this.holding) return this.map;
    const paths = this.options.paths;
    // Another process owns the journal: read what it has written, plus drops it has not seen yet.
    const loaded = await loadState(paths.state);
    // Damaged drops are listed as quarantined, but only the sender moves them.
    const scan = await scanQueue(paths, (id) => loaded.records.has(id), { move: false }).catch(() => null);
    for (const record of scan?.found ?? []) loaded.records.set(record.id, record);
    for (const q of scan?.quarantined ?? []) loaded.records.set(q.record.id, q.record);
    for (const record of await scanQuarantine(paths, (id) => loaded.records.has(id), { tidy: false }))
      loaded.records.set(record.id, record);
    return loaded.records;
  }

  view(record: MessageRecord): OutboxMessage {
    return toOutboxMessage(record, this.options.progressOf(record.id));
  }

  async list(filter: ListFilter = {}): Promise<OutboxMessage[]> {
    const out: OutboxMessage[] = [];
    for (const record of (await this.snapshot()).values()) {
      if (filter.accountId && record.accountId !== filter.accountId) continue;
      if (filter.states && !filter.states.includes(record.state)) continue;
      out.push(this.view(record));
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  }

  async get(id: string): Promise<OutboxMessage | undefined> {
    const record = (await this.snapshot()).get(id);
    return record ? this.view(record) : undefined;
  }

  /** Where the exact bytes of a message are, for the Sent copy and for `outbox show --raw`. */
  async bytesOf(id: string): Promise<BytesLocation | undefined> {
    const record = (await this.snapshot()).get(id);
    return record ? this.locate(record) : undefined;
  }

  /**
   * The exact bytes that were sent, checked against the length and SHA-256 recorded at enqueue (SpoolDamage
   * when they changed): opened before streaming, so a move from queue/ to sent/ meanwhile does not matter.
   */
  async openBytes(record: MessageRecord): Promise<Readable> {
    let damage: SpoolDamage | undefined;
    for (const location of [record.location, 'queue', 'sent'] as const) {
      try {
        const body = await checkSpoolBody(messageFile(this.options.paths, record.id, location), record, 'sent');
        const stream = body.open();
        // Released once the copy has read it, failed, or given up on it.
        finished(stream, () => void body.release());
        return stream;
      } catch (error) {
        if (!isSpoolDamage(error)) throw error;
        if (error.kind !== 'missing') throw error;
        damage ??= error;
      }
    }
    throw damage!;
  }

  private async locate(record: MessageRecord): Promise<BytesLocation> {
    let file = messageFile(this.options.paths, record.id, record.location);
    // A sent message's file moves to sent/ a little after the state says so.
    if (record.location === 'sent' && !(await fs.stat(file).catch(() => null))) file = messageFile(this.options.paths, record.id, 'queue');
    return { file, offset: record.bodyOffset, length: record.bodyLength };
  }
}
