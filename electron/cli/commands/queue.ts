// `outbox queue`, `show`, `flush`, `retry` and `cancel`: read the outbox without sending, or act on it
// (directly when this process may send, through the running app's engine when it holds the lock).
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { UNSENT_STATES } from '../../shared/message-states';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { json, out } from '../io';
import { printable, queueTable, showMessage } from '../output';
import { pacingFromMessages } from '../../shared/pacing-text';
import { deliver } from './deliver';
import { pendingCopiesLine } from './sent-copies';

/** Labels accounts by address in tables; an account that was removed shows its id. */
async function accountLabels(ctx: CliContext): Promise<(id: string) => string> {
  const accounts = await ctx
    .accounts()
    .list()
    .catch(() => []);
  const byId = new Map(accounts.map((a) => [a.id, a.email]));
  return (id) => byId.get(id) ?? id;
}

export async function runQueue(ctx: CliContext, options: { json: boolean; all: boolean }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'reader', autoSend: false });
  const messages = await engine.list(options.all ? {} : { states: UNSENT_STATES });
  if (options.json) json(ctx.io, messages);
  else {
    const label = await accountLabels(ctx);
    // Sent mail whose copy in Sent is still to be saved is work left too: say so rather than "empty".
    const copies = pendingCopiesLine(options.all ? messages : await engine.list({ states: ['sent'] }));
    if (messages.length === 0 && copies) out(ctx.io, 'No message is waiting to be sent.');
    else out(ctx.io, queueTable(messages, label));
    if (copies) out(ctx.io, copies);
    // An account its provider paused or slowed: one line, e.g. "Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow".
    for (const p of pacingFromMessages(messages, new Date())) out(ctx.io, printable(`${label(p.accountId)}: ${p.text}`));
  }
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
  else {
    out(ctx.io, showMessage(message, await accountLabels(ctx)));
    const pacing = pacingFromMessages([message], new Date())[0];
    if (pacing) out(ctx.io, `\n${printable(pacing.text)}`);
  }
  return EX.OK;
}

export async function runRetry(
  ctx: CliContext,
  options: { id: string; wait: boolean; queueOnly: boolean; maxWait?: number },
): Promise<number> {
  const engine = await ctx.openEngine({ mode: options.queueOnly ? 'producer' : 'auto', autoSend: options.wait });
  const { id } = await findMessage(engine, options.id);
  const message = await engine.retry(id);
  out(ctx.io, message.id);
  if (options.queueOnly) return EX.OK;
  return deliver(ctx, engine, message, { wait: options.wait, maxWait: options.maxWait });
}

export async function runCancel(ctx: CliContext, options: { id: string }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const { id } = await findMessage(engine, options.id);
  await engine.cancel(id);
  out(ctx.io, `Cancelled ${id}.`);
  return EX.OK;
}

export async function runDelete(ctx: CliContext, options: { id: string }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const { id } = await findMessage(engine, options.id);
  await engine.remove(id);
  out(ctx.io, `Deleted ${id}.`);
  return EX.OK;
}

export { runFlush } from './flush';
