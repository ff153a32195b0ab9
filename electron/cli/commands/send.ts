// `outbox send`: sendmail-compatible. Queues standard input durably, prints the id, then makes one attempt
// (none with --queue-only; until the end with --wait) unless another Outbox process is the sender.
import { createEngineAccounts } from '../../core/outbox/account-adapter';
import type { RawEnqueueRequest } from '../../core/outbox/engine-api';
import type { SendArgs } from '../sendmail-args';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { out, stdinIsFile } from '../io';
import { deliver } from './deliver';

export async function runSend(ctx: CliContext, args: SendArgs): Promise<number> {
  await ctx.ensureDataDir();
  const account = args.account ? await ctx.resolveAccount(args.account) : (await ctx.requireAccounts(), undefined);
  const request: RawEnqueueRequest = {
    input: ctx.io.stdin,
    recipients: args.recipients,
    recipientsFromHeaders: args.recipientsFromHeaders,
    ignoreDots: args.ignoreDots || stdinIsFile(),
    ...(account ? { accountId: account.id } : {}),
    ...(args.envelopeFrom ? { envelopeFrom: args.envelopeFrom } : {}),
    // Scripts are never delayed by the app's Undo send preference; only an explicit --delay holds the message.
    ...(args.delay ? { delaySeconds: args.delay } : {}),
  };
  if (args.queueOnly) {
    // Only the durable write, without an engine: the sender (the app, a later flush) takes the file in.
    const { dropRawMessage } = await import('../../core/outbox/queue-drop');
    out(ctx.io, (await dropRawMessage({ dataDir: ctx.dataDir, accounts: createEngineAccounts(ctx.accounts()) }, request)).id);
    return EX.OK;
  }
  // Only --wait keeps this process around to retry; otherwise it attempts this one message and leaves.
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: args.wait });
  const message = await engine.enqueueRaw(request);
  out(ctx.io, message.id);
  return deliver(ctx, engine, message, { wait: args.wait, maxWait: args.maxWait });
}
