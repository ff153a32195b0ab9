// Finding what a command names: a message by its id or a prefix of it, and accounts' labels for tables.
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out } from '../io';
import { parseWithIds } from '../parse-options';

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

/**
 * A command that does one thing to one message named by id or prefix (`outbox cancel ID`, `outbox delete ID`):
 * `act` asks the engine, `done` is the line printed after it.
 */
export function oneMessageCommand<N extends 'cancel' | 'delete'>(
  name: N,
  help: string,
  act: (engine: OutboxEngine, id: string) => Promise<unknown>,
  done: (id: string) => string,
): CliCommand<{ name: N; id: string }> {
  return {
    help,
    parse(argv) {
      const line = parseWithIds(name, argv, {}, 1);
      if (!line) return { command: helpFor(name) };
      return { command: { name, id: line.id }, dataDir: line.dataDir };
    },
    async run(ctx, command) {
      const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
      const { id } = await findMessage(engine, command.id);
      await act(engine, id);
      out(ctx.io, done(id));
      return EX.OK;
    },
  };
}
