// Taking messages in: composing or checking them, writing each durably to the spool (the point from which
// it is never lost), taking in files other processes dropped into queue/, and, in the holder, recovering
// the spool at start. Works over the message store and the dispatcher's intake side.
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { AccountProfile } from '../../shared/account';
import { composeRequestSchema, type ComposeRequest, type OutboxMessage } from '../../shared/message';
import { DirSyncer } from '../fs/dir-sync';
import type { Clock } from '../ports';
import { composeMessage } from './composer';
import type { Dispatcher } from './dispatcher';
import type { EngineAccounts, RawEnqueueRequest } from './engine-api';
import type { MessageStore, SpoolStore } from './message-store';
import { pickAccountOrFail, prepareRawSpool, whenToSend, writeToQueue } from './queue-drop';
import { recordFromSpool, toOutboxMessage, type MessageRecord } from './record';
import type { SpoolMeta } from './spool-file';
import { MESSAGE_SUFFIX, newMessageKey, type SpoolPaths } from './spool-paths';
import { scanQueue } from './spool-scan';
import { SpoolWatcher } from './spool-watcher';
import { TempFiles } from './temp-files';
import * as transition from './transitions';

/** A burst of drops into queue/ within this many milliseconds is taken in with one scan. */
const INGEST_DELAY_MS = 15;

/** What the intake needs of the store: the MessageStore, and recovery in the holder. */
export type IntakeStore = MessageStore & Pick<SpoolStore, 'recover' | 'settle'>;

/** What the intake needs of the dispatcher. */
export type IntakeDispatch = Pick<Dispatcher, 'keepBytes' | 'schedule' | 'scheduleAll' | 'moveToSent' | 'pump'>;

export interface IntakeDeps {
  paths: SpoolPaths;
  clock: Clock;
  accounts: EngineAccounts;
  reserveBytes: number;
}

export class Intake {
  private readonly dirs = new DirSyncer();
  private readonly temps: TempFiles;
  private watcher: SpoolWatcher | null = null;
  private ingestTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly store: IntakeStore,
    private readonly dispatcher: IntakeDispatch,
    private readonly deps: IntakeDeps,
  ) {
    this.temps = new TempFiles(deps.paths.tmp);
  }

  async enqueue(request: ComposeRequest): Promise<OutboxMessage> {
    const parsed = composeRequestSchema().safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('VALIDATION', { message: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}.` });
    }
    const valid = parsed.data;
    const account = await this.pickAccount(valid.accountId, valid.from);
    const now = this.deps.clock.now();
    const composed = await composeMessage(valid, account, new Date(now));
    return this.accept(
      {
        v: 1,
        id: newMessageKey(now),
        accountId: account.id,
        envelope: composed.envelope,
        messageId: composed.messageId,
        subject: composed.subject,
        from: composed.from,
        to: composed.to,
        cc: composed.cc,
        bccCount: composed.bccCount,
        createdAt: new Date(now).toISOString(),
        ...whenToSend(now, valid.scheduledAt, valid.delaySeconds),
      },
      composed.body,
    );
  }

  async enqueueRaw(request: RawEnqueueRequest): Promise<OutboxMessage> {
    const { meta, body } = await prepareRawSpool(request, this.deps.accounts, this.deps.clock.now());
    return this.accept(meta, body);
  }

  private pickAccount(accountId: string | undefined, from: string | undefined): Promise<AccountProfile> {
    return pickAccountOrFail(this.deps.accounts, accountId, from);
  }

  /** The durable point: once this resolves, the message survives a crash, a kill or a power cut. */
  private async accept(meta: SpoolMeta, body: Readable): Promise<OutboxMessage> {
    const info = await writeToQueue(
      {
        paths: this.deps.paths,
        reserveBytes: this.deps.reserveBytes,
        openTemp: () => this.temps.take(),
        syncQueue: () => this.dirs.sync(this.deps.paths.queue),
      },
      meta,
      body,
    );
    const record = recordFromSpool(info);
    if (info.bytes && this.store.holding) this.dispatcher.keepBytes(record.id, info.bytes);
    const accepted = toOutboxMessage(record);
    if (this.store.holding && !this.store.records.has(record.id)) this.adopt(record);
    this.dispatcher.pump();
    return accepted;
  }

  /** Records a message found in queue/ and makes it due when it is. */
  private adopt(record: MessageRecord): void {
    this.store.adopt(record);
    this.dispatcher.schedule(record);
  }

  /** Gathers a burst of drops into one scan of the queue folder. */
  private scheduleIngest(): void {
    if (this.ingestTimer) return;
    this.ingestTimer = setTimeout(() => {
      this.ingestTimer = null;
      void this.ingestNew();
    }, INGEST_DELAY_MS);
    this.ingestTimer.unref?.();
  }

  /** Takes in what other processes dropped into queue/ and this process does not know yet. */
  async ingestNew(): Promise<void> {
    if (!this.store.holding || this.stopping) return;
    const records = this.store.records;
    const scan = await scanQueue(this.deps.paths, (id) => records.has(id)).catch(() => null);
    if (!scan) return;
    for (const q of scan.quarantined) if (!records.has(q.record.id)) this.store.addQuarantined(q);
    for (const record of scan.found) if (!records.has(record.id)) this.adopt(record);
    this.dispatcher.pump();
  }

  // ---- in the holder --------------------------------------------------------------------------

  /** Watches queue/ for files other processes drop there (the `outbox` command, a second app). */
  watch(): void {
    this.watcher = new SpoolWatcher(this.deps.paths, {
      onQueue: (name) => {
        // Our own moves out of queue/ also raise events: only a name we do not know is news.
        if (name && name.endsWith(MESSAGE_SUFFIX) && this.store.records.has(name.slice(0, -MESSAGE_SUFFIX.length))) return;
        this.scheduleIngest();
      },
    });
  }

  /** Stops watching (the lock went to another process). */
  unwatch(): void {
    this.watcher?.close();
  }

  /** Brings the journal in line with the folders after a crash or a stop, then makes due messages ready. */
  async recover(compactNow: boolean): Promise<void> {
    const result = await this.store.recover(this.deps.clock.now());
    for (const q of result.quarantined) this.store.addQuarantined(q);
    for (const record of result.toMove) await this.dispatcher.moveToSent(record);
    for (const record of result.found) this.adopt(record);
    await this.releaseFixedAccounts();
    await this.store.settle(compactNow);
    this.dispatcher.scheduleAll();
  }

  /** Messages held for an account that was fixed while no sender ran (e.g. `outbox account password`) go back. */
  private async releaseFixedAccounts(): Promise<void> {
    const checked = new Map<string, boolean>();
    for (const record of this.store.records.values()) {
      if (record.state !== 'held' || record.holdReason !== 'account') continue;
      if (!checked.has(record.accountId)) checked.set(record.accountId, (await this.deps.accounts.get(record.accountId))?.status === 'ok');
      if (checked.get(record.accountId) && transition.releaseAccountHold(record, record.accountId)) void this.store.commit(record);
    }
  }

  /** Stops taking in drops; close() later, once nothing is being written. */
  stop(): void {
    this.stopping = true;
    this.watcher?.close();
    if (this.ingestTimer) clearTimeout(this.ingestTimer);
  }

  close(): Promise<void> {
    return this.temps.close();
  }
}
