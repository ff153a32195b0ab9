// After a message is queued: make the one attempt `send` promises (or wait with --wait), then say what
// happened in one line and pick the exit code. Queued for later is success (exit 0), as sendmail callers expect.
import { AppError, isAppError, type ErrorInfo } from '../../shared/errors';
import type { MessageState, OutboxMessage } from '../../shared/message';
import { SETTLED_STATES } from '../../shared/message-states';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';
import { errorLine, exitCodeForInfo, EX } from '../exit-codes';
import { note } from '../io';
import { localTime } from '../output';

/** States a --wait ends on: sent, failed for good, quarantined, or held until someone acts. */
export const SETTLED: readonly MessageState[] = SETTLED_STATES;

const LATER = "It leaves with the next 'outbox flush', or by itself while the Outbox app runs.";

/**
 * Waits for a message to settle. The engine's timers do not keep a process alive (the app must be able
 * to quit), so a waiting command holds the event loop open itself until the message settles.
 */
export async function settle(engine: OutboxEngine, id: string): Promise<OutboxMessage> {
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    return await engine.waitFor(id, SETTLED);
  } finally {
    clearInterval(keepAlive);
  }
}

export async function deliver(ctx: CliContext, engine: OutboxEngine, message: OutboxMessage, options: { wait: boolean }): Promise<number> {
  const { id } = message;
  if (engine.role === 'producer') {
    if (!options.wait) {
      note(ctx.io, `${id} is queued; the Outbox process that is running sends it.`);
      return EX.OK;
    }
    return report(ctx, await settle(engine, id));
  }
  if (message.state === 'scheduled') {
    if (!options.wait) {
      note(ctx.io, `${id} is scheduled for ${localTime(message.scheduledAt)}; it leaves then while the Outbox app runs, or with 'outbox flush' after that time.`);
      return EX.OK;
    }
    return report(ctx, await settle(engine, id));
  }
  if (!ctx.connectivity().isOnline()) {
    if (!options.wait) {
      note(ctx.io, `offline: ${id} is queued for later. ${LATER}`);
      return EX.OK;
    }
    note(ctx.io, `offline: ${id} is queued; waiting for the network.`);
    return report(ctx, await settle(engine, id));
  }
  let current = await attemptOnce(engine, id);
  if (options.wait && !SETTLED.includes(current.state)) {
    if (current.lastError) note(ctx.io, `${id} is queued for another attempt: ${current.lastError.message} Waiting.`);
    current = await settle(engine, id);
  }
  return report(ctx, current);
}

/** One attempt; if the engine was already sending it (or has just finished), its result is the same. */
async function attemptOnce(engine: OutboxEngine, id: string): Promise<OutboxMessage> {
  try {
    return await engine.sendNow(id);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'MESSAGE_STATE') throw error;
    const found = await engine.get(id);
    if (!found) throw new AppError('MESSAGE_NOT_FOUND', { message: `The message ${id} is no longer in the outbox.` });
    return found;
  }
}

/** Prints the outcome of the latest attempt and returns the exit code. */
export function report(ctx: CliContext, m: OutboxMessage): number {
  switch (m.state) {
    case 'sent':
      // Sent, but some recipients were refused: the sender must hear about them.
      return m.lastError ? fail(ctx, withRefused(m, m.lastError)) : EX.OK;
    case 'failed':
      return fail(ctx, withRefused(m, m.lastError ?? new AppError('INTERNAL', { detail: 'failed without a recorded reason' }).toInfo()));
    case 'quarantined':
      return fail(ctx, m.lastError ?? new AppError('SPOOL_CORRUPT').toInfo());
    case 'held':
      if (m.holdReason === 'account') return fail(ctx, m.lastError ?? new AppError('ACCOUNT_NEEDS_ATTENTION').toInfo());
      note(ctx.io, `${m.id} is held. 'outbox retry ${m.id}' releases it.`);
      return EX.OK;
    default:
      note(ctx.io, `${m.id} is queued for later${m.lastError ? `: ${oneLine(m.lastError)}` : '.'} ${LATER}`);
      return EX.OK;
  }
}

function fail(ctx: CliContext, info: ErrorInfo): number {
  ctx.io.stderr.write(`${errorLine(info)}\n`);
  return exitCodeForInfo(info);
}

function oneLine(info: ErrorInfo): string {
  return `${info.message}${info.reply ? ` Server said: "${info.reply}".` : ''}`;
}

/** Names the refused recipients of the last attempt in the message, when it does not already. */
export function withRefused(m: OutboxMessage, info: ErrorInfo): ErrorInfo {
  const last = m.attempts[m.attempts.length - 1];
  const refused = (last?.recipients ?? []).filter((r) => !r.accepted && !info.message.includes(r.address));
  if (refused.length === 0) return info;
  const list = refused.map((r) => (r.reply && r.reply !== info.reply ? `${r.address} ("${r.reply}")` : r.address)).join(', ');
  return { ...info, message: `${info.message} Refused: ${list}.` };
}
