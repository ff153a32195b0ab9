// The dispatcher: which waiting message goes next (the due queue), handing due messages to the sending
// side within each account's limit, telling idle() waiters when nothing is left to do, and the user's
// commands as the sender-lock holder applies them. It works over the MessageStore and never calls back
// into the engine that owns it.
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { isWaiting } from '../../shared/message-states';
import { DueQueue } from './due-queue';
import type { MessageStore } from './message-store';
import type { MessageRecord } from './record';
import type { SentCopies } from './sent-copies';
import { Sending, type SendingDeps } from './sending';
import * as transition from './transitions';

export interface DispatcherDeps extends Omit<SendingDeps, 'queue'> {
  /** Messages handed to the sender at once per account. */
  concurrency: number;
  /** The Sent copies: marked and started by the sending side; flush retries those waiting too. */
  sentCopies: Pick<SentCopies, 'begin' | 'kick' | 'flush'> | null;
}

export class Dispatcher {
  private readonly queue: DueQueue;
  private readonly sending: Sending;
  private readonly idleWaiters: (() => void)[] = [];
  private stopping = false;

  constructor(
    private readonly store: MessageStore,
    private readonly deps: DispatcherDeps,
  ) {
    this.queue = new DueQueue(deps.clock, () => this.refreshSchedule());
    this.sending = new Sending(store, { ...deps, queue: this.queue }, { pump: () => this.pump(), settled: () => this.checkIdle() });
  }

  /** Progress of a large message being sent, for the outbox list. */
  progressOf(id: string): { sent: number; total: number } | undefined {
    return this.sending.progressOf(id);
  }

  /** Bytes this process just wrote: sending the message soon after needs no re-read. */
  keepBytes(id: string, bytes: Buffer): void {
    this.sending.bodyCache.set(id, bytes);
  }

  /** A message taken in becomes due at its time (when sending by itself). */
  schedule(record: MessageRecord): void {
    if (this.deps.autoSend) this.queue.schedule(record);
  }

  /** After recovery, every waiting message is scheduled (when sending by itself). */
  scheduleAll(): void {
    if (this.deps.autoSend) this.refreshSchedule();
  }

  /** A sent message whose file recovery found still in queue/. */
  moveToSent(record: MessageRecord): Promise<void> {
    return this.sending.moveToSent(record);
  }

  /** Another process took the sender lock: nothing is due here any more. */
  clear(): void {
    this.queue.clear();
    this.sending.ahead.clear();
  }

  /** Stops handing out work (sends under way go on: finishSends waits for them). */
  stop(): void {
    this.stopping = true;
    this.queue.resetTimer();
    void this.sending.ahead.close();
  }

  /** Waits up to `graceMs` for the sends under way. */
  async finishSends(graceMs: number): Promise<void> {
    const inFlight = [...this.sending.inFlight.values()].map((f) => f.done);
    if (inFlight.length > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(inFlight), new Promise((r) => (timeout = setTimeout(r, graceMs)))]);
      clearTimeout(timeout);
    }
  }

  /** Moves sent files to sent/ unless a send is still under way. */
  async finishMoves(): Promise<void> {
    if (this.sending.inFlight.size === 0) await this.sending.drainMoves();
  }

  /** No send awaits its server and none is due: whatever is recorded now is the last of this burst. */
  quiet(): boolean {
    return !this.queue.busyAny && !(this.canSend() && this.queue.hasReady());
  }

  // ---- idle -----------------------------------------------------------------------------------

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    if (this.sending.inFlight.size > 0) return false;
    if (!this.canSend()) return true;
    return !this.queue.hasReady();
  }

  private checkIdle(): void {
    // Moving sent files to sent/ is housekeeping, not work a flush waits for: a file may move after idle().
    if (this.sending.inFlight.size === 0 && this.sending.hasPendingMoves) void this.sending.drainMoves();
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  // ---- commands, as the holder applies them ---------------------------------------------------

  private must(id: string): MessageRecord {
    const record = this.store.records.get(id);
    if (!record) throw new AppError('MESSAGE_NOT_FOUND', { message: `There is no message "${id}" in the outbox.` });
    return record;
  }

  flush(): void {
    const now = this.deps.clock.now();
    for (const record of this.store.records.values()) {
      if (!isWaiting(record.state) || this.sending.inFlight.has(record.id)) continue;
      if (record.state === 'scheduled' && record.scheduledAt && Date.parse(record.scheduledAt) > now) continue;
      transition.dueNow(record);
      this.queue.add(record);
    }
    this.pump();
    // Copies in Sent waiting for a retry go now too: a flush leaves nothing of its own for later.
    this.deps.sentCopies?.flush();
  }

  async sendNow(id: string): Promise<OutboxMessage> {
    const record = this.must(id);
    // Already going out: Send now waits for that attempt.
    if (!this.sending.inFlight.has(id)) {
      if (transition.prepareSendNow(record)) await this.store.commit(record);
      this.queue.add(record);
      this.pump();
    }
    // Wait for this one attempt (or report it still waiting when sending is paused).
    await this.sending.inFlight.get(id)?.done;
    return this.store.view(record);
  }

  async retry(id: string): Promise<OutboxMessage> {
    const record = this.must(id);
    transition.retry(record, this.deps.clock.now());
    await this.store.commit(record);
    this.queue.add(record);
    this.pump();
    return this.store.view(record);
  }

  async hold(id: string): Promise<OutboxMessage> {
    const record = this.must(id);
    transition.hold(record);
    this.unqueue(record);
    await this.store.commit(record);
    return this.store.view(record);
  }

  async cancel(id: string): Promise<OutboxMessage> {
    const record = this.must(id);
    transition.cancel(record, this.sending.inFlight.has(id));
    this.unqueue(record);
    await this.store.commit(record);
    return this.store.view(record);
  }

  async undo(id: string): Promise<OutboxMessage> {
    const record = this.must(id);
    // Checked and held in one turn: a dispatch (which marks it 'sending' at once) cannot come in between.
    transition.undo(record, this.sending.inFlight.has(id));
    this.unqueue(record);
    await this.store.commit(record);
    return this.store.view(record);
  }

  async remove(id: string): Promise<void> {
    const record = this.must(id);
    transition.checkRemove(record, this.sending.inFlight.has(id));
    this.sending.forget(record);
    // Out of the queue before its file moves aside, so no dispatch can take it meanwhile.
    this.queue.remove(record);
    await this.store.remove(record);
  }

  accountChanged(account: AccountProfile): void {
    this.deps.sender.reset(account.id);
    this.sending.logins.forget(account.id);
    if (account.status !== 'ok') return;
    for (const record of this.store.records.values()) {
      if (!transition.releaseAccountHold(record, account.id)) continue;
      void this.store.commit(record);
      this.queue.add(record);
    }
    this.pump();
  }

  /** Out of the due queue, and no body read ahead for it. */
  private unqueue(record: MessageRecord): void {
    this.queue.remove(record);
    this.sending.ahead.forget(record.id);
  }

  // ---- scheduling -----------------------------------------------------------------------------

  private canSend(): boolean {
    return this.store.holding && !this.stopping && this.deps.connectivity.isOnline() && this.store.healthy;
  }

  private refreshSchedule(): void {
    this.queue.resetTimer();
    for (const record of this.store.records.values()) if (!this.sending.inFlight.has(record.id)) this.queue.schedule(record);
    this.pump();
  }

  /** Back online: failures while the network was flaky say little, so everything waiting goes now. */
  reconnected(): void {
    if (!this.store.holding) return;
    for (const record of this.store.records.values()) {
      if (record.state === 'queued' && record.nextAttemptAt && this.deps.autoSend) {
        transition.dueNow(record);
        this.queue.add(record);
      }
    }
    this.pump();
  }

  /** Hands due messages to the sending side, up to the per-account limit. */
  pump(): void {
    if (this.canSend()) {
      for (const id of this.queue.take(this.deps.concurrency)) {
        const record = this.store.records.get(id);
        if (!record || !isWaiting(record.state) || this.sending.inFlight.has(id)) continue;
        this.sending.dispatch(record);
      }
      this.sending.readAhead(this.queue.peek());
    }
    this.checkIdle();
  }
}
