// How many messages are waiting to leave (not finished: queued, scheduled, sending, held) and how many are mid-send,
// recounted from the engine shortly after its events so the tray, dock badge and quit note stay current.
import type { OutboxEvent, MessageState, OutboxMessage } from '../shared/message';
import { UNFINISHED_STATES } from '../shared/message-states';
import { silentLogger, systemClock, type Clock, type Logger } from '../core/ports';
import { named } from '../core/logging';

/** What the tray, dock badge and quit note count as waiting: the shared module's unfinished states. */
export const WAITING_STATES: readonly MessageState[] = UNFINISHED_STATES;

export interface QueueCounts {
  waiting: number;
  sending: number;
}

export interface QueuedCountOptions {
  list: (filter: { states: readonly MessageState[] }) => Promise<OutboxMessage[]>;
  onCount: (counts: QueueCounts) => void;
  /** Progress events come many times a second while sending: recount once they settle (default 250 ms). */
  debounceMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export function countQueue(messages: readonly OutboxMessage[]): QueueCounts {
  let waiting = 0;
  let sending = 0;
  for (const message of messages) {
    if (WAITING_STATES.includes(message.state)) waiting++;
    if (message.state === 'sending') sending++;
  }
  return { waiting, sending };
}

export class QueuedCount {
  private latest: QueueCounts = { waiting: 0, sending: 0 };
  private timer: { cancel(): void } | undefined;
  private disposed = false;
  private readonly clock: Clock;
  private readonly debounceMs: number;
  private readonly logger: Logger;

  constructor(private readonly options: QueuedCountOptions) {
    this.clock = options.clock ?? systemClock;
    this.debounceMs = options.debounceMs ?? 250;
    this.logger = options.logger ?? silentLogger;
  }

  get counts(): QueueCounts {
    return this.latest;
  }

  handle(event: OutboxEvent): void {
    // Only these can change a message's state; progress and connectivity cannot.
    if (event.type !== 'changed' && event.type !== 'removed') return;
    this.timer?.cancel();
    this.timer = this.clock.setTimer(() => void this.refresh(), this.debounceMs);
  }

  /** Recounts now; tells onCount only when a number changed. */
  async refresh(): Promise<QueueCounts> {
    this.timer?.cancel();
    this.timer = undefined;
    try {
      const counts = countQueue(await this.options.list({ states: WAITING_STATES }));
      if (!this.disposed && (counts.waiting !== this.latest.waiting || counts.sending !== this.latest.sending)) {
        this.latest = counts;
        this.options.onCount(counts);
      }
    } catch (error) {
      named(this.logger, 'outbox').warn(`could not count the queue: ${error instanceof Error ? error.message : String(error)}`);
    }
    return this.latest;
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }
}
