// Pure helpers behind the outbox list: ordering, filters and counts, events applied to the list, and the words shown.
// Kept free of React so the list logic is tested directly and stays cheap at 10,000 messages.
import type {
  MessageState,
  OutboxEvent,
  OutboxMessage,
  RecipientResult,
  RecipientState,
  RecipientStatus,
} from '../../../electron/shared/message';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';
import type {
  ActionSubject,
  FINISHED_STATES as SharedFinished,
  MessageAction,
  STATE_ACTIONS as SharedActions,
  STATE_GROUP as SharedGroups,
} from '../../../electron/shared/message-states';

// The renderer may not import values from electron/ (HOUSE-STYLE §1), so it keeps copies of the shared
// state tables. Their types are the shared tables' own literal types: a copy that differs in any state,
// group or action does not compile, and test/renderer/outbox/states-agree.test.ts compares the values too.
export const STATE_GROUP: typeof SharedGroups = {
  queued: 'waiting',
  scheduled: 'waiting',
  sending: 'active',
  held: 'needs-you',
  failed: 'needs-you',
  quarantined: 'needs-you',
  sent: 'done',
};
export const FINISHED_STATES: typeof SharedFinished = ['sent', 'failed', 'quarantined'];
export const STATE_ACTIONS: typeof SharedActions = {
  queued: ['sendNow', 'retry', 'edit', 'hold', 'cancel', 'delete', 'undo'],
  scheduled: ['sendNow', 'retry', 'edit', 'hold', 'cancel', 'delete', 'undo'],
  sending: [],
  held: ['sendNow', 'retry', 'edit', 'cancel', 'delete'],
  failed: ['retry', 'edit', 'delete'],
  quarantined: ['delete'],
  sent: ['delete'],
};
const isFinished = (state: MessageState): boolean => (FINISHED_STATES as readonly MessageState[]).includes(state);

/** The same rule as shared/message-states' allows(). */
export function allows(message: ActionSubject, action: MessageAction): boolean {
  if (!(STATE_ACTIONS[message.state] as readonly MessageAction[]).includes(action)) return false;
  if (action === 'sendNow' && message.state === 'held') return message.holdReason !== 'account';
  if (action === 'edit') return !(message.recipients ?? []).some((r) => r.state === 'delivered');
  if (action === 'undo') return Boolean(message.undoUntil);
  return true;
}

/** Messages that need the user come first; within a state, the newest first. */
const STATE_ORDER: Readonly<Record<MessageState, number>> = {
  quarantined: 0,
  failed: 0,
  held: 1,
  sending: 2,
  queued: 3,
  scheduled: 4,
  sent: 5,
};

export const STATE_LABEL: Readonly<Record<MessageState, string>> = {
  queued: 'Queued',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  held: 'On hold',
  quarantined: 'Damaged',
};

// ISO strings order like their times; a plain comparison is many times faster than localeCompare at 10k rows.
function byOrder(a: OutboxSummary, b: OutboxSummary): number {
  const state = STATE_ORDER[a.state] - STATE_ORDER[b.state];
  if (state !== 0) return state;
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0;
}

export function sortMessages(messages: readonly OutboxSummary[]): OutboxSummary[] {
  return [...messages].sort(byOrder);
}

export function withProgress(messages: OutboxSummary[], id: string, sent: number, total: number): OutboxSummary[] {
  return messages.map((m) => (m.id === id ? { ...m, progress: { sent, total } } : m));
}

/** A whole message (from an event or an action's answer) as the list carries it: no transcripts. */
export function toSummary(message: OutboxMessage | OutboxSummary): OutboxSummary {
  if (!('attempts' in message)) return message;
  const { attempts, ...rest } = message;
  const last = attempts.at(-1);
  const lastAttempt = last ? (({ transcript: _t, ...summary }) => summary)(last) : undefined;
  return { ...rest, attemptCount: attempts.length, ...(lastAttempt ? { lastAttempt } : {}) };
}

export type ListEvent = Extract<OutboxEvent, { type: 'changed' | 'removed' | 'progress' }>;

/**
 * Applies a burst of events to the list in one pass: one map, one sort. A full outbox.list per event
 * would cost a round trip and a 10,000-row copy each time mail leaves.
 */
export function applyEvents(messages: readonly OutboxSummary[], events: readonly ListEvent[]): OutboxSummary[] {
  if (events.length === 0) return messages as OutboxSummary[];
  const byId = new Map(messages.map((m) => [m.id, m]));
  let reorder = false;
  for (const event of events) {
    if (event.type === 'removed') {
      byId.delete(event.id);
    } else if (event.type === 'changed') {
      const before = byId.get(event.message.id);
      const after = toSummary(event.message);
      // A finished attempt ends the progress bar; the engine sends no progress event for that.
      if (after.state !== 'sending') delete after.progress;
      else if (before?.progress && !after.progress) after.progress = before.progress;
      byId.set(after.id, after);
      reorder ||= !before || before.state !== after.state || before.createdAt !== after.createdAt;
    } else {
      const before = byId.get(event.id);
      if (before) byId.set(event.id, { ...before, progress: { sent: event.sent, total: event.total } });
    }
  }
  const next = [...byId.values()];
  // Map insertion keeps the old order for replaced rows; only a new row or a state change needs a sort.
  return reorder || next.length !== messages.length ? next.sort(byOrder) : next;
}

/** The filter buttons: Waiting matches the header's "N waiting" (everything not yet sent and not given up on). */
export const STATE_FILTERS = ['all', 'waiting', 'failed', 'sent', 'held', 'scheduled'] as const;
export type StateFilter = (typeof STATE_FILTERS)[number];
export const STATE_FILTER_LABEL: Readonly<Record<StateFilter, string>> = {
  all: 'All',
  waiting: 'Waiting',
  failed: 'Failed',
  sent: 'Sent',
  held: 'Held',
  scheduled: 'Scheduled',
};

export function matchesState(message: OutboxSummary, filter: StateFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'waiting':
      return isWaiting(message);
    case 'scheduled':
      // Undo send's wait is not a schedule the user chose.
      return message.state === 'scheduled' && !message.undoUntil;
    default:
      return message.state === filter;
  }
}

/** Undo send: whole seconds left in the message's undo window (rounded up), or null when it has none or it ended. */
export function undoSecondsLeft(message: Pick<OutboxSummary, 'state' | 'undoUntil'>, now = Date.now()): number | null {
  if (!message.undoUntil || (message.state !== 'scheduled' && message.state !== 'queued')) return null;
  const left = Date.parse(message.undoUntil) - now;
  return left > 0 ? Math.ceil(left / 1000) : null;
}

/** The badge's word: a message in its undo window is on its way, not "Scheduled". */
export function stateLabel(message: Pick<OutboxSummary, 'state' | 'undoUntil'>): string {
  return message.state === 'scheduled' && message.undoUntil ? STATE_LABEL.queued : STATE_LABEL[message.state];
}

/** "Waiting" on the screen is what the tray counts: everything not finished (sent, failed, quarantined). */
function isWaiting(message: OutboxSummary): boolean {
  return !isFinished(message.state);
}

export interface ListFilter {
  accountId: string | null;
  state: StateFilter;
  /** Words to find in the subject, the sender or a recipient; '' shows everything. */
  text?: string;
}

/** A test for the search words: every word must appear (case-insensitively) in the subject, sender or recipients. */
function textMatcher(text: string | undefined): ((m: OutboxSummary) => boolean) | null {
  const words = (text ?? '').toLocaleLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return null;
  return (m) => {
    const haystack = `${m.subject}\n${m.from}\n${m.to.join('\n')}\n${m.cc.join('\n')}`.toLocaleLowerCase();
    return words.every((word) => haystack.includes(word));
  };
}

export function filterMessages(messages: readonly OutboxSummary[], filter: ListFilter): readonly OutboxSummary[] {
  const matchesText = textMatcher(filter.text);
  if (filter.accountId === null && filter.state === 'all' && !matchesText) return messages;
  return messages.filter(
    (m) =>
      (filter.accountId === null || m.accountId === filter.accountId) && matchesState(m, filter.state) && (!matchesText || matchesText(m)),
  );
}

/** How many messages each state filter would show, within the chosen account and search: one pass. */
export function stateCounts(messages: readonly OutboxSummary[], accountId: string | null, text?: string): Record<StateFilter, number> {
  const counts: Record<StateFilter, number> = { all: 0, waiting: 0, failed: 0, sent: 0, held: 0, scheduled: 0 };
  const matchesText = textMatcher(text);
  for (const m of messages) {
    if (accountId !== null && m.accountId !== accountId) continue;
    if (matchesText && !matchesText(m)) continue;
    counts.all += 1;
    if (isWaiting(m)) counts.waiting += 1;
    if (m.state === 'failed' || m.state === 'sent' || m.state === 'held') counts[m.state] += 1;
    else if (m.state === 'scheduled' && !m.undoUntil) counts.scheduled += 1;
  }
  return counts;
}

const count = new Intl.NumberFormat();

/** The header's one-line summary: what still waits and what failed; "All sent" only when there were some and both are none. */
export function outboxSummary(messages: readonly OutboxSummary[]): string {
  if (messages.length === 0) return 'No messages yet';
  const counts = stateCounts(messages, null);
  const parts = [
    counts.waiting > 0 ? `${count.format(counts.waiting)} waiting` : '',
    counts.failed > 0 ? `${count.format(counts.failed)} failed` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'All sent';
}

/** Messages not yet sent and not given up on. */
export function waitingCount(messages: readonly OutboxSummary[]): number {
  return stateCounts(messages, null).waiting;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const whenPrecise = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(iso: string | undefined, precise = false): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : (precise ? whenPrecise : when).format(date);
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Percent sent, or null when no progress is known. */
export function progressPercent(message: OutboxSummary): number | null {
  if (message.state !== 'sending' || !message.progress || message.progress.total <= 0) return null;
  return Math.min(100, Math.round((message.progress.sent / message.progress.total) * 100));
}

/** One line on where the message stands, next to its badge; `now` makes Undo send's countdown live. */
export function stateDetail(message: OutboxSummary, now = Date.now()): string {
  if (message.undoUntil && (message.state === 'scheduled' || message.state === 'queued')) {
    const left = undoSecondsLeft(message, now);
    return left === null ? 'Waiting to be sent' : `Sending in ${left} s`;
  }
  switch (message.state) {
    case 'sent': {
      const delivery = deliveryText(message);
      return `Sent ${formatTime(message.sentAt)}${delivery ? ` · ${delivery}` : ''}`;
    }
    case 'scheduled':
      return `Will be sent ${formatTime(message.scheduledAt)}`;
    case 'sending': {
      const percent = progressPercent(message);
      return percent === null ? 'Sending…' : `Sending… ${percent}%`;
    }
    case 'queued': {
      const delivery = deliveryText(message);
      if (delivery) return delivery;
      return message.nextAttemptAt ? `Next try ${formatTime(message.nextAttemptAt)}` : 'Waiting to be sent';
    }
    case 'held':
      return message.holdReason === 'account' ? "Held until the account's sign-in is fixed" : 'Paused by you';
    case 'failed': {
      const delivery = deliveryText(message);
      return `${delivery ? `${delivery} · ` : ''}${message.lastError?.message ?? 'Not sent'}`;
    }
    case 'quarantined':
      return message.quarantine?.reason ?? 'Its stored copy is damaged; it will not be sent';
  }
}

/**
 * Where the recipients stand when they fared differently: "Delivered to 3 of 5, 2 waiting (next try …)".
 * Null when they share the message's state (nobody done yet, or everyone delivered).
 */
export function deliveryText(message: OutboxSummary, now = Date.now()): string | null {
  const d = message.delivery;
  if (!d || d.total === 0 || d.delivered === d.total || d.delivered + d.refused + d.failed === 0) return null;
  // Nobody got it and nobody is left to try: the failure itself says it all.
  if (d.delivered === 0 && d.waiting === 0) return null;
  const parts = [`Delivered to ${count.format(d.delivered)} of ${count.format(d.total)}`];
  if (d.waiting > 0)
    parts.push(
      `${count.format(d.waiting)} waiting${d.nextAttemptAt && Date.parse(d.nextAttemptAt) > now ? ` (next try ${formatTime(d.nextAttemptAt)})` : ''}`,
    );
  if (d.refused > 0) parts.push(`${count.format(d.refused)} refused`);
  if (d.failed > 0) parts.push(`${count.format(d.failed)} not delivered`);
  return parts.join(', ');
}

export const RECIPIENT_LABEL: Readonly<Record<RecipientState, string>> = {
  pending: 'Waiting',
  deferred: 'Deferred, will retry',
  delivered: 'Delivered',
  refused: 'Refused',
  failed: 'Not delivered',
};

/** One row of the per-recipient table. */
export interface RecipientRow {
  address: string;
  result: string;
  reply?: string;
}

/** Per-recipient results are worth a table when the recipients fared differently. */
export function mixedRecipients(message: OutboxSummary): RecipientRow[] {
  if (message.recipients) {
    if (!deliveryText(message)) return [];
    return message.recipients.map((r: RecipientStatus) => ({
      address: r.address,
      result:
        r.state === 'deferred' && r.nextAttemptAt ? `${RECIPIENT_LABEL.deferred} ${formatTime(r.nextAttemptAt)}` : RECIPIENT_LABEL[r.state],
      ...(r.reply ? { reply: r.reply } : {}),
    }));
  }
  // Messages recorded before recipients had their own state: the last attempt's answers.
  const recipients: RecipientResult[] = message.lastAttempt?.recipients ?? [];
  const refused = recipients.filter((r) => !r.accepted).length;
  if (!(message.lastAttempt?.outcome === 'partial' || (refused > 0 && refused < recipients.length))) return [];
  return recipients.map((r) => ({
    address: r.address,
    result: r.accepted ? 'Accepted' : 'Refused',
    ...(r.reply ? { reply: r.reply } : {}),
  }));
}

/** The Sent-folder copy, when it is not (yet) saved; sent messages only. */

export function sentCopyDetail(message: OutboxSummary): string | null {
  const copy = message.sentCopy;
  if (message.state !== 'sent' || !copy || copy.state === 'saved') return null;
  if (copy.state === 'pending')
    return copy.nextAttemptAt ? `Copy to Sent: next try ${formatTime(copy.nextAttemptAt)}` : 'Copy to Sent: pending';
  return `Copy to Sent failed: ${copy.error?.message ?? 'not saved'}`;
}

export function recipientsLine(message: OutboxSummary): string {
  const shown = [...message.to, ...message.cc];
  const hidden = message.bccCount > 0 ? ` + ${message.bccCount} Bcc` : '';
  if (shown.length === 0) return hidden.trim() || 'No recipients';
  const head = shown.slice(0, 3).join(', ');
  return shown.length > 3 ? `${head} and ${shown.length - 3} more${hidden}` : `${head}${hidden}`;
}

export function subjectLine(message: OutboxSummary): string {
  return message.subject.trim() || '(no subject)';
}

/** Which actions the details pane offers: only those the engine accepts in the message's state. */
export interface MessageActions {
  sendNow: boolean;
  retry: boolean;
  edit: boolean;
  pause: boolean;
  cancel: boolean;
  remove: boolean;
  undo: boolean;
}

/** The actions the shared table allows for this message (the engine refuses the others). */
export function actionsFor(message: ActionSubject): MessageActions {
  return {
    sendNow: allows(message, 'sendNow'),
    retry: allows(message, 'retry'),
    edit: allows(message, 'edit'),
    pause: allows(message, 'hold'),
    cancel: allows(message, 'cancel'),
    remove: allows(message, 'delete'),
    undo: allows(message, 'undo'),
  };
}
