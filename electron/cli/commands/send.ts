// `outbox send`: sendmail-compatible. Queues standard input durably, prints the id, then makes one attempt
// (none with --queue-only; until the end with --wait) unless another Outbox process is the sender.
// Its command line is read the way sendmail's getopt does: clustered flags (-ti), values glued or separate
// (-ffrom, -f from), harmless sendmail options accepted and ignored, anything else EX_USAGE.
import type { RawEnqueueRequest } from '../../core/outbox/engine-api';
import { checkMailbox, checkMailboxes } from '../addresses';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX, UsageError } from '../exit-codes';
import { out, stdinIsFile } from '../io';
import { parseMaxWait } from '../parse-options';
import { EXIT_CODES } from '../usage';

export const HELP = `Usage: outbox send [-t] [-i] [-f FROM] [-a ACCOUNT] [--queue-only] [--wait [--max-wait SECONDS]]
                   [--delay SECONDS] [RCPT...] < message.eml

Reads a complete message (headers and body) from standard input, queues it durably,
prints its id and makes one attempt to send it. Offline or after a temporary failure
it stays queued (exit 0); it leaves with the next 'outbox flush' or when the app runs.

  -t               also take recipients from To, Cc and Bcc (Bcc is removed)
  -i, -oi          a line with a single dot does not end the message
  -f FROM, -r FROM envelope sender (default: the account's address)
  -a ACCOUNT       account id, address or name (default: the one matching From, else the first)
  --queue-only     queue without an attempt (also -odq)
  --wait           wait until the message is sent or has failed for good, through retries
  --max-wait SECONDS  how long --wait waits at most (default 600; 0: no limit); still waiting
                   then exits 75
  --delay SECONDS  hold the message this long first, undoable in the app meanwhile (0-3600);
                   without it nothing is delayed, whatever the app's Undo send preference

Accepted for sendmail compatibility and ignored: -bm, -odi, -odb, -oem, -oep, -oeq, -oew,
-om, -v, -U, -F NAME, -N DSN, -R RET, -V ENVID, -B TYPE.

${EXIT_CODES}
`;

/** How long a one-message send runs before other processes can reach it (EngineOptions.channelDelayMs). */
const ONE_SHOT_CHANNEL_DELAY_MS = 250;

export interface SendArgs {
  recipients: string[];
  /** -t: take recipients from To, Cc and Bcc. */
  recipientsFromHeaders: boolean;
  /** -i / -oi: a lone dot does not end the message. */
  ignoreDots: boolean;
  /** -f / -r / --from: the envelope sender. */
  envelopeFrom?: string;
  /** -a / --account: an account id, address or name. */
  account?: string;
  /** --queue-only / -odq: queue without an attempt. */
  queueOnly: boolean;
  /** --wait: block until sent or permanently failed. */
  wait: boolean;
  /** --max-wait SECONDS: how long --wait waits at most (0: no limit). */
  maxWait?: number;
  /** --delay SECONDS: hold it this long, undoable in the app (the app's Undo send preference never applies to scripts). */
  delay?: number;
  dataDir?: string;
  help: boolean;
}

/** Flags that take no value: t and i matter; v, U, m and n are sendmail's and change nothing here. */
const BOOLEAN_FLAGS = new Set(['t', 'i', 'v', 'U', 'm', 'n']);
/** Flags that take a value, glued (-ffrom) or as the next argument (-f from). */
const VALUE_FLAGS = new Set(['f', 'r', 'a', 'F', 'o', 'b', 'e', 'N', 'R', 'V', 'B']);
/** -o options that only tune sendmail's own delivery or error reporting. */
const IGNORED_O_OPTIONS = new Set(['em', 'ep', 'eq', 'ew', 'ee', 'di', 'db', 'm']);
const LONG_BOOLEAN = new Set(['queue-only', 'wait', 'help']);
const LONG_VALUE = new Set(['from', 'account', 'data-dir', 'max-wait', 'delay']);

export function parseSendArgs(argv: readonly string[]): SendArgs {
  const out: SendArgs = { recipients: [], recipientsFromHeaders: false, ignoreDots: false, queueOnly: false, wait: false, help: false };
  const positionals: string[] = [];
  let i = 0;
  const takeValue = (flag: string, glued: string): string => {
    if (glued !== '') return glued;
    const next = argv[++i];
    if (next === undefined) throw new UsageError(`Option ${flag} needs a value`);
    return next;
  };

  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (LONG_BOOLEAN.has(name)) {
        if (eq !== -1) throw new UsageError(`Option --${name} does not take a value`);
        if (name === 'queue-only') out.queueOnly = true;
        else if (name === 'wait') out.wait = true;
        else out.help = true;
      } else if (LONG_VALUE.has(name)) {
        const value = eq === -1 ? takeValue(`--${name}`, '') : arg.slice(eq + 1);
        applyValue(out, name === 'from' ? 'f' : name === 'account' ? 'a' : name, value);
      } else {
        throw new UsageError(`Unknown option --${name} for 'outbox send'`);
      }
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j]!;
        if (flag === 'h') {
          out.help = true;
        } else if (BOOLEAN_FLAGS.has(flag)) {
          if (flag === 't') out.recipientsFromHeaders = true;
          if (flag === 'i') out.ignoreDots = true;
        } else if (VALUE_FLAGS.has(flag)) {
          applyValue(out, flag, takeValue(`-${flag}`, arg.slice(j + 1)));
          break;
        } else {
          throw new UsageError(`Unknown option -${flag} for 'outbox send'`);
        }
      }
      continue;
    }
    positionals.push(arg);
  }

  if (out.help) return out;
  // As for compose, flush and retry: a bound on a wait that does not happen is a mistake worth saying.
  if (out.maxWait !== undefined && !out.wait) throw new UsageError('--max-wait goes with --wait');
  out.recipients = checkMailboxes(positionals, 'the recipient arguments');
  if (out.recipients.length === 0 && !out.recipientsFromHeaders) {
    throw new UsageError('No recipients given', "Name them after 'outbox send', or use -t to take them from the message's To, Cc and Bcc.");
  }
  return out;
}

function applyValue(out: SendArgs, flag: string, value: string): void {
  switch (flag) {
    case 'f':
    case 'r':
      if (value.trim() === '' || value.trim() === '<>') {
        throw new UsageError('A null envelope sender (-f "<>") is not supported', "Leave out -f to send from the account's address.");
      }
      out.envelopeFrom = checkMailbox(value, `-${flag}`);
      return;
    case 'a':
      out.account = value;
      return;
    case 'data-dir':
      out.dataDir = value;
      return;
    case 'max-wait':
      out.maxWait = parseMaxWait(value);
      return;
    case 'delay':
      if (!/^\d{1,4}$/.test(value.trim()) || Number(value) > 3600)
        throw new UsageError(`--delay needs whole seconds from 0 to 3600, not "${value}"`);
      out.delay = Number(value);
      return;
    case 'o':
      return applyOption(out, value);
    case 'e':
      // -eX is sendmail's old spelling of -oeX.
      return applyOption(out, `e${value}`);
    case 'b':
      if (value !== 'm') {
        throw new UsageError(
          `sendmail mode -b${value} is not supported; only -bm (read a message and send it) is`,
          "Use 'outbox queue' to list the outbox.",
        );
      }
      return;
    default:
      // -F full name, -N/-R/-V delivery status options and -B body type: accepted for compatibility, unused.
      return;
  }
}

function applyOption(out: SendArgs, option: string): void {
  if (option === 'i') out.ignoreDots = true;
  else if (option === 'dq' || option === 'dd') out.queueOnly = true;
  else if (!IGNORED_O_OPTIONS.has(option)) throw new UsageError(`sendmail option -o${option} is not supported`);
}

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
    const [{ dropRawMessage }, { createEngineAccounts }] = await Promise.all([
      import('../../core/outbox/queue-drop'),
      import('../../core/outbox/account-adapter'),
    ]);
    out(ctx.io, (await dropRawMessage({ dataDir: ctx.dataDir, accounts: createEngineAccounts(ctx.accounts()) }, request)).id);
    return EX.OK;
  }
  // Only --wait keeps this process around to retry; otherwise it attempts this one message and leaves, and opens
  // its channel to other processes only if that takes a while.
  const [engine, { deliver }] = await Promise.all([
    ctx.openEngine({ mode: 'auto', autoSend: args.wait, ...(args.wait ? {} : { channelDelayMs: ONE_SHOT_CHANNEL_DELAY_MS }) }),
    import('./deliver'),
  ]);
  const message = await engine.enqueueRaw(request);
  out(ctx.io, message.id);
  return deliver(ctx, engine, message, { wait: args.wait, maxWait: args.maxWait });
}

export const sendCommand: CliCommand<{ name: 'send'; args: SendArgs }> = {
  help: HELP,
  parse(argv) {
    const args = parseSendArgs(argv);
    if (args.help) return { command: helpFor('send') };
    return { command: { name: 'send', args }, dataDir: args.dataDir };
  },
  run: (ctx, command) => runSend(ctx, command.args),
  // Queue and leave, or one attempt and leave; --wait stays to retry, with other work to do while a disk waits.
  oneShot: (command) => !command.args.wait,
};
