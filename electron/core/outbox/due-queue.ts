// Which messages may go now: per-account queues of due messages in order, the per-account count of
// sends in progress, and one timer (through the injectable clock) for the next retry or scheduled time.
import { isWaiting } from '../../shared/message-states';
import type { Clock } from '../ports';
import type { MessageRecord } from './record';

/** When a waiting message may go (0: now), or null when it is not waiting. */
export function dueAt(record: MessageRecord): number | null {
  if (!isWaiting(record.state)) return null;
  let at = 0;
  if (record.nextAttemptAt) at = Date.parse(record.nextAttemptAt);
  if (record.state === 'scheduled' && record.scheduledAt) at = Math.max(at, Date.parse(record.scheduledAt));
  return at;
}

export class DueQueue {
  private readonly ready = new Map<string, Set<string>>();
  private readonly busy = new Map<string, number>();
  private timer: { cancel(): void } | null = null;
  private timerAt = Infinity;

  constructor(
    private readonly clock: Clock,
    /** Called when the timer fires: the owner re-examines its waiting messages. */
    private readonly onWake: () => void,
  ) {}

  add(record: MessageRecord): void {
    let set = this.ready.get(record.accountId);
    if (!set) this.ready.set(record.accountId, (set = new Set()));
    set.add(record.id);
  }

  remove(record: MessageRecord): void {
    this.ready.get(record.accountId)?.delete(record.id);
  }

  /** Ready now when due, otherwise the timer wakes the owner at its time. */
  schedule(record: MessageRecord): void {
    const at = dueAt(record);
    if (at === null) return;
    if (at <= this.clock.now()) this.add(record);
    else if (at < this.timerAt) this.arm(at);
  }

  private arm(at: number): void {
    this.timer?.cancel();
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.onWake();
    }, at - this.clock.now());
  }

  /** Forgets the timer, before the owner schedules every waiting message again (or stops). */
  resetTimer(): void {
    this.timer?.cancel();
    this.timer = null;
    this.timerAt = Infinity;
  }

  clear(): void {
    this.resetTimer();
    this.ready.clear();
  }

  hasReady(): boolean {
    for (const set of this.ready.values()) if (set.size > 0) return true;
    return false;
  }

  /** Due ids, oldest first per account, while that account has fewer than `limit` sends in progress. */
  *take(limit: number): Generator<string> {
    for (const [accountId, set] of this.ready) {
      for (const id of set) {
        if ((this.busy.get(accountId) ?? 0) >= limit) break;
        set.delete(id);
        yield id;
      }
    }
  }

  /** Due ids in the order take() would hand them out, without taking them. */
  *peek(): Generator<string> {
    for (const set of this.ready.values()) yield* set;
  }

  acquire(accountId: string): void {
    this.busy.set(accountId, (this.busy.get(accountId) ?? 0) + 1);
  }

  /** Whether any account has a send in progress. */
  get busyAny(): boolean {
    for (const n of this.busy.values()) if (n > 0) return true;
    return false;
  }

  release(accountId: string): void {
    this.busy.set(accountId, Math.max(0, (this.busy.get(accountId) ?? 1) - 1));
  }
}
