// The whole `outbox` command line parsed at once into plain data, every command's options included: for tests
// and tools. The program itself reads only the head (command-line.ts) and then loads the one command's file.
// Mistakes throw UsageError (exit 64).
import type { CliCommand, HelpCommand } from './command';
import { readCommandHead, type CommandKey, type ParseOptions } from './command-line';
import { accountListCommand, accountRemoveCommand } from './commands/account';
import { accountAddCommand } from './commands/account-add';
import { accountTestCommand, accountTrustCommand } from './commands/account-check';
import { accountPasswordCommand, accountSetCommand, accountSignInCommand } from './commands/account-fix';
import { cancelCommand } from './commands/cancel';
import { composeCommand } from './commands/compose';
import { deleteCommand } from './commands/delete';
import { detectCommand } from './commands/detect';
import { flushCommand } from './commands/flush';
import { queueCommand } from './commands/queue';
import { retryCommand } from './commands/retry';
import { sendCommand } from './commands/send';
import { showCommand } from './commands/show';

export type { ParseOptions };

const BY_KEY = {
  send: sendCommand,
  compose: composeCommand,
  queue: queueCommand,
  show: showCommand,
  flush: flushCommand,
  retry: retryCommand,
  cancel: cancelCommand,
  delete: deleteCommand,
  detect: detectCommand,
  'account-add': accountAddCommand,
  'account-list': accountListCommand,
  'account-remove': accountRemoveCommand,
  'account-test': accountTestCommand,
  'account-trust': accountTrustCommand,
  'account-password': accountPasswordCommand,
  'account-signin': accountSignInCommand,
  'account-set': accountSetCommand,
} satisfies Record<CommandKey, unknown>;

type CommandOf<T> = T extends CliCommand<infer C> ? C : never;

export type Command = HelpCommand | { name: 'version' } | CommandOf<(typeof BY_KEY)[CommandKey]>;

export interface CommandLine {
  dataDir?: string;
  command: Command;
}

export function parseCommandLine(argv: readonly string[], options: ParseOptions = {}): CommandLine {
  const head = readCommandHead(argv, options);
  if (head.kind === 'help') return { command: { name: 'help', topic: head.topic } };
  if (head.kind === 'version') return { command: { name: 'version' } };
  const command = BY_KEY[head.key] as CliCommand<Command>;
  const parsed = command.parse(head.rest, options.cwd ?? process.cwd());
  const dataDir = parsed.dataDir ?? head.dataDir;
  return dataDir === undefined ? { command: parsed.command } : { command: parsed.command, dataDir };
}
