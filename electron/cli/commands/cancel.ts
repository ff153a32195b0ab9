// `outbox cancel ID`: a message that has not been sent stops; it stays in the list as failed ("cancelled").
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out } from '../io';
import { parseWithIds } from '../parse-options';
import { findMessage } from './lookup';

export const HELP = `Usage: outbox cancel ID

Cancels a message that has not been sent; it stays in the list as failed ("cancelled").
`;

export async function runCancel(ctx: CliContext, options: { id: string }): Promise<number> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const { id } = await findMessage(engine, options.id);
  await engine.cancel(id);
  out(ctx.io, `Cancelled ${id}.`);
  return EX.OK;
}

export const cancelCommand: CliCommand<{ name: 'cancel'; id: string }> = {
  help: HELP,
  parse(argv) {
    const line = parseWithIds('cancel', argv, {}, 1);
    if (!line) return { command: helpFor('cancel') };
    return { command: { name: 'cancel', id: line.id }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runCancel(ctx, command),
};
