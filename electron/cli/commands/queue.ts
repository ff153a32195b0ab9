// `outbox queue`, `show`, `flush`, `retry` and `cancel`: read the outbox without sending, or act on it
// (directly when this process may send, through the running app's engine when it holds the lock).
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { isWaiting, UNSENT_STATES, WAITING_STATES } from '../../shared/message-states';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';
import { errorLine, exitCodeForInfo, EX } from '../exit-codes';
import { json, note, out } from '../io';
import { queueTable, showMessage } from '../output';
import { deliver, settle, withRefused } from './deliver';

/** Labels accounts by address in tables; an account that was removed shows its id. */
async function accountLabels(ctx: CliContext): Promise<(id: string) => string> {
  const accounts = await ctx.accounts().list().catch(() => []);
  const byId = new Map(accounts.map((a) => [a.id, a.email]));
  return (id) => byId.get(id) ?? id;
}

export async function runQueue(ctx: CliContext, options: { json: boolean; all: boolean }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'reader', autoSend: false });
  const messages = await engine.list(options.all ? {} : { states: UNSENT_STATES });
  if (options.json) json(ctx.io, messages);
  else out(ctx.io, queueTable(messages, await accountLabels(ctx)));
  return EX.OK;
}

/** A full id, or a prefix that names exactly one message. */
async function findMessage(engine: OutboxEngine, id: string): Promise<OutboxMessage> {
  const exact = await engine.get(id);
  if (exact) return exact;
  const matches = id.length >= 4 ? (await engine.list()).filter((m) => m.id.startsWith(id)) : [];
  if (matches.length === 1) return matches[0]!;
  throw new AppError('MESSAGE_NOT_FOUND', {
    message: matches.length > 1 ? `"${id}" matches ${matches.length} messages.` : `There is no message "${id}" in the outbox.`,
    next: matches.length > 1 ? 'Give more of the id.' : "Run 'outbox queue --all' to see the ids.",
  });
}

export async function runShow(ctx: CliContext, options: { id: string; json: boolean }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'reader', autoSend: false });
  const message = await findMessage(engine, options.id);
  if (options.json) json(ctx.io, message);
  else out(ctx.io, showMessage(message, await accountLabels(ctx)));
  return EX.OK;
}

export async function runRetry(ctx: CliContext, options: { id: string; wait: boolean; queueOnly: boolean }): Promise<number> {
  const engine = await ctx.openEngine({ mode: options.queueOnly ? 'producer' : 'auto', autoSend: options.wait });
  const { id } = await findMessage(engine, options.id);
  const message = await engine.retry(id);
  out(ctx.io, message.id);
  if (options.queueOnly) return EX.OK;
  return deliver(ctx, engine, message, { wait: options.wait });
}

export async function runCancel(ctx: CliContext, options: { id: string }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const { id } = await findMessage(engine, options.id);
  await engine.cancel(id);
  out(ctx.io, `Cancelled ${id}.`);
  return EX.OK;
}

export async function runFlush(ctx: CliContext, options: { wait: boolean }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: options.wait });
  // Scheduled messages whose time has not come stay scheduled: flush does not send them early.
  const now = Date.now();
  const before = (await engine.list({ states: WAITING_STATES })).filter((m) => m.state === 'queued' || !m.scheduledAt || Date.parse(m.scheduledAt) <= now);
  await engine.flush();
  if (engine.role === 'producer') {
    note(ctx.io, 'the Outbox process that is running sends the outbox now.');
    if (!options.wait) return EX.OK;
  } else if (!ctx.connectivity().isOnline()) {
    note(ctx.io, `offline: ${count(before.length)} stay queued.`);
    if (!options.wait) return EX.OK;
  }
  if (!options.wait) await engine.idle();
  const after: OutboxMessage[] = [];
  for (const m of before) {
    after.push(options.wait ? await settle(engine, m.id) : ((await engine.get(m.id)) ?? m));
  }
  let code: number = EX.OK;
  for (const m of after) {
    const problem = m.state === 'failed' || (m.state === 'held' && m.holdReason === 'account') || (m.state === 'sent' && m.lastError);
    if (!problem) continue;
    const info = withRefused(m, m.lastError ?? new AppError('INTERNAL', { detail: `${m.id} ${m.state}` }).toInfo());
    ctx.io.stderr.write(`${errorLine({ ...info, message: `${m.id}: ${info.message}` })}\n`);
    if (code === EX.OK) code = exitCodeForInfo(info);
  }
  const sent = after.filter((m) => m.state === 'sent').length;
  const waiting = after.filter((m) => isWaiting(m.state) || m.state === 'sending').length;
  if (before.length > 0) note(ctx.io, `${count(sent)} sent${waiting > 0 ? `, ${count(waiting)} still queued` : ''}.`);
  return code;
}

function count(n: number): string {
  return `${n} message${n === 1 ? '' : 's'}`;
}
