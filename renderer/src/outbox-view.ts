// Pure helpers behind the outbox list: ordering, progress updates and the words shown for each state.
import type { MessageState } from '../../electron/shared/message';
import type { OutboxSummary } from '../../electron/shared/ipc-contract';

/** Messages that need the user come first; within a state, the newest first. */
const STATE_ORDER: Readonly<Record<MessageState, number>> = { failed: 0, held: 1, sending: 2, queued: 3, scheduled: 4, sent: 5 };

export const STATE_LABEL: Readonly<Record<MessageState, string>> = {
  queued: 'Queued',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  held: 'On hold',
};

export function sortMessages(messages: readonly OutboxSummary[]): OutboxSummary[] {
  return [...messages].sort(
    (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.createdAt.localeCompare(a.createdAt),
  );
}

export function withProgress(messages: OutboxSummary[], id: string, sent: number, total: number): OutboxSummary[] {
  return messages.map((m) => (m.id === id ? { ...m, progress: { sent, total } } : m));
}

/** The header's one-line summary: what still waits and what failed; "All sent" only when both are none. */
export function outboxSummary(messages: readonly OutboxSummary[]): string {
  const waiting = waitingCount(messages);
  const failed = messages.filter((m) => m.state === 'failed').length;
  const parts = [waiting > 0 ? `${waiting} waiting` : '', failed > 0 ? `${failed} failed` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : 'All sent';
}

/** Messages not yet sent and not given up on. */
export function waitingCount(messages: readonly OutboxSummary[]): number {
  return messages.filter((m) => m.state !== 'sent' && m.state !== 'failed').length;
}

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : when.format(date);
}

/** One line on where the message stands, next to its badge. */
export function stateDetail(message: OutboxSummary): string {
  switch (message.state) {
    case 'sent':
      return `Sent ${formatTime(message.sentAt)}`;
    case 'scheduled':
      return `Will be sent ${formatTime(message.scheduledAt)}`;
    case 'sending':
      return message.progress && message.progress.total > 0
        ? `Sending… ${Math.min(100, Math.round((message.progress.sent / message.progress.total) * 100))}%`
        : 'Sending…';
    case 'queued':
      return message.nextAttemptAt ? `Next try ${formatTime(message.nextAttemptAt)}` : 'Waiting to be sent';
    case 'held':
      return message.holdReason === 'account' ? "Held until the account's sign-in is fixed" : 'Paused by you';
    case 'failed':
      return message.lastError?.message ?? 'Not sent';
  }
}

export function recipientsLine(message: OutboxSummary): string {
  const shown = [...message.to, ...message.cc];
  const hidden = message.bccCount > 0 ? ` + ${message.bccCount} Bcc` : '';
  if (shown.length === 0) return hidden.trim() || 'No recipients';
  const head = shown.slice(0, 3).join(', ');
  return shown.length > 3 ? `${head} and ${shown.length - 3} more${hidden}` : `${head}${hidden}`;
}
