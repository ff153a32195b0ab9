// One line per account its provider paused or slowed, read from the messages themselves (their last try's
// throttle and next time): "Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow".
// The same words as electron/shared/pacing-text.ts, which the renderer may not import as code.
import type { AccountProfile } from '../../../electron/shared/account';
import type { Throttle } from '../../../electron/shared/message';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';

/** What the banner reads of a message: the outbox list's summaries carry it. */
type Waiting = Pick<OutboxSummary, 'accountId' | 'state' | 'nextAttemptAt'> & { lastAttempt?: { throttle?: Throttle } | undefined };

function whenText(at: Date, now: Date): string {
  const hhmm = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  const day = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(at) - day(now)) / 86_400_000);
  if (days <= 0) return hhmm;
  if (days === 1) return `${hhmm} tomorrow`;
  return `${hhmm} on ${at.getDate()} ${at.toLocaleString('en', { month: 'short' })}`;
}

export interface PacingLine {
  accountId: string;
  text: string;
}

export function pacingLines(messages: readonly Waiting[], now: Date): PacingLine[] {
  const paused = new Map<string, { provider: string; action: string; until: string; waiting: number }>();
  for (const m of messages) {
    if ((m.state !== 'queued' && m.state !== 'scheduled') || !m.nextAttemptAt || Date.parse(m.nextAttemptAt) <= now.getTime()) continue;
    const throttle = m.lastAttempt?.throttle;
    if (!throttle || throttle.action === 'needs-sign-in') continue;
    const entry = paused.get(m.accountId);
    const provider = throttle.provider ?? 'The mail server';
    if (!entry) paused.set(m.accountId, { provider, action: throttle.action, until: m.nextAttemptAt, waiting: 1 });
    else {
      entry.waiting++;
      if (throttle.action === 'pause-until' && entry.action !== 'pause-until')
        Object.assign(entry, { action: 'pause-until', provider, until: m.nextAttemptAt });
      else if (throttle.action === entry.action && m.nextAttemptAt < entry.until) entry.until = m.nextAttemptAt;
    }
  }
  for (const m of messages) {
    const entry = paused.get(m.accountId);
    if (entry && (m.state === 'queued' || m.state === 'scheduled') && !m.lastAttempt?.throttle) entry.waiting++;
  }
  return [...paused.entries()].map(([accountId, p]) => {
    const count = p.waiting === 1 ? '1 message' : `${p.waiting} messages`;
    const when = whenText(new Date(p.until), now);
    const text =
      p.action === 'pause-until'
        ? `${p.provider}'s daily limit reached: ${count} will leave after ${when}`
        : p.action === 'fewer-connections'
          ? `${p.provider} asks for fewer connections: ${count} will leave shortly, fewer at a time`
          : p.action === 'stop-signing-in'
            ? `${p.provider} saw too many sign-ins: ${count} will leave after ${when}, over one connection`
            : `${p.provider} asked Outbox to slow down: ${count} will leave after ${when}`;
    return { accountId, text };
  });
}

export function PacingBanner({
  messages,
  accounts,
  now,
}: {
  messages: readonly Waiting[];
  accounts: readonly AccountProfile[];
  now?: Date;
}) {
  const lines = pacingLines(messages, now ?? new Date());
  if (lines.length === 0) return null;
  const many = accounts.length > 1;
  return (
    <div className="banner banner--attention outbox-pacing" role="status">
      {lines.map((line) => (
        <p key={line.accountId}>
          {many ? `${accounts.find((a) => a.id === line.accountId)?.email ?? line.accountId}: ` : ''}
          {line.text}. Nothing to do: they wait, they do not fail.
        </p>
      ))}
    </div>
  );
}
