// The copy of each sent message in the account's Sent folder: its own state (pending, saved, failed),
// its own retries with backoff, and never a reason to send the mail again. Runs in the sender process.
import { AppError } from '../../shared/errors';
import type { AccountProfile } from '../../shared/account';
import type { Clock, Connectivity, Logger, SentCopyResult, SentCopyWriter } from '../ports';
import { retryDelay } from './backoff';
import type { EngineAccounts } from './engine-api';
import type { MessageRecord } from './record';
import { isSpoolDamage } from './spool-file';
import type { Readable } from 'node:stream';
import { named } from '../logging';

/** Copies run one or two at a time: an IMAP APPEND is slow and servers limit connections. */
const CONCURRENCY = 2;
/** After this long without success a copy is given up (the mail itself was sent long ago). */
const COPY_LIFETIME_MS = 3 * 24 * 3_600_000;

export interface SentCopiesHost {
  records(): Map<string, MessageRecord>;
  commit(record: MessageRecord): Promise<void>;
  /** A fresh stream of the message's exact bytes, wherever its file is now. */
  openBytes(record: MessageRecord): Promise<Readable>;
}

export class SentCopies {
  private readonly running = new Map<string, Promise<void>>();
  private timer: { cancel(): void } | null = null;
  private stopped = false;

  constructor(
    private readonly host: SentCopiesHost,
    private readonly deps: { writer: SentCopyWriter; accounts: EngineAccounts; connectivity: Connectivity; clock: Clock; logger: Logger },
  ) {}

  /** Marks a message that is about to be recorded as sent: its copy is pending if the account keeps one. */
  begin(record: MessageRecord, account: AccountProfile): void {
    if (account.sentCopy.enabled) record.sentCopy = { state: 'pending', attempts: 0 };
  }

  /** `outbox flush`: copies waiting for a retry are tried now too, like the mail. */
  flush(): void {
    for (const record of this.host.records().values()) {
      if (record.sentCopy?.state === 'pending') delete record.sentCopy.nextAttemptAt;
    }
    this.kick();
  }

  /** Starts the copies that are due; the rest wake the timer. */
  kick(): void {
    if (this.stopped || !this.deps.connectivity.isOnline()) return;
    const now = this.deps.clock.now();
    let next = Infinity;
    for (const record of this.host.records().values()) {
      const copy = record.sentCopy;
      if (copy?.state !== 'pending' || this.running.has(record.id)) continue;
      const due = copy.nextAttemptAt ? Date.parse(copy.nextAttemptAt) : 0;
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (this.running.size >= CONCURRENCY) continue;
      const done = this.run(record)
        .catch((error: unknown) => named(this.deps.logger, 'sent-copy').error(`${record.id}: ${String(error)}`))
        .finally(() => {
          this.running.delete(record.id);
          this.kick();
        });
      this.running.set(record.id, done);
    }
    this.timer?.cancel();
    this.timer = next === Infinity ? null : this.deps.clock.setTimer(() => this.kick(), next - now);
  }

  /** Stops starting copies and waits (up to `graceMs`) for the ones under way; the rest resume next time. */
  async stop(graceMs: number): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    if (this.running.size > 0) {
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.running.values()), new Promise((resolve) => (timeout = setTimeout(resolve, graceMs)))]);
      clearTimeout(timeout);
    }
    await this.deps.writer
      .close?.()
      .catch((error: unknown) => named(this.deps.logger, 'sent-copy').warn(`closing IMAP sessions failed: ${String(error)}`));
  }

  private async run(record: MessageRecord): Promise<void> {
    const copy = record.sentCopy!;
    const account = await this.deps.accounts.get(record.accountId);
    let result: SentCopyResult;
    if (!account) {
      result = {
        outcome: 'permanent',
        error: new AppError('ACCOUNT_NOT_FOUND', {
          message: 'The account this message was sent from no longer exists, so no copy can be saved.',
        }).toInfo(),
      };
    } else {
      result = await this.deps.writer
        .append({
          account,
          messageId: record.messageId,
          size: record.bodyLength,
          openMessage: () => this.host.openBytes(record),
          ...(copy.folder ? { folder: copy.folder } : {}),
        })
        .catch((error: unknown): SentCopyResult =>
          // The stored bytes changed since they were sent: no copy of something else is ever saved.
          isSpoolDamage(error)
            ? { outcome: 'permanent', error: error.toInfo() }
            : { outcome: 'temporary', error: new AppError('INTERNAL', { detail: String(error) }).toInfo() },
        );
    }
    const now = this.deps.clock.now();
    copy.attempts++;
    if ('error' in result) {
      copy.error = result.error;
      if (result.folder) copy.folder = result.folder;
      const sentAt = record.sentAt ? Date.parse(record.sentAt) : now;
      if (result.outcome === 'permanent' || now - sentAt >= COPY_LIFETIME_MS) {
        copy.state = 'failed';
        delete copy.nextAttemptAt;
      } else {
        copy.nextAttemptAt = new Date(now + retryDelay(copy.attempts)).toISOString();
      }
    } else {
      copy.state = 'saved';
      copy.folder = result.folder;
      copy.savedAt = new Date(now).toISOString();
      delete copy.nextAttemptAt;
      delete copy.error;
    }
    await this.host.commit(record);
  }
}
