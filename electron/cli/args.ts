// The `outbox` command line: global options, then one command with its options, parsed into plain data
// with node:util parseArgs (send has its own sendmail-style parser). Mistakes throw UsageError (exit 64).
import path from 'node:path';
import { checkMailbox, checkMailboxes } from './addresses';
import { parseAccount, type AccountAddArgs, type AccountCommand } from './account-args';
import { UsageError } from './exit-codes';
import { list, parse, parseMaxWait, str, type Options, type Values } from './parse-options';
import { parseScheduleTime } from './schedule-time';
import { parseSendArgs, type SendArgs } from './sendmail-args';
import { COMMANDS, type CommandName } from './usage';
import type { DetectArgs } from './commands/detect';

export type { AccountAddArgs };

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

export type Command =
  | { name: 'help'; topic: CommandName | 'main' }
  | { name: 'version' }
  | { name: 'send'; args: SendArgs }
  | { name: 'compose'; args: ComposeArgs }
  | { name: 'queue'; json: boolean; all: boolean }
  | { name: 'show'; id: string; json: boolean }
  | { name: 'flush'; wait: boolean; maxWait?: number }
  | { name: 'retry'; id: string; wait: boolean; queueOnly: boolean; maxWait?: number }
  | { name: 'cancel'; id: string }
  | { name: 'delete'; id: string }
  | { name: 'detect'; args: DetectArgs }
  | AccountCommand;

export interface CommandLine {
  dataDir?: string;
  command: Command;
}

export interface ParseOptions {
  /** The program's name as invoked: called as `sendmail` (a symlink), the whole line is `send`'s. */
  invokedAs?: string;
  /** Relative file options are made absolute against this (default: process.cwd()). */
  cwd?: string;
}

export function parseCommandLine(argv: readonly string[], options: ParseOptions = {}): CommandLine {
  const invokedAs = options.invokedAs ? path.basename(options.invokedAs).replace(/\.c?js$/, '') : '';
  if (invokedAs === 'sendmail') return withDataDir(sendCommand(argv));

  let dataDir: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--data-dir') {
      dataDir = argv[++i];
      if (dataDir === undefined || dataDir === '') throw new UsageError('Option --data-dir needs a folder');
    } else if (arg.startsWith('--data-dir=')) {
      dataDir = arg.slice('--data-dir='.length);
      if (dataDir === '') throw new UsageError('Option --data-dir needs a folder');
    } else if (arg === '--help' || arg === '-h') {
      return { command: { name: 'help', topic: 'main' } };
    } else if (arg === '--version' || arg === '-V') {
      return { command: { name: 'version' } };
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option ${arg.split('=')[0]}`);
    } else break;
  }

  const name = argv[i];
  const rest = argv.slice(i + 1);
  if (name === undefined) throw new UsageError('No command given');
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`Unknown command '${name}'`);
  const parsed = parseCommand(name as CommandName, rest, options.cwd ?? process.cwd());
  const result = withDataDir(parsed);
  if (dataDir !== undefined && result.dataDir === undefined) result.dataDir = dataDir;
  return result;
}

/** A command's own --data-dir (after the command name) is honoured too. */
function withDataDir(parsed: { command: Command; dataDir?: string | undefined }): CommandLine {
  return parsed.dataDir === undefined ? { command: parsed.command } : { command: parsed.command, dataDir: parsed.dataDir };
}

function sendCommand(argv: readonly string[]): { command: Command; dataDir?: string | undefined } {
  const args = parseSendArgs(argv);
  if (args.help) return { command: { name: 'help', topic: 'send' } };
  return { command: { name: 'send', args }, dataDir: args.dataDir };
}

function parseCommand(name: CommandName, argv: readonly string[], cwd: string): { command: Command; dataDir?: string | undefined } {
  if (name === 'send') return sendCommand(argv);
  if (name === 'account') return parseAccount(argv);
  const spec = COMMAND_OPTIONS[name];
  const { values, positionals } = parse(name, argv, spec.options);
  const dataDir = str(values['data-dir']);
  if (values.help) return { command: { name: 'help', topic: name } };
  if (positionals.length !== spec.ids) {
    const one = name === 'detect' ? 'one email address' : 'one message id';
    throw new UsageError(spec.ids === 1 ? `'outbox ${name}' needs ${one}` : `'outbox ${name}' takes no arguments`);
  }
  const id = positionals[0] ?? '';
  switch (name) {
    case 'compose':
      return { command: { name, args: composeArgs(values, cwd) }, dataDir };
    case 'queue':
      return { command: { name, json: values.json === true, all: values.all === true }, dataDir };
    case 'show':
      return { command: { name, id, json: values.json === true }, dataDir };
    case 'flush':
      return { command: { name, wait: values.wait === true, ...maxWaitOf(values) }, dataDir };
    case 'retry':
      return { command: { name, id, wait: values.wait === true, queueOnly: values['queue-only'] === true, ...maxWaitOf(values) }, dataDir };
    case 'cancel':
    case 'delete':
      return { command: { name, id }, dataDir };
    case 'detect':
      return { command: { name, args: detectArgs(id, values) }, dataDir };
  }
}

/** --max-wait only means something with --wait. */
function maxWaitOf(values: Values): { maxWait?: number } {
  const raw = str(values['max-wait']);
  if (raw === undefined) return {};
  if (values.wait !== true) throw new UsageError('--max-wait goes with --wait');
  return { maxWait: parseMaxWait(raw) };
}

function detectArgs(email: string, values: Values): DetectArgs {
  const args: DetectArgs = { email, json: values.json === true };
  const dnsServer = str(values['dns-server']);
  if (dnsServer !== undefined) args.dnsServer = dnsServer;
  const timeout = str(values.timeout);
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(seconds > 0 && seconds <= 120)) throw new UsageError('--timeout takes a number of seconds above 0, at most 120');
    args.timeoutSeconds = seconds;
  }
  return args;
}

const COMMAND_OPTIONS: Readonly<Record<Exclude<CommandName, 'send' | 'account'>, { options: Options; ids: 0 | 1 }>> = {
  compose: {
    ids: 0,
    options: {
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
    },
  },
  queue: { ids: 0, options: { json: { type: 'boolean' }, all: { type: 'boolean' } } },
  show: { ids: 1, options: { json: { type: 'boolean' } } },
  flush: { ids: 0, options: { wait: { type: 'boolean' }, 'max-wait': { type: 'string' } } },
  retry: { ids: 1, options: { wait: { type: 'boolean' }, 'max-wait': { type: 'string' }, 'queue-only': { type: 'boolean' } } },
  cancel: { ids: 1, options: {} },
  delete: { ids: 1, options: {} },
  detect: { ids: 1, options: { json: { type: 'boolean' }, 'dns-server': { type: 'string' }, timeout: { type: 'string' } } },
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
