// The outbox engine: a small facade over its parts. The message store (records, journal, events), the
// intake (messages taken in durably, drops from other processes, recovery at start), the dispatcher (due
// queue, sending, the user's commands) and the link to the process that holds the sender lock.
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { ComposeRequest, MessageState, OutboxEvent, OutboxMessage, PacingStatus } from '../../shared/message';
import { FINISHED_STATES } from '../../shared/message-states';
import { systemClock, silentLogger } from '../ports';
import type { SendingLimits } from '../providers/sending-profiles';
import { DEFAULT_LIFETIME_MS } from './backoff';
import { Dispatcher } from './dispatcher';
import type { EngineOptions, EngineRole, ListFilter, OutboxEngine, RawEnqueueRequest } from './engine-api';
import { HolderLink } from './holder-link';
import { Intake } from './intake';
import { DEFAULT_RESERVE_BYTES } from './journal';
import { SpoolStore, type BytesLocation } from './message-store';
import { Pacing } from './pacing';
import { requestHandlers } from './requests';
import { SentCopies } from './sent-copies';
import { ensureSpool, spoolPaths, type SpoolPaths } from './spool-paths';

/** How long stop() waits for sends (and Sent copies) under way, unless told otherwise. */
const STOP_GRACE_MS = 20_000;
/** How often waitFor() reads the disk in a process that does not hold the journal. */
const WAIT_POLL_MS = 200;

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
  private readonly store: SpoolStore;
  private readonly intake: Intake;
  private readonly dispatcher: Dispatcher;
  private readonly link: HolderLink;
  private readonly sentCopies: SentCopies | null = null;
  /** Provider limits per account (null when pacing is off). */
  private readonly pacing: Pacing | null;
  private unsubscribeConnectivity: (() => void) | null = null;
  private stopping = false;
  private started = false;

  constructor(private readonly options: EngineOptions & { autoSend?: boolean; reserveBytes?: number }) {
    this.paths = spoolPaths(options.dataDir);
    const clock = options.clock ?? systemClock;
    const logger = options.logger ?? silentLogger;
    const lifetime = options.lifetimeMs ?? DEFAULT_LIFETIME_MS;
    const autoSend = options.autoSend ?? true;
    const reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
    this.store = new SpoolStore({
      paths: this.paths,
      clock,
      logger,
      reserveBytes,
      progressOf: (id) => this.dispatcher.progressOf(id),
      quiet: () => this.dispatcher.quiet(),
    });
    if (options.sentCopy) {
      this.sentCopies = new SentCopies(
        {
          records: () => this.store.records,
          commit: (record) => this.store.commit(record),
          openBytes: (record) => this.store.openBytes(record),
        },
        { writer: options.sentCopy, accounts: options.accounts, connectivity: options.connectivity, clock, logger },
      );
    }
    // Every account is paced by its provider's profile unless the caller turns it off.
    this.pacing =
      options.pacing === false
        ? null
        : new Pacing({
            clock,
            records: () => this.store.records.values(),
            limitsFor: options.pacing?.limitsFor ?? limitsOfLazily,
            onStatus: (accountId, status) => this.store.emit({ type: 'pacing', accountId, status }),
            logger,
          });
    this.dispatcher = new Dispatcher(this.store, {
      accounts: options.accounts,
      sender: this.pacing ? this.pacing.wrap(options.sender) : options.sender,
      ...(options.sentSearch ? { sentSearch: options.sentSearch } : {}),
      connectivity: options.connectivity,
      clock,
      logger,
      paths: this.paths,
      lifetimeMs: typeof lifetime === 'function' ? lifetime : () => lifetime,
      autoSend,
      sentCopies: this.sentCopies,
      // Twice the pool's connections, so a connection that finishes finds the next message already waiting.
      concurrency: options.concurrencyPerAccount ?? 10,
    });
    this.intake = new Intake(this.store, this.dispatcher, { paths: this.paths, clock, accounts: options.accounts, reserveBytes });
    this.link = new HolderLink({
      root: this.paths.root,
      mode: options.mode,
      autoSend,
      channelDelayMs: options.channelDelayMs,
      logger,
      holding: () => this.store.holding,
      become: () => this.becomeSender(),
      reachable: (late) => {
        this.intake.watch();
        if (late) void this.intake.ingestNew();
      },
      handlers: () =>
        requestHandlers(
          this,
          (id) => this.options.accounts.get(id),
          async (id) => {
            // The request may name a message dropped a moment ago that the watcher has not reported yet.
            if (!this.store.records.has(id)) await this.intake.ingestNew();
          },
        ),
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
    await this.intake.recover(damaged);
    this.sentCopies?.kick();
  }

  /** Another process took the sender lock: this one stops sending and reads from disk again. */
  private lostLock(): void {
    this.store.stopHolding();
    this.intake.unwatch();
    this.dispatcher.clear();
  }

  async stop(options: { graceMs?: number } = {}): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.dispatcher.stop();
    this.unsubscribeConnectivity?.();
    this.intake.stop();
    await this.link.close();
    const grace = options.graceMs ?? STOP_GRACE_MS;
    await this.dispatcher.finishSends(grace);
    // A copy under way is given the same grace; one cut off resumes at the next start, without a duplicate.
    await this.sentCopies?.stop(grace);
    await this.dispatcher.finishMoves();
    await this.intake.close();
    await this.store.close();
    await this.options.sender.close();
    await this.link.release();
  }

  // ---- taking messages in ----------------------------------------------------------------------

  enqueue(request: ComposeRequest): Promise<OutboxMessage> {
    return this.intake.enqueue(request);
  }

  enqueueRaw(request: RawEnqueueRequest): Promise<OutboxMessage> {
    return this.intake.enqueueRaw(request);
  }

  // ---- reading ---------------------------------------------------------------------------------

  list(filter: ListFilter = {}): Promise<OutboxMessage[]> {
    return this.store.list(filter);
  }

  get(id: string): Promise<OutboxMessage | undefined> {
    return this.store.get(id);
  }

  bytesOf(id: string): Promise<BytesLocation | undefined> {
    return this.store.bytesOf(id);
  }

  on(listener: (event: OutboxEvent) => void): () => void {
    return this.store.on(listener);
  }

  pacingOf(accountId: string): PacingStatus | null {
    return this.pacing?.statusOf(accountId) ?? null;
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
      if (this.role !== 'sender') poll = setInterval(() => void check(), WAIT_POLL_MS);
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
