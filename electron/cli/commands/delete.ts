// `outbox delete ID`: a message and its stored copy leave the outbox for good (not while it is being sent).
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out } from '../io';
import { parseWithIds } from '../parse-options';
import { findMessage } from './lookup';

export const HELP = `Usage: outbox delete ID

Removes a message from the outbox for good, with its stored copy: a sent one (its copy in the Sent folder
stays), a failed one, or a quarantined (damaged) one. A message being sent right now cannot be deleted.
`;

export async function runDelete(ctx: CliContext, options: { id: string }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const { id } = await findMessage(engine, options.id);
  await engine.remove(id);
  out(ctx.io, `Deleted ${id}.`);
  return EX.OK;
}

export const deleteCommand: CliCommand<{ name: 'delete'; id: string }> = {
  help: HELP,
  parse(argv) {
    const line = parseWithIds('delete', argv, {}, 1);
    if (!line) return { command: helpFor('delete') };
    return { command: { name: 'delete', id: line.id }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runDelete(ctx, command),
};
