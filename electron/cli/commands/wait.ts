// What `--wait` waits for and how long: every message until nothing more happens to it without the user
// (sent, failed, held, quarantined), through retries, within a deadline; then the one exit code that says it.
import { AppError } from '../../shared/errors';
import type { MessageState, OutboxMessage } from '../../shared/message';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';
import { errorLine, exitCodeForInfo, EX } from '../exit-codes';
import { note } from '../io';
import { localTime } from '../output';

/** Nothing more happens to these without the user. */
export const DONE_STATES: readonly MessageState[] = ['sent', 'failed', 'held', 'quarantined'];

/** How long --wait waits by default before it leaves the rest to later and exits 75. */
export const DEFAULT_MAX_WAIT_S = 600;

export function isDone(m: OutboxMessage): boolean {
  return DONE_STATES.includes(m.state);
}

/** The deadline of a wait of `seconds` from now (0: none). */
export function deadlineAfter(seconds: number | undefined): number {
  const s = seconds ?? DEFAULT_MAX_WAIT_S;
  return s === 0 ? Infinity : Date.now() + s * 1000;
}

/** When the message can move next: now while it is being sent or due, else at its retry or scheduled time. */
function nextMove(m: OutboxMessage, now: number): number {
  if (m.state === 'sending') return now;
  const at = m.nextAttemptAt ?? (m.state === 'scheduled' ? m.scheduledAt : undefined);
  return at ? Math.max(now, Date.parse(at)) : now;
}

/**
 * Waits until every message is done, or the deadline passes, or every one left cannot move again before it.
 * The sender's events say at once when a message changed; a periodic read of the outbox covers a holder in
 * another process (the app), whose changes show only in the journal on disk.
 */
export async function waitForAll(
  engine: OutboxEngine,
  ids: readonly string[],
  deadline: number,
  until: { done: (m: OutboxMessage) => boolean; next: (m: OutboxMessage, now: number) => number } = { done: isDone, next: nextMove },
): Promise<OutboxMessage[]> {
  const { done, next } = until;
  const latest = new Map<string, OutboxMessage>();
  const pending = new Set(ids);
  let wake: (() => void) | null = null;
  const off = engine.on((event) => {
    if (event.type === 'changed' && pending.has(event.message.id)) {
      latest.set(event.message.id, event.message);
      if (done(event.message)) {
        pending.delete(event.message.id);
        wake?.();
      }
    } else if (event.type === 'removed' && pending.delete(event.id)) wake?.();
  });
  // The engine's timers do not keep a process alive (the app must be able to quit): this wait does.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    for (;;) {
      const byId = new Map((await engine.list()).map((m) => [m.id, m]));
      for (const id of pending) {
        const m = byId.get(id);
        if (!m) pending.delete(id);
        else {
          latest.set(id, m);
          if (done(m)) pending.delete(id);
        }
      }
      const now = Date.now();
      if (pending.size === 0 || now >= deadline) break;
      const soonest = Math.min(...[...pending].map((id) => next(latest.get(id)!, now)));
      if (soonest > deadline) break;
      const pause = Math.min(engine.role === 'sender' ? 1_000 : 250, Math.max(50, deadline - now));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    off();
    clearInterval(keepAlive);
  }
  return ids.flatMap((id) => latest.get(id) ?? []);
}

/** A message the sender must hear about: failed, quarantined, held for its account, or sent with refused recipients. */
export function problemOf(m: OutboxMessage): boolean {
  return (
    m.state === 'failed' ||
    m.state === 'quarantined' ||
    (m.state === 'held' && m.holdReason === 'account') ||
    (m.state === 'sent' && m.lastError !== undefined)
  );
}

export interface Tally {
  sent: number;
  failed: number;
  /** Held by the user meanwhile: they decided; not waiting, not failed. */
  held: number;
  waiting: OutboxMessage[];
}

export function tally(messages: readonly OutboxMessage[]): Tally {
  const sent = messages.filter((m) => m.state === 'sent').length;
  const failed = messages.filter((m) => problemOf(m) && m.state !== 'sent').length;
  const held = messages.filter((m) => m.state === 'held' && m.holdReason !== 'account').length;
  const waiting = messages.filter((m) => !isDone(m));
  return { sent, failed, held, waiting };
}

/** "next try 14:05", the earliest of the messages still waiting; or why they are not moving. */
export function nextTryText(waiting: readonly OutboxMessage[], online: boolean): string {
  if (!online) return 'offline';
  const now = Date.now();
  const times = waiting.map((m) => nextMove(m, now)).filter((t) => t > now);
  if (waiting.some((m) => m.state === 'sending')) return 'being sent';
  if (times.length === 0) return 'due now';
  return `next try ${localTime(new Date(Math.min(...times)).toISOString())}`;
}

/** The still-waiting note and exit 75, for a --wait that ended with messages not done. */
export function stillWaiting(ctx: CliContext, waiting: readonly OutboxMessage[]): number {
  const reasons = waiting.map((m) => m.lastError).filter((e) => e !== undefined);
  const why = reasons.length > 0 ? ` Last reply: ${reasons[reasons.length - 1]!.reply ?? reasons[reasons.length - 1]!.message}` : '';
  const what = waiting.length === 1 ? `${waiting[0]!.id} is still waiting` : `${waiting.length} messages are still waiting`;
  note(ctx.io, `${what} (${nextTryText(waiting, ctx.connectivity().isOnline())}).${why}`);
  return EX.TEMPFAIL;
}

/** One error line per message that failed; the exit code of the first. */
export function reportProblems(
  ctx: CliContext,
  messages: readonly OutboxMessage[],
  withRefused: (m: OutboxMessage, info: ReturnType<AppError['toInfo']>) => ReturnType<AppError['toInfo']>,
): number {
  let code: number = EX.OK;
  for (const m of messages) {
    if (!problemOf(m)) continue;
    const fallback =
      m.state === 'quarantined'
        ? new AppError('SPOOL_CORRUPT')
        : m.state === 'held'
          ? new AppError('ACCOUNT_NEEDS_ATTENTION')
          : new AppError('INTERNAL', { detail: `${m.id} ${m.state}` });
    const info = withRefused(m, m.lastError ?? fallback.toInfo());
    ctx.io.stderr.write(`${errorLine({ ...info, message: `${m.id}: ${info.message}` })}\n`);
    if (code === EX.OK) code = exitCodeForInfo(info);
  }
  return code;
}
