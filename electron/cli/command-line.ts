// The part of the command line read before any command's code loads: global options (--data-dir, --help,
// --version) and the command's name (for `account`, with its subcommand), or the whole line as `send`'s when
// the program is called through a symlink named sendmail.
import path from 'node:path';
import { UsageError } from './exit-codes';

export const COMMANDS = ['send', 'compose', 'queue', 'show', 'flush', 'retry', 'cancel', 'delete', 'account', 'detect'] as const;
export type CommandName = (typeof COMMANDS)[number];

export const ACCOUNT_SUBCOMMANDS = ['add', 'list', 'remove', 'test', 'trust', 'password', 'signin', 'set'] as const;
type AccountSubcommand = (typeof ACCOUNT_SUBCOMMANDS)[number];

/** Which command file runs: a command, or `account-SUB` for account's subcommands. */
export type CommandKey = Exclude<CommandName, 'account'> | `account-${AccountSubcommand}`;

export type CommandHead =
  | { kind: 'help'; topic: CommandName | 'main' }
  | { kind: 'version' }
  /** rest: the arguments after the command name (account: after its subcommand); dataDir: a global --data-dir. */
  | { kind: 'command'; key: CommandKey; rest: string[]; dataDir?: string };

export interface ParseOptions {
  /** The program's name as invoked: called as `sendmail` (a symlink), the whole line is `send`'s. */
  invokedAs?: string;
  /** Relative file options are made absolute against this (default: process.cwd()). */
  cwd?: string;
}

export function readCommandHead(argv: readonly string[], options: Pick<ParseOptions, 'invokedAs'> = {}): CommandHead {
  const invokedAs = options.invokedAs ? path.basename(options.invokedAs).replace(/\.c?js$/, '') : '';
  if (invokedAs === 'sendmail') return { kind: 'command', key: 'send', rest: [...argv] };

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
      return { kind: 'help', topic: 'main' };
    } else if (arg === '--version' || arg === '-V') {
      return { kind: 'version' };
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option ${arg.split('=')[0]}`);
    } else break;
  }

  const name = argv[i];
  let rest = argv.slice(i + 1);
  if (name === undefined) throw new UsageError('No command given');
  if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`Unknown command '${name}'`);
  let key: CommandKey;
  if (name === 'account') {
    const sub = rest[0];
    if (sub === undefined || sub === '--help' || sub === '-h') return { kind: 'help', topic: 'account' };
    if (!(ACCOUNT_SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new UsageError(
        `Unknown account command '${sub}'`,
        "Use 'outbox account add', 'list', 'remove', 'test', 'trust', 'password', 'signin' or 'set'.",
      );
    }
    key = `account-${sub as AccountSubcommand}`;
    rest = rest.slice(1);
  } else key = name as CommandKey;
  return { kind: 'command', key, rest, ...(dataDir !== undefined ? { dataDir } : {}) };
}
