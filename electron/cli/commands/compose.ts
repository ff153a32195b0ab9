// `outbox compose`: builds a message from options (text, HTML, attachments), checks every value before
// queueing it, then sends it like `outbox send`; --at schedules it instead.
import { AppError } from '../../shared/errors';
import { composeRequestSchema, type ComposeRequest } from '../../shared/message';
import type { ComposeArgs } from '../args';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { checkReadableFile, out, readAll, readTextFile } from '../io';
import { deliver } from './deliver';

const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  to: '--to',
  cc: '--cc',
  bcc: '--bcc',
  from: '--from',
  subject: '--subject',
  text: '--text',
  html: '--html-file',
  attachments: '--attach',
  scheduledAt: '--at',
};

export async function runCompose(ctx: CliContext, args: ComposeArgs): Promise<number> {
  const request = await buildRequest(ctx, args);
  await ctx.ensureDataDir();
  const account = args.account ? await ctx.resolveAccount(args.account) : (await ctx.requireAccounts(), undefined);
  if (account) request.accountId = account.id;
  const engine = await ctx.openEngine({ mode: args.queueOnly ? 'producer' : 'auto', autoSend: args.wait });
  const message = await engine.enqueue(request);
  out(ctx.io, message.id);
  if (args.queueOnly) return EX.OK;
  return deliver(ctx, engine, message, { wait: args.wait, maxWait: args.maxWait });
}

async function buildRequest(ctx: CliContext, args: ComposeArgs): Promise<ComposeRequest> {
  const text = args.text ?? (args.textFile === '-' ? await readAll(ctx.io.stdin) : await readTextFile(args.textFile!, 'text file'));
  const request: ComposeRequest = { to: args.to, cc: args.cc, bcc: args.bcc, subject: args.subject, text, attachments: [] };
  if (args.htmlFile) request.html = await readTextFile(args.htmlFile, 'HTML file');
  for (const file of args.attach) {
    await checkReadableFile(file, 'attachment');
    request.attachments!.push({ path: file });
  }
  if (args.from) request.from = args.from;
  if (args.at) request.scheduledAt = args.at;
  const parsed = composeRequestSchema.safeParse(request);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const option = FIELD_OPTIONS[String(issue.path[0])] ?? 'the message';
    throw new AppError('VALIDATION', {
      message: `The value of ${option} is not valid: ${issue.message.replace(/\.$/, '')}.`,
      next: `Correct ${option} and run the command again.`,
    });
  }
  return request;
}
