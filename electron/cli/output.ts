// What the `outbox` command prints for people: aligned tables for the queue and the accounts,
// and the full story of one message (attempts, server replies, explanations, transcript).
import type { AccountProfile } from '../shared/account';
import { formatErrorLine } from '../shared/errors';
import type { Attempt, OutboxMessage } from '../shared/message';

/** Columns padded to the widest cell; the last column is left ragged. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all
    .map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd())
    .join('\n');
}

export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** A local "YYYY-MM-DD HH:MM", the way people read times in a terminal. */
export function localTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** When the message leaves next, or why it does not. */
export function nextOrReason(m: OutboxMessage, withReason = true, now = Date.now()): string {
  switch (m.state) {
    case 'queued': {
      const reason = withReason && m.lastError ? ` (${m.lastError.message})` : '';
      // A retry time that passed while no Outbox process was sending is simply due.
      if (!m.nextAttemptAt || Date.parse(m.nextAttemptAt) <= now) return `due now${reason}`;
      return `next attempt ${localTime(m.nextAttemptAt)}${reason}`;
    }
    case 'scheduled':
      return `scheduled for ${localTime(m.scheduledAt ?? m.nextAttemptAt)}`;
    case 'sending':
      return m.progress && m.progress.total > 0 ? `sending ${Math.floor((100 * m.progress.sent) / m.progress.total)}%` : 'sending';
    case 'sent':
      return `sent ${localTime(m.sentAt)}`;
    case 'held':
      return m.holdReason === 'account' ? `held: ${m.lastError?.message ?? 'the account needs attention'}` : 'held by you';
    case 'failed':
      return m.lastError?.message ?? 'failed';
  }
}

export function recipientsOf(m: OutboxMessage): string {
  const shown = [...m.to, ...m.cc];
  const bcc = m.bccCount > 0 ? `${shown.length > 0 ? ' ' : ''}+${m.bccCount} bcc` : '';
  return `${shown.join(', ')}${bcc}`;
}

export function queueTable(messages: readonly OutboxMessage[], accountLabel: (id: string) => string): string {
  if (messages.length === 0) return 'The outbox is empty.';
  const rows = messages.map((m) => [
    m.id,
    m.state,
    truncate(accountLabel(m.accountId), 28),
    truncate(recipientsOf(m), 32),
    truncate(m.subject || '(no subject)', 36),
    nextOrReason(m),
  ]);
  return table(['ID', 'STATE', 'ACCOUNT', 'TO', 'SUBJECT', 'NEXT ATTEMPT / REASON'], rows);
}

export function accountsTable(accounts: readonly AccountProfile[]): string {
  if (accounts.length === 0) return "No accounts yet. Add one with 'outbox account add'.";
  const rows = accounts.map((a) => [
    a.id,
    truncate(a.name, 24),
    a.email,
    `${a.smtp.host}:${a.smtp.port} ${a.smtp.security}`,
    a.status === 'ok' ? 'ok' : `needs attention${a.statusReason ? `: ${truncate(a.statusReason, 60)}` : ''}`,
  ]);
  return table(['ID', 'NAME', 'EMAIL', 'SERVER', 'STATUS'], rows);
}

const OUTCOME_WORDS: Readonly<Record<Attempt['outcome'], string>> = {
  sent: 'sent',
  partial: 'sent, but some recipients were refused',
  temporary: 'temporary failure, will retry',
  permanent: 'failed',
  auth: 'sign-in refused',
};

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function showMessage(m: OutboxMessage, accountLabel: (id: string) => string): string {
  const fields: [string, string][] = [
    ['Id', m.id],
    // A failure's reason has its own line below.
    ['State', m.lastError && (m.state === 'failed' || m.holdReason === 'account') ? m.state : `${m.state} (${nextOrReason(m, false)})`],
    ['Account', accountLabel(m.accountId)],
    ['From', m.from],
    ['To', m.to.join(', ')],
  ];
  if (m.cc.length > 0) fields.push(['Cc', m.cc.join(', ')]);
  if (m.bccCount > 0) fields.push(['Bcc', `${m.bccCount} hidden recipient${m.bccCount === 1 ? '' : 's'}`]);
  fields.push(['Subject', m.subject], ['Envelope', `${m.envelope.from} -> ${m.envelope.to.join(', ')}`]);
  fields.push(['Size', formatSize(m.size)], ['Queued', localTime(m.createdAt)]);
  if (m.scheduledAt) fields.push(['Scheduled', localTime(m.scheduledAt)]);
  if (m.sentAt) fields.push(['Sent', localTime(m.sentAt)]);
  if (m.lastError) fields.push(['Problem', formatErrorLine(m.lastError)]);
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  const lines = fields.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}`);
  if (m.attempts.length === 0) lines.push('', 'No attempts yet.');
  m.attempts.forEach((a, i) => lines.push('', ...attemptLines(a, i + 1)));
  return lines.join('\n');
}

function attemptLines(a: Attempt, n: number): string[] {
  const out = [`Attempt ${n}: ${localTime(a.at)} (${(a.durationMs / 1000).toFixed(1)} s): ${OUTCOME_WORDS[a.outcome]}`];
  if (a.reply) out.push(`  Server said: ${a.reply}`);
  if (a.error) {
    out.push(`  What happened: ${a.error.message}${a.error.detail && !a.error.reply ? ` (${a.error.detail})` : ''}`);
    if (a.error.reply && a.error.reply !== a.reply) out.push(`  Server said: ${a.error.reply}`);
    out.push(`  Next step: ${a.error.next}`);
  }
  for (const r of a.recipients ?? []) {
    out.push(`  ${r.accepted ? 'accepted' : 'refused '} ${r.address}${r.reply ? `: ${r.reply}` : ''}`);
  }
  if (a.transcript.length > 0) {
    out.push('  Transcript:');
    for (const line of a.transcript) out.push(`    ${line}`);
  }
  return out;
}
