// What people read about an account's pacing, the same words in the Outbox screen, notifications and the
// `outbox` command: "Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow".
import type { OutboxMessage, PacingStatus } from './message';

/** "14:05", "14:05 tomorrow", or "14:05 on 5 Dec", in the reader's time zone. */
export function whenText(at: Date, now: Date): string {
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const day = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(at) - day(now)) / 86_400_000);
  if (days <= 0) return hhmm;
  if (days === 1) return `${hhmm} tomorrow`;
  return `${hhmm} on ${at.getDate()} ${at.toLocaleString('en', { month: 'short' })}`;
}

/** "14:05 on 4 Dec": a time in the reader's zone that stays true when read again later (for stored texts). */
export function atText(at: Date): string {
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `${hhmm} on ${at.getDate()} ${at.toLocaleString('en', { month: 'short' })}`;
}

function messages(n: number): string {
  return n === 1 ? '1 message' : `${n} messages`;
}

/** One line for an account's pacing; `waiting`: its messages still to send. */
export function pacingText(status: PacingStatus, waiting: number, now: Date): string {
  const until = status.until ? new Date(status.until) : undefined;
  switch (status.kind) {
    case 'daily-limit':
      return `${status.provider}'s daily limit reached: ${messages(waiting)} will leave after ${until ? whenText(until, now) : 'the limit frees up'}`;
    case 'fewer-connections':
      return status.connections === 1
        ? `${status.provider} asks for fewer connections: sending one at a time`
        : `${status.provider} asks for fewer connections: sending ${status.connections ?? 'fewer'} at a time`;
    case 'stop-signing-in':
      return `${status.provider} saw too many sign-ins: ${messages(waiting)} will leave after ${until ? whenText(until, now) : 'a short pause'}, over one connection`;
    case 'slow-down':
      return `${status.provider} asked Outbox to slow down: ${messages(waiting)} will leave after ${until ? whenText(until, now) : 'a short pause'}`;
  }
}

/**
 * The pacing of each account as the outbox's own records tell it (what a process that does not send can see):
 * waiting messages whose last try met a provider's limit, grouped by account.
 */
export function pacingFromMessages(
  list: readonly OutboxMessage[],
  now: Date,
): { accountId: string; status: PacingStatus; waiting: number; text: string }[] {
  const byAccount = new Map<string, { status: PacingStatus; waiting: number }>();
  for (const m of list) {
    if (m.state !== 'queued' && m.state !== 'scheduled') continue;
    const throttle = m.attempts.at(-1)?.throttle;
    if (!throttle || throttle.action === 'needs-sign-in' || !m.nextAttemptAt || Date.parse(m.nextAttemptAt) <= now.getTime()) continue;
    const kind: PacingStatus['kind'] = throttle.action === 'pause-until' ? 'daily-limit' : throttle.action;
    const entry = byAccount.get(m.accountId);
    const until = m.nextAttemptAt;
    if (!entry) {
      byAccount.set(m.accountId, {
        status: { accountId: m.accountId, kind, provider: throttle.provider ?? 'The mail server', until },
        waiting: 1,
      });
      continue;
    }
    entry.waiting++;
    // A daily limit says more than a short wait; the latest time is when the last of them leaves.
    if (kind === 'daily-limit' && entry.status.kind !== 'daily-limit')
      entry.status = { ...entry.status, kind, provider: throttle.provider ?? entry.status.provider, until };
    else if (kind === entry.status.kind && entry.status.until && until < entry.status.until) entry.status = { ...entry.status, until };
  }
  // Messages that wait for the same account without a limit of their own still leave after it.
  for (const m of list) {
    const entry = byAccount.get(m.accountId);
    if (!entry || (m.state !== 'queued' && m.state !== 'scheduled') || m.attempts.at(-1)?.throttle) continue;
    entry.waiting++;
  }
  return [...byAccount.entries()].map(([accountId, { status, waiting }]) => ({
    accountId,
    status,
    waiting,
    text: pacingText(status, waiting, now),
  }));
}
