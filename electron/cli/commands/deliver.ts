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
import { finishSentCopies, PLAIN_COPY_WAIT_MS } from './sent-copies';
import { deadlineAfter, stillWaiting, waitForAll } from './wait';

/** States a --wait ends on: sent, failed for good, quarantined, or held until someone acts. */
export const SETTLED: readonly MessageState[] = SETTLED_STATES;

const LATER = "It leaves with the next 'outbox flush', or by itself while the Outbox app runs.";
const PACED_LATER = " After that time it leaves with the next 'outbox flush', or by itself while the Outbox app runs.";

function paced(m: OutboxMessage): boolean {
  return m.lastError?.code === 'SMTP_DAILY_LIMIT' || m.lastError?.code === 'SMTP_THROTTLED';
}

/** Waits for a message to settle, through retries, until the deadline (wait.ts); it may come back still waiting. */
export async function settle(engine: OutboxEngine, id: string, deadline: number): Promise<OutboxMessage> {
  const [m] = await waitForAll(engine, [id], deadline);
  if (!m) throw new AppError('MESSAGE_NOT_FOUND', { message: `The message ${id} is no longer in the outbox.` });
  return m;
}

export async function deliver(
  ctx: CliContext,
  engine: OutboxEngine,
  message: OutboxMessage,
  options: { wait: boolean; maxWait?: number | undefined },
): Promise<number> {
  const { id } = message;
  const deadline = deadlineAfter(options.maxWait);
  const finish = async (m: OutboxMessage): Promise<number> => {
    const code = report(ctx, m, options.wait);
    // What this process sent gets its Sent copy before it exits (bounded); the app does its own.
    if (options.wait || engine.role === 'sender')
      await finishSentCopies(ctx, engine, [m], options.wait ? deadline : Date.now() + PLAIN_COPY_WAIT_MS);
    return code;
  };
  if (engine.role === 'producer') {
    if (!options.wait) {
      note(ctx.io, `${id} is queued; the Outbox process that is running sends it.`);
      return EX.OK;
    }
    return finish(await settle(engine, id, deadline));
  }
  if (message.state === 'scheduled') {
    if (!options.wait) {
      note(
        ctx.io,
        `${id} is scheduled for ${localTime(message.scheduledAt)}; it leaves then while the Outbox app runs, or with 'outbox flush' after that time.`,
      );
      return EX.OK;
    }
    return finish(await settle(engine, id, deadline));
  }
  if (!ctx.connectivity().isOnline()) {
    if (!options.wait) {
      note(ctx.io, `offline: ${id} is queued for later. ${LATER}`);
      return EX.OK;
    }
    note(ctx.io, `offline: ${id} is queued; waiting for the network.`);
    return finish(await settle(engine, id, deadline));
  }
  let current = await attemptOnce(engine, id);
  if (options.wait && !SETTLED.includes(current.state)) {
    if (current.lastError) note(ctx.io, `${id} is queued for another attempt: ${current.lastError.message} Waiting.`);
    current = await settle(engine, id, deadline);
  }
  return finish(current);
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

/** Prints the outcome of the latest attempt and returns the exit code; after a wait, still waiting is 75. */
export function report(ctx: CliContext, m: OutboxMessage, waited = false): number {
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
      if (waited) return stillWaiting(ctx, [m]);
      // A provider's limit names its own time; "the next flush" would promise too much before it.
      note(ctx.io, `${m.id} is queued for later${m.lastError ? `: ${oneLine(m.lastError)}` : '.'}${paced(m) ? PACED_LATER : ` ${LATER}`}`);
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
