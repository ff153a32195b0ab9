// Sending one message at a time per connection slot: the attempt itself, its outcome recorded in the
// journal, holding an account whose sign-in fails, progress for large messages, and moving sent files.
import { fileOps as fs } from '../fs/file-ops';
import type { AccountProfile } from '../../shared/account';
import { AppError, toErrorInfo } from '../../shared/errors';
import type { MessageState } from '../../shared/message';
import type { Clock, Connectivity, Credentials, Logger, MessageSender, SendResult } from '../ports';
import { BodyCache, bufferStream } from './body-cache';
import { CredentialsCache } from './credentials-cache';
import type { DueQueue } from './due-queue';
import type { EngineAccounts } from './engine-api';
import type { SentSearch } from '../imap/sent-search';
import type { MessageStore } from './message-store';
import { recordOutcome } from './outcome';
import { openAddresses, type MessageRecord } from './record';
import type { SentCopies } from './sent-copies';
import { ReadAhead, READ_AHEAD_MIN, type ReadAheadJob } from './read-ahead';
import { checkSpoolBody, INLINE_BODY, isSpoolDamage, type CheckedBody, type SpoolDamage } from './spool-file';
import { messageFile, type SpoolPaths } from './spool-paths';
import * as transition from './transitions';
import { named } from '../logging';

export const PROGRESS_MIN_BYTES = 256 * 1024;

export interface Flight {
  sent: number;
  total: number;
  lastEmit: number;
  releaseSlot(): void;
  done: Promise<void>;
}

/** What the dispatcher hears from the sending side: two signals, nothing of its state. */
export interface SendingSignals {
  /** A connection slot is free, or a retry is due at once: hand out more work. */
  pump(): void;
  /** A send is over and recorded. */
  settled(): void;
}

export interface SendingDeps {
  accounts: EngineAccounts;
  sender: MessageSender;
  connectivity: Connectivity;
  clock: Clock;
  logger: Logger;
  paths: SpoolPaths;
  queue: DueQueue;
  /** Looks for a message caught mid-send by a crash in the account's Sent folder (imap/sent-search.ts). */
  sentSearch?: SentSearch;
  /** Read at every outcome: the user may change it while messages wait. */
  lifetimeMs: () => number;
  autoSend: boolean;
  /** The Sent copies: a message accepted by the server is marked before that is recorded, copied after. */
  sentCopies: Pick<SentCopies, 'begin' | 'kick'> | null;
}

/** The same password login (a re-read that changed nothing is not worth a second refusal). */
function sameLogin(a: Credentials | null, b: Credentials | null): boolean {
  if (a === null || b === null) return a === b;
  return a.kind === 'password' && b.kind === 'password' && a.user === b.user && a.password === b.password;
}

/** After a look that found nothing worth a thread, this many messages go before the next look. */
const READ_AHEAD_REST = 64;

export class Sending {
  readonly inFlight = new Map<string, Flight>();
  /** Bytes of small messages this process just wrote, so sending them soon after needs no re-read. */
  readonly bodyCache = new BodyCache(32 * 1024 * 1024);
  /** Small bodies of a backlog, read and checked by a worker thread before their turn (read-ahead.ts). */
  readonly ahead = new ReadAhead();
  /** Turns of the pump to skip before looking for bodies to read ahead again. */
  private readAheadRest = 0;
  /** Each password account's login, read from the keychain once per burst (credentials-cache.ts). */
  readonly logins: CredentialsCache;
  private readonly pendingMoves: MessageRecord[] = [];
  private moving = false;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly store: MessageStore,
    private readonly deps: SendingDeps,
    private readonly signals: SendingSignals,
  ) {
    this.logins = new CredentialsCache((id) => deps.accounts.credentials(id), deps.clock);
  }

  /** Progress of a large message being sent, for the outbox list. */
  progressOf(id: string): { sent: number; total: number } | undefined {
    const flight = this.inFlight.get(id);
    return flight && flight.total >= PROGRESS_MIN_BYTES ? { sent: flight.sent, total: flight.total } : undefined;
  }

  get hasPendingMoves(): boolean {
    return this.pendingMoves.length > 0 && !this.moving;
  }

  /** The message is being removed: its file is no longer to be moved. */
  forget(record: MessageRecord): void {
    const index = this.pendingMoves.indexOf(record);
    if (index >= 0) this.pendingMoves.splice(index, 1);
    this.bodyCache.delete(record.id);
    this.ahead.forget(record.id);
  }

  dispatch(record: MessageRecord): void {
    const accountId = record.accountId;
    this.deps.queue.acquire(accountId);
    let slotHeld = true;
    // The connection slot is free once the server has answered; recording the result on disk
    // overlaps the next message instead of holding the connection idle.
    const releaseSlot = (): void => {
      if (!slotHeld) return;
      slotHeld = false;
      this.deps.queue.release(accountId);
      this.signals.pump();
    };
    const flight: Flight = { sent: 0, total: record.bodyLength, lastEmit: 0, done: Promise.resolve(), releaseSlot };
    this.inFlight.set(record.id, flight);
    flight.done = this.attempt(record, flight)
      .catch((error: unknown) => named(this.deps.logger, 'outbox').error(`${record.id}: ${String(error)}`))
      .finally(() => {
        this.inFlight.delete(record.id);
        releaseSlot();
        // A retry due at once (a provider's "fewer connections" is answered with a smaller pool) goes now: while
        // it was settling it was still in flight, so the pump could not take it.
        if (this.deps.autoSend && record.nextAttemptAt !== undefined && Date.parse(record.nextAttemptAt) <= this.deps.clock.now()) {
          this.deps.queue.schedule(record);
          this.signals.pump();
        }
        this.signals.settled();
      });
  }

  private async attempt(record: MessageRecord, flight: Flight): Promise<void> {
    const undoable = record.undoUntil !== undefined;
    const previousState = transition.beginAttempt(record);
    // Only the recipients still open: those who have the message never get it again.
    const to = openAddresses(record);
    // Written with the next batch rather than synced on its own: after a crash 'sending' and 'queued'
    // recover alike, and the mark lets a restart warn that this message may have gone out twice.
    // Like every transition it is reported once on disk; the send itself does not wait for that, except
    // after an undo window: a restart must know sending began, or Undo could restore mail that went out.
    const going = this.store.markGoing(record, undoable);
    if (undoable) await going;
    const startedAt = this.deps.clock.now();
    let result: SendResult;
    const account = await this.deps.accounts.get(record.accountId);
    if (!account) {
      result = {
        outcome: 'permanent',
        error: new AppError('ACCOUNT_NOT_FOUND', {
          message: `The account "${record.accountId}" this message was queued for no longer exists.`,
          next: 'Retry the message after adding the account again, or delete it.',
        }).toInfo(),
        transcript: [],
      };
    } else if (account.status !== 'ok') {
      // The account cannot sign in (password refused, or the OAuth grant is gone): hold, do not try.
      transition.returnFromAttempt(record, previousState);
      return this.holdForAccount(record, account.statusReason);
    } else if (record.interrupted && (await this.foundInSent(account, record))) {
      // The server filed it in Sent before the crash: it went out, so it is not sent again.
      result = {
        outcome: 'sent',
        reply: `Confirmed in your Sent folder: the server took ${record.messageId} before Outbox stopped.`,
        transcript: [`* Found ${record.messageId} in the Sent folder: not sent again.`],
      };
    } else {
      const outcome = await this.sendTo(account, record, to, flight);
      if (isSpoolDamage(outcome)) {
        flight.releaseSlot();
        return this.quarantine(record, outcome);
      }
      result = outcome;
    }
    flight.releaseSlot();
    await this.settle(record, result, startedAt, previousState, account, to);
  }

  /** Whether the account's Sent folder already holds a message a crash caught mid-send (null: cannot tell). */
  private async foundInSent(account: AccountProfile, record: MessageRecord): Promise<boolean> {
    delete record.interrupted;
    const search = this.deps.sentSearch;
    return search ? (await search(account, record.messageId).catch(() => null)) === true : false;
  }

  /**
   * The bytes to send: checked before every send against the length and SHA-256 recorded at enqueue
   * (streamed), except those this process wrote itself and still holds.
   */
  private async openBody(record: MessageRecord): Promise<CheckedBody> {
    const cached = this.bodyCache.get(record.id) ?? this.ahead.take(record.id);
    if (cached) return { open: () => bufferStream(cached), release: async () => {} };
    return checkSpoolBody(messageFile(this.deps.paths, record.id, 'queue'), record);
  }

  /**
   * Offers the next waiting messages (`next`, in the order they go) to the read-ahead: only small bodies
   * neither cached nor asked for already, and only when a backlog makes a thread worth it.
   */
  readAhead(next: Iterable<string>): void {
    // Nothing worth reading was near the front last time (bodies cached, a short queue): look again later, not
    // at every turn of the pump, which comes once per message.
    if (this.readAheadRest > 0) {
      this.readAheadRest--;
      return;
    }
    const ahead = this.ahead;
    if (!ahead.hungry) return;
    const room = ahead.room;
    const jobs: ReadAheadJob[] = [];
    let looked = 0;
    for (const id of next) {
      // Those asked for earlier come first in the order: never look further than they and the room reach.
      if (++looked > 2 * room + READ_AHEAD_MIN) break;
      if (ahead.has(id) || this.inFlight.has(id) || this.bodyCache.get(id)) continue;
      const record = this.store.records.get(id);
      if (!record || record.bodyLength > INLINE_BODY) continue;
      const file = messageFile(this.deps.paths, id, 'queue');
      jobs.push({ id, file, offset: record.bodyOffset, length: record.bodyLength, sha256: record.sha256 });
      if (jobs.length >= room) break;
    }
    if (ahead.running || jobs.length >= READ_AHEAD_MIN) ahead.want(jobs);
    else this.readAheadRest = READ_AHEAD_REST;
  }

  private async sendTo(account: AccountProfile, record: MessageRecord, to: string[], flight: Flight): Promise<SendResult | SpoolDamage> {
    let body: CheckedBody | undefined;
    try {
      body = await this.openBody(record);
      const checked = body;
      const attempt = (credentials: Credentials | null) =>
        this.deps.sender.send({
          account,
          credentials,
          envelope: { from: record.envelope.from, to },
          size: record.bodyLength,
          openMessage: () => checked.open(),
          // Counting bytes costs a stream stage per message: only large messages get progress bars.
          ...(record.bodyLength >= PROGRESS_MIN_BYTES ? { onProgress: (sent: number) => this.progress(record.id, flight, sent) } : {}),
        });
      const login = await this.logins.get(account);
      const result = await attempt(login.credentials);
      if (result.outcome !== 'auth' || !login.cached) return result;
      // Refused with a login read earlier in the burst: the password may have changed since. Read it again, once.
      this.logins.forget(account.id);
      const fresh = (await this.logins.get(account)).credentials;
      return sameLogin(fresh, login.credentials) ? result : await attempt(fresh);
    } catch (error) {
      if (isSpoolDamage(error)) return error;
      const info = toErrorInfo(error);
      // A refused OAuth refresh is a sign-in failure like a refused password: hold, never fail the message.
      if (info.code === 'OAUTH_REFRESH_REVOKED') return { outcome: 'auth', error: info, transcript: [] };
      return { outcome: info.retryable || info.code === 'KEYCHAIN_UNAVAILABLE' ? 'temporary' : 'permanent', error: info, transcript: [] };
    } finally {
      await body?.release();
    }
  }

  private progress(id: string, flight: Flight, sent: number): void {
    flight.sent = sent;
    const now = Date.now();
    if (now - flight.lastEmit < 200 && sent < flight.total) return;
    flight.lastEmit = now;
    this.store.emit({ type: 'progress', id, sent, total: flight.total });
  }

  private async settle(
    record: MessageRecord,
    result: SendResult,
    startedAt: number,
    previousState: MessageState,
    account: AccountProfile | undefined,
    sentTo: string[],
  ): Promise<void> {
    const verdict = recordOutcome(record, result, {
      sentTo,
      startedAt,
      now: this.deps.clock.now(),
      previousState,
      lifetimeMs: this.deps.lifetimeMs(),
      online: this.deps.connectivity.isOnline(),
    });
    if (verdict !== 'offline' && verdict !== 'retry') this.bodyCache.delete(record.id);
    if (verdict === 'sent' && account) this.deps.sentCopies?.begin(record, account);
    await this.store.commit(record, verdict !== 'offline');
    switch (verdict) {
      case 'sent':
        // Moving the file is housekeeping: done when the engine is idle, so it never slows a flush.
        this.pendingMoves.push(record);
        // Only this message's copy can have become due (kick looks at every record: not once per message of a flush).
        if (record.sentCopy?.state === 'pending') this.deps.sentCopies?.kick();
        return;
      case 'retry':
        if (this.deps.autoSend) this.deps.queue.schedule(record);
        return;
      case 'auth': {
        const reason = result.error?.reply ?? result.error?.message;
        // A revoked OAuth grant needs the browser sign-in again, not a new password.
        // So does a password account whose provider retired passwords (Microsoft's 5.7.139 / 5.7.30).
        const status =
          result.error?.code === 'OAUTH_REFRESH_REVOKED' || result.error?.code === 'SMTP_PASSWORD_RETIRED'
            ? 'needs-sign-in'
            : 'needs-attention';
        await this.deps.accounts.setStatus(record.accountId, status, reason);
        this.store.emit({ type: 'account', accountId: record.accountId, status, ...(reason ? { reason } : {}) });
        return this.holdForAccount(record, reason);
      }
      default:
        return;
    }
  }

  /** The account cannot sign in: hold its waiting messages instead of hammering the server. */
  private async holdForAccount(record: MessageRecord, reason: string | undefined): Promise<void> {
    const error = new AppError('ACCOUNT_NEEDS_ATTENTION', reason ? { reply: reason } : {}).toInfo();
    const commits: Promise<void>[] = [];
    for (const other of this.store.records.values()) {
      if (other.accountId !== record.accountId || (this.inFlight.has(other.id) && other !== record)) continue;
      if (!transition.holdForAccount(other, error, other === record)) continue;
      this.deps.queue.remove(other);
      commits.push(this.store.commit(other));
    }
    await Promise.all(commits);
  }

  /** Its stored bytes are not what was taken in: it is not sent, and is kept as quarantined. */
  private async quarantine(record: MessageRecord, damage: SpoolDamage): Promise<void> {
    this.deps.queue.remove(record);
    this.forget(record);
    await this.store.quarantine(record, damage);
  }

  /** Moves the waiting sent files to sent/ unless a send is under way; one drain at a time, shared by its callers. */
  drainMoves(): Promise<void> {
    this.draining ??= this.drainLoop().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private async drainLoop(): Promise<void> {
    this.moving = true;
    try {
      while (this.pendingMoves.length > 0 && this.inFlight.size === 0) await this.moveToSent(this.pendingMoves.shift()!);
    } finally {
      this.moving = false;
    }
  }

  async moveToSent(record: MessageRecord): Promise<void> {
    // The journal already says sent; losing this rename in a crash is repaired at the next start.
    await fs
      .rename(messageFile(this.deps.paths, record.id, 'queue'), messageFile(this.deps.paths, record.id, 'sent'))
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') named(this.deps.logger, 'outbox').warn(`${record.id}: could not move to sent/: ${error.code}`);
      });
  }
}
