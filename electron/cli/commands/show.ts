// `outbox show ID [--json]`: one message with every attempt, the server's replies and the transcript.
import { pacingFromMessages } from '../../shared/pacing-text';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { json, out } from '../io';
import { printable, showMessage } from '../output';
import { parseWithIds } from '../parse-options';
import { accountLabels, findMessage } from './lookup';

export const HELP = `Usage: outbox show ID [--json]

Shows one message: its state, every attempt with its time, outcome, the server's reply,
a plain explanation and the next step, and the SMTP transcript.
`;

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

export const showCommand: CliCommand<{ name: 'show'; id: string; json: boolean }> = {
  help: HELP,
  parse(argv) {
    const line = parseWithIds('show', argv, { json: { type: 'boolean' } }, 1);
    if (!line) return { command: helpFor('show') };
    return { command: { name: 'show', id: line.id, json: line.values.json === true }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runShow(ctx, command),
};
