// Pure helpers behind the outbox list: ordering, filters and counts, events applied to the list, and the words shown.
// Kept free of React so the list logic is tested directly and stays cheap at 10,000 messages.
import type { MessageState, OutboxEvent, OutboxMessage, RecipientResult } from '../../../electron/shared/message';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';

/** Messages that need the user come first; within a state, the newest first. */
const STATE_ORDER: Readonly<Record<MessageState, number>> = { quarantined: 0, failed: 0, held: 1, sending: 2, queued: 3, scheduled: 4, sent: 5 };

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
    default:
      return message.state === filter;
  }
}

function isWaiting(message: OutboxSummary): boolean {
  return message.state !== 'sent' && message.state !== 'failed';
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
    (m) => (filter.accountId === null || m.accountId === filter.accountId) && matchesState(m, filter.state) && (!matchesText || matchesText(m)),
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
    if (m.state === 'failed' || m.state === 'sent' || m.state === 'held' || m.state === 'scheduled') counts[m.state] += 1;
  }
  return counts;
}

const count = new Intl.NumberFormat();

/** The header's one-line summary: what still waits and what failed; "All sent" only when there were some and both are none. */
export function outboxSummary(messages: readonly OutboxSummary[]): string {
  if (messages.length === 0) return 'No messages yet';
  const counts = stateCounts(messages, null);
  const parts = [counts.waiting > 0 ? `${count.format(counts.waiting)} waiting` : '', counts.failed > 0 ? `${count.format(counts.failed)} failed` : ''].filter(Boolean);
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

/** One line on where the message stands, next to its badge. */
export function stateDetail(message: OutboxSummary): string {
  switch (message.state) {
    case 'sent':
      return `Sent ${formatTime(message.sentAt)}`;
    case 'scheduled':
      return `Will be sent ${formatTime(message.scheduledAt)}`;
    case 'sending': {
      const percent = progressPercent(message);
      return percent === null ? 'Sending…' : `Sending… ${percent}%`;
    }
    case 'queued':
      return message.nextAttemptAt ? `Next try ${formatTime(message.nextAttemptAt)}` : 'Waiting to be sent';
    case 'held':
      return message.holdReason === 'account' ? "Held until the account's sign-in is fixed" : 'Paused by you';
    case 'failed':
      return message.lastError?.message ?? 'Not sent';
    case 'quarantined':
      return message.quarantine?.reason ?? 'Its stored copy is damaged; it will not be sent';
  }
}

/** The Sent-folder copy, when it is not (yet) saved; sent messages only. */
/** Per-recipient results are worth a table when the server took the message for some recipients and not others. */
export function mixedRecipients(message: OutboxSummary): RecipientResult[] {
  const recipients = message.lastAttempt?.recipients ?? [];
  const refused = recipients.filter((r) => !r.accepted).length;
  return message.lastAttempt?.outcome === 'partial' || (refused > 0 && refused < recipients.length) ? recipients : [];
}

export function sentCopyDetail(message: OutboxSummary): string | null {
  const copy = message.sentCopy;
  if (message.state !== 'sent' || !copy || copy.state === 'saved') return null;
  if (copy.state === 'pending') return copy.nextAttemptAt ? `Copy to Sent: next try ${formatTime(copy.nextAttemptAt)}` : 'Copy to Sent: pending';
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
}

export function actionsFor(state: MessageState): MessageActions {
  return {
    sendNow: state === 'queued' || state === 'scheduled' || state === 'held',
    retry: state === 'failed' || state === 'held',
    edit: state === 'queued' || state === 'scheduled' || state === 'held' || state === 'failed',
    pause: state === 'queued' || state === 'scheduled',
    cancel: state === 'queued' || state === 'scheduled' || state === 'held',
    remove: state !== 'sending',
  };
}
