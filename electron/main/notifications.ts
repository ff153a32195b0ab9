// OS notifications for messages that were sent or failed, from the engine's events. Bursts are coalesced
// (a flush of 500 makes one "500 messages sent"), sends are announced only while the window is in the background.
import type { OutboxEvent, MessageState, OutboxMessage } from '../shared/message';
import { UNFINISHED_STATES } from '../shared/message-states';
import { pacingText } from '../shared/pacing-text';
import { systemClock, type Clock } from '../core/ports';

export interface NotificationSpec {
  title: string;
  body: string;
}

/** What the shell's Notification must do: show, and report a click. */
export interface ShownNotification {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotifierOptions {
  /** Electron's Notification.isSupported(): false means never notify. */
  isSupported: () => boolean;
  create: (spec: NotificationSpec) => ShownNotification;
  /** Whether the user is looking at the app now: a send they can see needs no notification. */
  isWindowFocused: () => boolean;
  /** The user's preference: announce successful sends at all (failures are always announced). Default yes. */
  notifyOnSent?: () => boolean;
  /** A notification was clicked: the message's id, or undefined for a summary of several. */
  onClick: (id: string | undefined) => void;
  /** Events within this quiet time are gathered into one notification (default 2 s). */
  quietMs?: number;
  /** …but a long burst still reports this often (default 10 s). */
  maxWaitMs?: number;
  clock?: Clock;
}

const UNFINISHED = new Set<MessageState>(UNFINISHED_STATES);

interface Outcome {
  message: OutboxMessage;
  sent: boolean;
}

export class SendNotifier {
  /** Last state seen per message: only a move from unfinished to sent or failed is news. */
  private readonly states = new Map<string, MessageState>();
  private pending: Outcome[] = [];
  private quietTimer: { cancel(): void } | undefined;
  private maxTimer: { cancel(): void } | undefined;
  private readonly clock: Clock;
  private readonly quietMs: number;
  private readonly maxWaitMs: number;

  constructor(private readonly options: NotifierOptions) {
    this.clock = options.clock ?? systemClock;
    this.quietMs = options.quietMs ?? 2_000;
    this.maxWaitMs = options.maxWaitMs ?? 10_000;
  }

  /** What the outbox held at start, so a later Sent-copy update of an old message is not announced as a send. */
  seed(messages: readonly OutboxMessage[]): void {
    for (const message of messages) if (!this.states.has(message.id)) this.states.set(message.id, message.state);
  }

  handle(event: OutboxEvent): void {
    if (event.type === 'pacing') {
      // A provider's daily limit or a request for fewer connections: said once, when it starts.
      const kind = event.status?.kind;
      if (event.status && (kind === 'daily-limit' || kind === 'fewer-connections') && this.options.isSupported()) {
        const waiting = [...this.states.values()].filter(
          (state) => state === 'queued' || state === 'scheduled' || state === 'sending',
        ).length;
        const notification = this.options.create({
          title: 'Sending is paced',
          body: pacingText(event.status, waiting, new Date(this.clock.now())),
        });
        notification.on('click', () => this.options.onClick(undefined));
        notification.show();
      }
      return;
    }
    if (event.type === 'removed') {
      this.states.delete(event.id);
      return;
    }
    if (event.type !== 'changed') return;
    const { message } = event;
    const before = this.states.get(message.id);
    this.states.set(message.id, message.state);
    if (message.state !== 'sent' && message.state !== 'failed') return;
    if (before === undefined || !UNFINISHED.has(before)) return;
    // The user cancelled it themselves: nothing to tell them.
    if (message.state === 'failed' && message.lastError?.code === 'CANCELLED') return;
    this.pending.push({ message, sent: message.state === 'sent' });
    this.quietTimer?.cancel();
    this.quietTimer = this.clock.setTimer(() => this.flush(), this.quietMs);
    this.maxTimer ??= this.clock.setTimer(() => this.flush(), this.maxWaitMs);
  }

  /** Shows what has gathered; called by the timers, and usable when stopping. */
  flush(): void {
    this.quietTimer?.cancel();
    this.maxTimer?.cancel();
    this.quietTimer = this.maxTimer = undefined;
    const outcomes = this.pending;
    this.pending = [];
    if (outcomes.length === 0 || !this.options.isSupported()) return;
    const failed = outcomes.filter((o) => !o.sent);
    // Failures always need the user; successes only when they are not watching the window.
    const wantsSent = this.options.notifyOnSent?.() ?? true;
    const sent = !wantsSent || this.options.isWindowFocused() ? [] : outcomes.filter((o) => o.sent);
    if (sent.length > 0) this.show(sent, describeSent);
    if (failed.length > 0) this.show(failed, describeFailed);
  }

  dispose(): void {
    this.quietTimer?.cancel();
    this.maxTimer?.cancel();
    this.pending = [];
  }

  private show(outcomes: Outcome[], describe: (outcomes: Outcome[]) => NotificationSpec): void {
    const notification = this.options.create(describe(outcomes));
    const id = outcomes.length === 1 ? outcomes[0]?.message.id : undefined;
    notification.on('click', () => this.options.onClick(id));
    notification.show();
  }
}

const subjectOf = (message: OutboxMessage): string => message.subject.trim() || '(no subject)';

export function describeSent(outcomes: readonly Outcome[]): NotificationSpec {
  const first = outcomes[0]?.message;
  if (outcomes.length === 1 && first) {
    const to = first.to[0] ?? first.cc[0] ?? (first.bccCount > 0 ? 'Bcc recipients' : (first.envelope.to[0] ?? ''));
    return { title: `Sent: ${subjectOf(first)}`, body: to ? `To ${to}` : '' };
  }
  return {
    title: `${outcomes.length} messages sent`,
    body: outcomes
      .slice(0, 3)
      .map((o) => subjectOf(o.message))
      .join(', '),
  };
}

export function describeFailed(outcomes: readonly Outcome[]): NotificationSpec {
  const first = outcomes[0]?.message;
  if (outcomes.length === 1 && first) {
    const why = first.lastError ? [first.lastError.message, first.lastError.next].filter(Boolean).join(' ') : 'It could not be sent.';
    return { title: `Not sent: ${subjectOf(first)}`, body: why };
  }
  return { title: `${outcomes.length} messages not sent`, body: 'Open the outbox to see why and what to do next.' };
}
