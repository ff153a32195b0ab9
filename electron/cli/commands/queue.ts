// `outbox queue [--json] [--all]`: lists the outbox without sending (a read-only data folder can be listed too).
import { UNSENT_STATES } from '../../shared/message-states';
import { pacingFromMessages } from '../../shared/pacing-text';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { json, out } from '../io';
import { printable, queueTable } from '../output';
import { parseWithIds } from '../parse-options';
import { accountLabels } from './lookup';
import { pendingCopiesLine } from './sent-copies';

export const HELP = `Usage: outbox queue [--json] [--all]

Lists the messages that have not been sent (--all: sent ones too): id, state, account,
recipients, subject, and when the next attempt is or why it stopped.
`;

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

export const queueCommand: CliCommand<{ name: 'queue'; json: boolean; all: boolean }> = {
  help: HELP,
  parse(argv) {
    const line = parseWithIds('queue', argv, { json: { type: 'boolean' }, all: { type: 'boolean' } }, 0);
    if (!line) return { command: helpFor('queue') };
    return { command: { name: 'queue', json: line.values.json === true, all: line.values.all === true }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runQueue(ctx, command),
};
