// What the `outbox` command prints for people: aligned tables for the queue and the accounts,
// the full story of one message (attempts, server replies, explanations, transcript) and the connection test.
import type { AccountReport } from '../core/diagnostics/account-check';
import type { CertificateInfo, ConnectionReport } from '../core/diagnostics/connection-report';
import type { ImapReport } from '../core/diagnostics/imap-check';
import type { AccountProfile } from '../shared/account';
import { formatErrorLine } from '../shared/errors';
import type { Attempt, OutboxMessage } from '../shared/message';

// C0 and C1 controls, DEL, and the bidirectional overrides that reorder what a reader sees (Trojan Source).
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// oxlint-disable-next-line no-control-regex -- as above
const UNPRINTABLE_KEEP_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from outside (subjects, addresses, server replies, transcripts) made safe for a terminal: every
 * control character is shown as \x1b, \x07… so an escape sequence cannot retitle the window or clear the
 * screen. `keepLines` keeps tabs and line feeds, for text whose lines are the structure.
 */
export function printable(text: string, options: { keepLines?: boolean } = {}): string {
  return text.replace(options.keepLines ? UNPRINTABLE_KEEP_LINES : UNPRINTABLE, escapeChar);
}

/** Columns padded to the widest cell; the last column is left ragged. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows.map((r) => r.map((cell) => printable(cell)))];
  const widths = headers.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!)))
        .join('  ')
        .trimEnd(),
    )
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

/**
 * Where the recipients stand when they fared differently: "delivered to 3 of 5, 2 waiting (next try …)".
 * Null when they all share the message's state (nobody done yet, or everyone delivered).
 */
export function deliveryLine(m: OutboxMessage, now = Date.now()): string | null {
  const d = m.delivery;
  if (!d || d.total === 0 || d.delivered === d.total) return null;
  if (d.delivered + d.refused + d.failed === 0) return null;
  // Nobody got it and nobody is left to try: the failure itself says it all.
  if (d.delivered === 0 && d.waiting === 0) return null;
  const parts = [`delivered to ${d.delivered} of ${d.total}`];
  if (d.waiting > 0)
    parts.push(
      `${d.waiting} waiting${d.nextAttemptAt && Date.parse(d.nextAttemptAt) > now ? ` (next try ${localTime(d.nextAttemptAt)})` : ''}`,
    );
  if (d.refused > 0) parts.push(`${d.refused} refused`);
  if (d.failed > 0) parts.push(`${d.failed} not delivered`);
  return parts.join(', ');
}

const RECIPIENT_WORDS = {
  pending: 'waiting',
  deferred: 'deferred',
  delivered: 'delivered',
  refused: 'refused',
  failed: 'given up',
} as const;

/** One line per envelope recipient: its state, address, next try and the server's last reply about it. */
function recipientLines(m: OutboxMessage): string[] {
  if (!m.recipients || deliveryLine(m) === null) return [];
  const width = Math.max(...m.recipients.map((r) => RECIPIENT_WORDS[r.state].length));
  return [
    'Recipients:',
    ...m.recipients.map((r) => {
      const next = r.state === 'deferred' && r.nextAttemptAt ? ` (next try ${localTime(r.nextAttemptAt)})` : '';
      return `  ${RECIPIENT_WORDS[r.state].padEnd(width)}  ${r.address}${next}${r.reply ? `: ${r.reply}` : ''}`;
    }),
  ];
}

/** When the message leaves next, or why it does not. */
export function nextOrReason(m: OutboxMessage, withReason = true, now = Date.now()): string {
  const delivery = deliveryLine(m, now);
  switch (m.state) {
    case 'queued': {
      if (delivery) return delivery;
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
      return `sent ${localTime(m.sentAt)}${delivery ? `: ${delivery}` : ''}`;
    case 'held':
      return m.holdReason === 'account' ? `held: ${m.lastError?.message ?? 'the account needs attention'}` : 'held by you';
    case 'failed':
      return `${delivery ? `${delivery}: ` : ''}${m.lastError?.message ?? 'failed'}`;
    case 'quarantined':
      return `quarantined: ${m.quarantine?.reason ?? 'its stored copy is damaged'}`;
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
    [
      'State',
      m.lastError && (m.state === 'failed' || m.state === 'quarantined' || m.holdReason === 'account')
        ? m.state
        : `${m.state} (${nextOrReason(m, false)})`,
    ],
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
  if (m.sentCopy) fields.push(['Sent copy', sentCopyText(m.sentCopy)]);
  if (m.quarantine?.file) fields.push(['Kept at', m.quarantine.file]);
  const width = Math.max(...fields.map(([k]) => k.length)) + 1;
  const lines = fields.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${v}`);
  const perRecipient = recipientLines(m);
  if (perRecipient.length > 0) lines.push('', ...perRecipient);
  if (m.attempts.length === 0) lines.push('', 'No attempts yet.');
  m.attempts.forEach((a, i) => lines.push('', ...attemptLines(a, i + 1)));
  // Every line is one line: a control character in a subject or a reply is shown, not obeyed.
  return lines.map((l) => printable(l)).join('\n');
}

/** Where the copy in the Sent folder stands: saved, still to be saved (and when), or given up with the reason. */
export function sentCopyText(c: NonNullable<OutboxMessage['sentCopy']>): string {
  const why = c.error ? `${c.error.message}${c.error.reply ? ` Server said: "${c.error.reply}".` : ''}` : '';
  switch (c.state) {
    case 'saved':
      return `saved in ${c.folder ?? 'Sent'} ${localTime(c.savedAt)}`.trimEnd();
    case 'failed':
      return `not saved: ${why || 'gave up'}`;
    default:
      return `still to be saved${c.nextAttemptAt ? ` (next try ${localTime(c.nextAttemptAt)})` : ''}${why ? `; last try: ${why}` : ''}`;
  }
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

/** `outbox account test`: the verdict first, then per server what it said, its certificate, timings and transcript. */
export function accountReportText(account: AccountProfile, report: AccountReport, notes: readonly string[] = []): string {
  const lines = [`Account ${account.id}: ${report.ok ? 'all checks passed' : 'the connection test failed'}`];
  for (const note of notes) lines.push(`Note: ${note}`);
  lines.push('', ...smtpSection(account, report.smtp));
  if (report.imap && account.imap) lines.push('', ...imapSection(account, report.imap));
  return lines.map((l) => printable(l)).join('\n');
}

/** The command that pins the certificate, where pinning is what would help. */
function trustHint(id: string, r: { verdict: { kind: string } | null; certificate?: CertificateInfo }, flag: string): string[] {
  if (!r.certificate || (r.verdict?.kind !== 'tls-untrusted' && r.verdict?.kind !== 'tls-hostname')) return [];
  return [`  To trust it:   outbox account trust ${id} --fingerprint ${r.certificate.fingerprint256}${flag}`];
}

function verdictLines(verdict: { message: string; next: string; reply?: string; detail?: string } | null): string[] {
  if (!verdict) return ['  Verdict:       ok'];
  const out = [`  Verdict:       ${verdict.message}`, `  Next step:     ${verdict.next}`];
  if (verdict.reply) out.push(`  Server said:   ${verdict.reply.replace(/\s*\n\s*/g, ' | ')}`);
  if (verdict.detail) out.push(`  Detail:        ${verdict.detail}`);
  return out;
}

function certificateLines(cert: CertificateInfo | undefined): string[] {
  if (!cert) return [];
  const trust =
    cert.trusted && cert.hostMatches
      ? 'yes'
      : cert.pinned
        ? 'pinned for this account'
        : !cert.hostMatches
          ? 'no: issued for another server name'
          : 'no: not signed by an authority this computer trusts';
  return [
    `  Certificate:   ${cert.subject}`,
    `    Issuer:      ${cert.issuer}`,
    `    Valid:       ${cert.validFrom} to ${cert.validTo}`,
    `    SHA-256:     ${cert.fingerprint256}`,
    `    Trusted:     ${trust}`,
  ];
}

function timingLine(timings: object): string {
  const parts = Object.entries(timings)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => `${k.replace(/Ms$/, '')} ${String(v)} ms`);
  return `  Timings:       ${parts.join(', ')}`;
}

function transcriptLines(transcript: readonly string[]): string[] {
  return transcript.length === 0 ? [] : ['  Transcript:', ...transcript.map((l) => `    ${l}`)];
}

function smtpSection(account: AccountProfile, r: ConnectionReport): string[] {
  const { host, port, security } = account.smtp;
  const lines = [`SMTP ${host}:${port} (${security})`, ...verdictLines(r.verdict), ...trustHint(account.id, r, '')];
  if (r.server.greeting) lines.push(`  Greeting:      ${r.server.greeting.split('\n')[0]}`);
  lines.push(...certificateLines(r.certificate));
  const c = r.server.capabilities;
  if (c) {
    const caps = [
      `AUTH ${c.auth.join(' ') || '(none)'}`,
      c.size !== undefined ? `SIZE ${c.size}` : 'SIZE (no limit announced)',
      ...(c.eightBitMime ? ['8BITMIME'] : []),
      ...(c.smtpUtf8 ? ['SMTPUTF8'] : []),
      ...(c.pipelining ? ['PIPELINING'] : []),
      ...(c.startTls ? ['STARTTLS'] : []),
    ];
    lines.push(`  Capabilities:  ${caps.join(', ')}`);
  }
  return [...lines, timingLine(r.timings), ...transcriptLines(r.transcript)];
}

function imapSection(account: AccountProfile, r: ImapReport): string[] {
  const where = account.imap ? `${account.imap.host}:${account.imap.port} (${account.imap.security})` : '';
  const lines = [`IMAP ${where}`, ...verdictLines(r.verdict), ...trustHint(account.id, r, ' --imap')];
  if (r.server.greeting) lines.push(`  Greeting:      ${r.server.greeting}`);
  lines.push(...certificateLines(r.certificate));
  if (r.server.capabilities.length > 0) lines.push(`  Capabilities:  ${r.server.capabilities.join(' ')}`);
  if (r.sentFolder)
    lines.push(
      `  Sent folder:   ${r.sentFolder.path} (${r.sentFolder.how === 'special-use' ? 'marked \\Sent by the server' : r.sentFolder.how === 'name' ? 'found by its name' : 'chosen for this account'})`,
    );
  if (r.folders) lines.push(`  Folders:       ${r.folders.join(', ') || '(none)'}`);
  return [...lines, timingLine(r.timings), ...transcriptLines(r.transcript)];
}
