// `outbox retry ID [--queue-only] [--wait [--max-wait SECONDS]]`: a failed or held message back in the queue,
// then one attempt as `send` makes (through the running app's engine when it holds the sender lock).
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out } from '../io';
import { maxWaitOf, parseWithIds } from '../parse-options';
import { deliver } from './deliver';
import { findMessage } from './lookup';

export const HELP = `Usage: outbox retry ID [--queue-only] [--wait [--max-wait SECONDS]]

Puts a failed or held message back in the queue and makes one attempt to send it.
`;

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

export const retryCommand: CliCommand<{ name: 'retry'; id: string; wait: boolean; queueOnly: boolean; maxWait?: number }> = {
  help: HELP,
  parse(argv) {
    const options = { wait: { type: 'boolean' }, 'max-wait': { type: 'string' }, 'queue-only': { type: 'boolean' } } as const;
    const line = parseWithIds('retry', argv, options, 1);
    if (!line) return { command: helpFor('retry') };
    const { values, id, dataDir } = line;
    return {
      command: { name: 'retry', id, wait: values.wait === true, queueOnly: values['queue-only'] === true, ...maxWaitOf(values) },
      dataDir,
    };
  },
  run: (ctx, command) => runRetry(ctx, command),
};
