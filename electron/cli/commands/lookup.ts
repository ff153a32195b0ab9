// Finding what a command names: a message by its id or a prefix of it, and accounts' labels for tables.
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';

/** Labels accounts by address in tables; an account that was removed shows its id. */
export async function accountLabels(ctx: CliContext): Promise<(id: string) => string> {
  const accounts = await ctx
    .accounts()
    .list()
    .catch(() => []);
  const byId = new Map(accounts.map((a) => [a.id, a.email]));
  return (id) => byId.get(id) ?? id;
}

/** A full id, or a prefix that names exactly one message. */
export async function findMessage(engine: OutboxEngine, id: string): Promise<OutboxMessage> {
  const exact = await engine.get(id);
  if (exact) return exact;
  const matches = id.length >= 4 ? (await engine.list()).filter((m) => m.id.startsWith(id)) : [];
  if (matches.length === 1) return matches[0]!;
  throw new AppError('MESSAGE_NOT_FOUND', {
    message: matches.length > 1 ? `"${id}" matches ${matches.length} messages.` : `There is no message "${id}" in the outbox.`,
    next: matches.length > 1 ? 'Give more of the id.' : "Run 'outbox queue --all' to see the ids.",
  });
}
