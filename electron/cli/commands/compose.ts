// `outbox compose`: builds a message from options (text, HTML, attachments), checks every value before
// queueing it, then sends it like `outbox send`; --at schedules it instead.
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { composeRequestSchema, type ComposeRequest } from '../../shared/message';
import { checkMailbox, checkMailboxes } from '../addresses';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX, UsageError } from '../exit-codes';
import { checkReadableFile, out, readAll, readTextFile } from '../io';
import { dataDirOf, list, maxWaitOf, parse, str, type Options, type Values } from '../parse-options';
import { parseScheduleTime } from '../schedule-time';
import { EXIT_CODES } from '../usage';
import { deliver } from './deliver';

export const HELP = `Usage: outbox compose --to A [--cc B] [--bcc C] --subject S (--text T | --text-file F)
                      [--html-file F] [--attach FILE]... [-a ACCOUNT] [--from F] [--at TIME]
                      [--queue-only] [--wait [--max-wait SECONDS]]

  --to, --cc, --bcc ADDR   recipients; repeat the option or separate with commas
  --subject S              the subject
  --text T | --text-file F the plain-text body (F may be - for standard input)
  --html-file F            an HTML body besides the text
  --attach FILE            attach a file; repeatable
  -a, --account ACCOUNT    account id, address or name
  --from F                 the From address (default: the account's)
  --at TIME                send later: "2030-05-17 09:30" (local) or ISO 8601 with an offset
  --queue-only             queue without an attempt
  --wait                   wait until the message is sent or has failed for good, through retries
  --max-wait SECONDS       how long --wait waits at most (default 600; 0: no limit)

${EXIT_CODES}
`;

export interface ComposeArgs {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text?: string;
  textFile?: string;
  htmlFile?: string;
  attach: string[];
  account?: string;
  from?: string;
  /** ISO time in UTC. */
  at?: string;
  wait: boolean;
  /** --max-wait SECONDS: how long --wait waits at most (0: no limit). */
  maxWait?: number;
  queueOnly: boolean;
}

const OPTIONS: Options = {
  to: { type: 'string', multiple: true },
  cc: { type: 'string', multiple: true },
  bcc: { type: 'string', multiple: true },
  subject: { type: 'string' },
  text: { type: 'string' },
  'text-file': { type: 'string' },
  'html-file': { type: 'string' },
  attach: { type: 'string', multiple: true },
  account: { type: 'string', short: 'a' },
  from: { type: 'string' },
  at: { type: 'string' },
  wait: { type: 'boolean' },
  'max-wait': { type: 'string' },
  'queue-only': { type: 'boolean' },
};

export const composeCommand: CliCommand<{ name: 'compose'; args: ComposeArgs }> = {
  help: HELP,
  parse(argv, cwd) {
    const { values, positionals } = parse('compose', argv, OPTIONS);
    const dataDir = dataDirOf(values);
    if (values.help) return { command: helpFor('compose') };
    if (positionals.length > 0) throw new UsageError("'outbox compose' takes no arguments");
    return { command: { name: 'compose', args: composeArgs(values, cwd) }, dataDir };
  },
  run: (ctx, command) => runCompose(ctx, command.args),
};

function composeArgs(values: Values, cwd: string): ComposeArgs {
  const text = str(values.text);
  const textFile = str(values['text-file']);
  if (text !== undefined && textFile !== undefined) throw new UsageError('Give either --text or --text-file, not both');
  if (text === undefined && textFile === undefined) throw new UsageError("'outbox compose' needs --text or --text-file");
  const subject = str(values.subject);
  if (subject === undefined) throw new UsageError("'outbox compose' needs --subject");
  const args: ComposeArgs = {
    to: checkMailboxes(list(values.to), '--to'),
    cc: checkMailboxes(list(values.cc), '--cc'),
    bcc: checkMailboxes(list(values.bcc), '--bcc'),
    subject,
    attach: list(values.attach).map((f) => path.resolve(cwd, f)),
    wait: values.wait === true,
    ...maxWaitOf(values),
    queueOnly: values['queue-only'] === true,
  };
  if (args.to.length + args.cc.length + args.bcc.length === 0) throw new UsageError("'outbox compose' needs --to, --cc or --bcc");
  if (text !== undefined) args.text = text;
  if (textFile !== undefined) args.textFile = textFile === '-' ? '-' : path.resolve(cwd, textFile);
  const htmlFile = str(values['html-file']);
  if (htmlFile !== undefined) args.htmlFile = path.resolve(cwd, htmlFile);
  const account = str(values.account);
  if (account !== undefined) args.account = account;
  const from = str(values.from);
  if (from !== undefined) args.from = checkMailbox(from, '--from');
  const at = str(values.at);
  if (at !== undefined) args.at = parseScheduleTime(at);
  return args;
}

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
  const parsed = composeRequestSchema().safeParse(request);
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
