// What each command's file exports: its help text, the parser of its options and its code, so that the program
// loads the one file of the command given (and what that file imports) and nothing else.
import type { CliContext } from './context';
import type { CommandName } from './command-line';

/** `outbox --help`, `outbox help`-style requests: the main text or one command's. */
export interface HelpCommand {
  name: 'help';
  topic: CommandName | 'main';
}

/** A command line after the command name, as its command read it; its own --data-dir wins over a global one. */
export interface Parsed<C> {
  command: C | HelpCommand;
  dataDir?: string | undefined;
}

export interface CliCommand<C> {
  /** `outbox COMMAND --help`; account's subcommands share the text of `account` and leave this out. */
  help?: string;
  /** argv: what follows the command name; cwd: relative file options are made absolute against it. */
  parse(argv: readonly string[], cwd: string): Parsed<C>;
  run(ctx: CliContext, command: C): Promise<number>;
  /** false: the command works without the data folder (detect), so a wrong one is not checked first. */
  needsDataDir?: boolean;
  /** True when this run does one short piece of work and leaves (MainOptions.inlineFileOps). */
  oneShot?(command: C): boolean;
}

export function helpFor(topic: HelpCommand['topic']): HelpCommand {
  return { name: 'help', topic };
}
