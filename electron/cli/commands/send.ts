// `outbox send`: sendmail-compatible. Queues standard input durably, prints the id, then makes one attempt
// (none with --queue-only; until the end with --wait) unless another Outbox process is the sender.
import type { SendArgs } from '../sendmail-args';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out, stdinIsFile } from '../io';
import { deliver } from './deliver';

export async function runSend(ctx: CliContext, args: SendArgs): Promise<number> {
  await ctx.ensureDataDir();
  const account = args.account ? await ctx.resolveAccount(args.account) : (await ctx.requireAccounts(), undefined);
  // Only --wait keeps this process around to retry; otherwise it attempts this one message and leaves.
  const engine = await ctx.openEngine({ mode: args.queueOnly ? 'producer' : 'auto', autoSend: args.wait });
  const message = await engine.enqueueRaw({
    input: ctx.io.stdin,
    recipients: args.recipients,
    recipientsFromHeaders: args.recipientsFromHeaders,
    ignoreDots: args.ignoreDots || stdinIsFile(),
    ...(account ? { accountId: account.id } : {}),
    ...(args.envelopeFrom ? { envelopeFrom: args.envelopeFrom } : {}),
    // Scripts are never delayed by the app's Undo send preference; only an explicit --delay holds the message.
    ...(args.delay ? { delaySeconds: args.delay } : {}),
  });
  out(ctx.io, message.id);
  if (args.queueOnly) return EX.OK;
  return deliver(ctx, engine, message, { wait: args.wait, maxWait: args.maxWait });
}
