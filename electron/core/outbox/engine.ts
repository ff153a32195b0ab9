// The outbox engine: accepts messages durably, recovers the spool at start, and, in the one process that
// holds the sender lock, sends due messages per account, records every attempt, and schedules retries.
import path from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { AccountProfile } from '../../shared/account';
import { composeRequestSchema, type ComposeRequest, type MessageState, type OutboxEvent, type OutboxMessage } from '../../shared/message';
import { DirSyncer } from '../fs/dir-sync';
import { systemClock, silentLogger, type Clock } from '../ports';
import { DEFAULT_LIFETIME_MS } from './backoff';
import { attachmentError, composeMessage } from './composer';
import type { EngineOptions, EngineRole, ListFilter, OutboxEngine, RawEnqueueRequest } from './engine-api';
import { DEFAULT_RESERVE_BYTES, ensureReserve } from './journal';
import { prepareRawMessage } from './raw-message';
import { recordFromSpool, toOutboxMessage, type MessageRecord } from './record';
import { SpoolStore } from './message-store';
import { requestHandlers } from './requests';
import { HolderLink } from './holder-link';
import { writeSpoolFile, type SpoolMeta } from './spool-file';
import { ensureSpool, newMessageKey, spoolPaths, type SpoolPaths } from './spool-paths';
import { scanQueue } from './spool-scan';
import { SpoolWatcher } from './spool-watcher';
import { Dispatcher } from './dispatcher';
import { FINISHED_STATES } from '../../shared/message-states';
import { TempFiles } from './temp-files';
import * as transition from './transitions';
import { SentCopies } from './sent-copies';
import { Pacing } from './pacing';
import type { SendingLimits } from '../providers/sending-profiles';

/** A scheduled time as given, else Undo send's delay: the same wait, marked as an undo window. */
function whenToSend(now: number, scheduledAt: string | undefined, delaySeconds: number | undefined): Pick<SpoolMeta, 'scheduledAt' | 'undoUntil'> {
  if (scheduledAt) return { scheduledAt: new Date(scheduledAt).toISOString() };
  if (!delaySeconds || delaySeconds <= 0) return {};
  const until = new Date(now + delaySeconds * 1000).toISOString();
  return { scheduledAt: until, undoUntil: until };
}

let sendingProfiles: typeof import('../providers/sending-profiles') | undefined;

/**
 * The provider profiles (and the domain tables they match with) load at the first send, not with the engine:
 * `outbox send --queue-only`, `queue` and `show` never send, and start once per call.
 */
function limitsOfLazily(account: AccountProfile): SendingLimits | Promise<SendingLimits> {
  if (sendingProfiles) return sendingProfiles.limitsOf(account);
  return import('../providers/sending-profiles').then((loaded) => (sendingProfiles = loaded).limitsOf(account));
}

export class Outbox implements OutboxEngine {
  private readonly paths: SpoolPaths;
  private readonly clock: Clock;
  private readonly logger;
  private readonly lifetimeMs: () => number;
  private readonly autoSend: boolean;
  private readonly reserveBytes: number;
  private readonly dirs = new DirSyncer();
  private readonly temps: TempFiles;
  private readonly sentCopies: SentCopies | null = null;
  private readonly link: HolderLink;
  private readonly store: SpoolStore;
  private readonly dispatcher: Dispatcher;
  private watcher: SpoolWatcher | null = null;
  private unsubscribeConnectivity: (() => void) | null = null;
  private stopping = false;
  private started = false;
  /** Provider limits per account (null when pacing is off). */
  readonly pacing: Pacing | null;

  constructor(private readonly options: EngineOptions & { autoSend?: boolean; reserveBytes?: number }) {
    this.paths = spoolPaths(options.dataDir);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    const lifetime = options.lifetimeMs ?? DEFAULT_LIFETIME_MS;
    this.lifetimeMs = typeof lifetime === 'function' ? lifetime : () => lifetime;
    this.autoSend = options.autoSend ?? true;
    this.reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
    this.store = new SpoolStore({ paths: this.paths, clock: this.clock, logger: this.logger, reserveBytes: this.reserveBytes, progressOf: (id) => this.dispatcher.progressOf(id) });
    this.temps = new TempFiles(this.paths.tmp);
    if (options.sentCopy) {
      this.sentCopies = new SentCopies(
        { records: () => this.store.records, commit: (record) => this.store.commit(record), openBytes: (record) => this.store.openBytes(record) },
        { writer: options.sentCopy, accounts: options.accounts, connectivity: options.connectivity, clock: this.clock, logger: this.logger },
      );
    }
    // Every account is paced by its provider's profile unless the caller turns it off.
    this.pacing =
      options.pacing === false
        ? null
        : new Pacing({
            clock: this.clock,
            records: () => this.store.records.values(),
            limitsFor: options.pacing?.limitsFor ?? limitsOfLazily,
            onStatus: (accountId, status) => this.store.emit({ type: 'pacing', accountId, status }),
            logger: this.logger,
          });
    this.dispatcher = new Dispatcher(this.store, {
      accounts: options.accounts,
      sender: this.pacing ? this.pacing.wrap(options.sender) : options.sender,
      connectivity: options.connectivity,
      clock: this.clock,
      logger: this.logger,
      paths: this.paths,
      lifetimeMs: this.lifetimeMs,
      autoSend: this.autoSend,
      sentCopies: this.sentCopies,
      // Twice the pool's connections, so a connection that finishes finds the next message already waiting.
      concurrency: options.concurrencyPerAccount ?? 10,
    });
    this.link = new HolderLink({
      root: this.paths.root,
      mode: options.mode,
      autoSend: this.autoSend,
      logger: this.logger,
      holding: () => this.store.holding,
      become: () => this.becomeSender(),
      handlers: () =>
        requestHandlers(this, (id) => this.options.accounts.get(id), async (id) => {
          // The request may name a message dropped a moment ago that the watcher has not reported yet.
          if (!this.store.records.has(id)) await this.ingestNew();
        }),
      serving: () => this.dispatcher.pump(),
      lost: () => this.lostLock(),
    });
  }

  // ---- life cycle ------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    if (this.options.mode === 'reader') return;
    await ensureSpool(this.paths);
    await this.link.start();
    this.unsubscribeConnectivity = this.options.connectivity.onChange((online) => {
      this.store.emit({ type: 'connectivity', online });
      if (online) {
        this.dispatcher.reconnected();
        this.sentCopies?.kick();
      }
    });
  }

  get role(): EngineRole {
    return this.link.role;
  }

  /** Takes over as the holder (the link calls this once it has the sender lock). */
  private async becomeSender(): Promise<void> {
    const damaged = await this.store.open();
    await this.recover(damaged);
    this.sentCopies?.kick();
    this.watcher = new SpoolWatcher(this.paths, {
      onQueue: (name) => {
        // Our own moves out of queue/ also raise events: only a name we do not know is news.
        if (name && name.endsWith('.msg') && this.store.records.has(name.slice(0, -4))) return;
        this.scheduleIngest();
      },
    });
  }

  /** Brings the journal in line with the folders after a crash or a stop, then makes due messages ready. */
  private async recover(compactNow: boolean): Promise<void> {
    const result = await this.store.recover(this.clock.now());
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
      if (!checked.has(record.accountId)) checked.set(record.accountId, (await this.options.accounts.get(record.accountId))?.status === 'ok');
      if (checked.get(record.accountId) && transition.releaseAccountHold(record, record.accountId)) void this.store.commit(record);
    }
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.dispatcher.stop();
    this.unsubscribeConnectivity?.();
    this.watcher?.close();
    await this.link.close();
    if (this.ingestTimer) clearTimeout(this.ingestTimer);
    const grace = options.graceMs ?? 20_000;
    await this.dispatcher.finishSends(grace);
    // A copy under way is given the same grace; one cut off resumes at the next start, without a duplicate.
    await this.sentCopies?.stop(grace);
    await this.dispatcher.finishMoves();
    await this.temps.close();
    await this.store.close();
    await this.options.sender.close();
    await this.link.release();
  }

  /** Another process took the sender lock: this one stops sending and reads from disk again. */
  private lostLock(): void {
    this.store.stopHolding();
    this.watcher?.close();
    this.dispatcher.clear();
  }

  // ---- accepting messages ----------------------------------------------------------------------

  async enqueue(request: ComposeRequest): Promise<OutboxMessage> {
    const parsed = composeRequestSchema.safeParse(request);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('VALIDATION', { message: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}.` });
    }
    const valid = parsed.data;
    const account = await this.pickAccount(valid.accountId, valid.from);
    const now = this.clock.now();
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
    const now = this.clock.now();
    const prepared = await prepareRawMessage(request, (accountId, from) => this.pickAccount(accountId, from), new Date(now));
    return this.accept(
      {
        v: 1,
        id: newMessageKey(now),
        createdAt: new Date(now).toISOString(),
        ...prepared.meta,
        ...whenToSend(now, request.scheduledAt, request.delaySeconds),
      },
      prepared.body,
    );
  }

  private async pickAccount(accountId: string | undefined, from: string | undefined): Promise<AccountProfile> {
    const account = await this.options.accounts.pick({ ...(accountId ? { accountId } : {}), ...(from ? { from } : {}) });
    if (!account) {
      throw new AppError('ACCOUNT_NOT_FOUND', {
        message: accountId ? `There is no account "${accountId}".` : 'No account is set up to send from.',
        next: 'Add an account first (outbox account add …, or Settings in the app).',
      });
    }
    return account;
  }

  /** The durable point: once this resolves, the message survives a crash, a kill or a power cut. */
  private async accept(meta: SpoolMeta, body: Readable): Promise<OutboxMessage> {
    const name = `${meta.id}.msg`;
    // Without the journal's reserve, accepting more mail could leave no room to record what happens to it.
    if (!(await ensureReserve(this.paths.state, this.reserveBytes))) {
      body.destroy();
      throw new AppError('DISK_FULL', { detail: this.paths.root });
    }
    let info;
    try {
      info = await writeSpoolFile(() => this.temps.take(), path.join(this.paths.queue, name), meta, body);
    } catch (error) {
      throw attachmentError((error as AppError).cause ?? error) ?? error;
    }
    await this.dirs.sync(this.paths.queue);
    const record = recordFromSpool(info);
    if (info.bytes && this.role === 'sender') this.dispatcher.keepBytes(record.id, info.bytes);
    const accepted = toOutboxMessage(record);
    if (this.role === 'sender' && !this.store.records.has(record.id)) this.adopt(record);
    this.dispatcher.pump();
    return accepted;
  }

  /** Records a message found in queue/ and makes it due when it is. */
  private adopt(record: MessageRecord): void {
    this.store.adopt(record);
    this.dispatcher.schedule(record);
  }

  private ingestTimer: NodeJS.Timeout | null = null;

  /** Gathers a burst of drops into one scan of the queue folder. */
  private scheduleIngest(): void {
    if (this.ingestTimer) return;
    this.ingestTimer = setTimeout(() => {
      this.ingestTimer = null;
      void this.ingestNew();
    }, 15);
    this.ingestTimer.unref?.();
  }

  private async ingestNew(): Promise<void> {
    if (this.role !== 'sender' || this.stopping) return;
    const records = this.store.records;
    const scan = await scanQueue(this.paths, (id) => records.has(id)).catch(() => null);
    if (!scan) return;
    for (const q of scan.quarantined) if (!records.has(q.record.id)) this.store.addQuarantined(q);
    for (const record of scan.found) if (!records.has(record.id)) this.adopt(record);
    this.dispatcher.pump();
  }

  // ---- reading ---------------------------------------------------------------------------------

  list(filter: ListFilter = {}): Promise<OutboxMessage[]> {
    return this.store.list(filter);
  }

  get(id: string): Promise<OutboxMessage | undefined> {
    return this.store.get(id);
  }

  /** Where the exact bytes of a message are, for the Sent copy and for `outbox show --raw`. */
  bytesOf(id: string): Promise<{ file: string; offset: number; length: number } | undefined> {
    return this.store.bytesOf(id);
  }

  on(listener: (event: OutboxEvent) => void): () => void {
    return this.store.on(listener);
  }

  waitFor(id: string, states: readonly MessageState[] = FINISHED_STATES): Promise<OutboxMessage> {
    return new Promise((resolve, reject) => {
      let poll: NodeJS.Timeout | null = null;
      const off = this.on((event) => {
        if (event.type === 'changed' && event.message.id === id && states.includes(event.message.state)) finish(event.message);
      });
      const finish = (message: OutboxMessage | undefined, error?: AppError): void => {
        off();
        if (poll) clearInterval(poll);
        if (message) resolve(message);
        else reject(error ?? new AppError('MESSAGE_NOT_FOUND'));
      };
      const check = async (): Promise<void> => {
        const message = await this.get(id);
        if (!message) finish(undefined);
        else if (states.includes(message.state)) finish(message);
      };
      void check();
      // In another process's outbox, changes show up only on disk.
      if (this.role !== 'sender') poll = setInterval(() => void check(), 200);
    });
  }

  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  // ---- commands (the holder applies them; others ask the holder) -------------------------------

  async flush(): Promise<void> {
    await this.link.viaHolder({ op: 'flush' }, async () => {
      this.dispatcher.flush();
      return undefined;
    });
  }

  async sendNow(id: string): Promise<OutboxMessage> {
    return (await this.link.viaHolder({ op: 'sendNow', id }, () => this.dispatcher.sendNow(id)))!;
  }

  async retry(id: string): Promise<OutboxMessage> {
    return (await this.link.viaHolder({ op: 'retry', id }, () => this.dispatcher.retry(id)))!;
  }

  async hold(id: string): Promise<OutboxMessage> {
    return (await this.link.viaHolder({ op: 'hold', id }, () => this.dispatcher.hold(id)))!;
  }

  async cancel(id: string): Promise<OutboxMessage> {
    return (await this.link.viaHolder({ op: 'cancel', id }, () => this.dispatcher.cancel(id)))!;
  }

  async undo(id: string): Promise<OutboxMessage> {
    return (await this.link.viaHolder({ op: 'undo', id }, () => this.dispatcher.undo(id)))!;
  }

  async remove(id: string): Promise<void> {
    await this.link.viaHolder({ op: 'remove', id }, async () => {
      await this.dispatcher.remove(id);
      return undefined;
    });
  }

  accountChanged(account: AccountProfile): void {
    if (this.role !== 'sender') {
      void this.link.viaHolder({ op: 'accountChanged', id: account.id }, async () => undefined).catch(() => {});
      return;
    }
    this.dispatcher.accountChanged(account);
  }
}
