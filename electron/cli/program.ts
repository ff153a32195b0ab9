// The `outbox` program as a function: reads the global options and the command's name, loads that command's
// file only (its options, help and code: commands/*.ts), runs it on top of core/, prints any failure as one
// line and returns its sysexits code. main.ts runs it for the real process.
import { version } from '../../package.json';
import { runFileOpsInline } from '../core/fs/file-ops';
import { resolveDataDir } from '../core/paths/data-dir';
import type { CliCommand, HelpCommand } from './command';
import { readCommandHead, type CommandKey } from './command-line';
import type { CliContext } from './context';
import { errorLineFor, exitCodeFor, explainFsFailure, EX } from './exit-codes';
import { note, out, type CliIo } from './io';
import { HELP } from './usage';

export interface MainOptions {
  /** argv[1]: called through a symlink named `sendmail`, the command line is `send`'s. */
  invokedAs?: string;
  /** Ctrl-C and SIGTERM stop the engine cleanly (the real process only). */
  handleSignals?: boolean;
  /**
   * The process runs this one command and exits (the real process only): a command that leaves as soon as its work
   * is done (CliCommand.oneShot) runs its file operations on this thread (core/fs/file-ops.ts).
   */
  inlineFileOps?: boolean;
}

/** Time an interrupted command gives a send in flight before it leaves it to the next start. */
const INTERRUPT_GRACE_MS = 5_000;

/** A command as the program runs it: what it parsed is handed back to its own run(). */
type AnyCommand = CliCommand<unknown>;

/**
 * Each command's file is imported when it runs (the build splits it into its own chunk): a sendmail call
 * starts this process once per message, and should not load IMAP, OAuth or autodetection to queue one.
 */
const LOADERS: Readonly<Record<CommandKey, () => Promise<AnyCommand>>> = {
  send: async () => (await import('./commands/send')).sendCommand as AnyCommand,
  compose: async () => (await import('./commands/compose')).composeCommand as AnyCommand,
  queue: async () => (await import('./commands/queue')).queueCommand as AnyCommand,
  show: async () => (await import('./commands/show')).showCommand as AnyCommand,
  flush: async () => (await import('./commands/flush')).flushCommand as AnyCommand,
  retry: async () => (await import('./commands/retry')).retryCommand as AnyCommand,
  cancel: async () => (await import('./commands/cancel')).cancelCommand as AnyCommand,
  delete: async () => (await import('./commands/delete')).deleteCommand as AnyCommand,
  detect: async () => (await import('./commands/detect')).detectCommand as AnyCommand,
  'account-add': async () => (await import('./commands/account-add')).accountAddCommand as AnyCommand,
  'account-list': async () => (await import('./commands/account')).accountListCommand as AnyCommand,
  'account-remove': async () => (await import('./commands/account')).accountRemoveCommand as AnyCommand,
  'account-test': async () => (await import('./commands/account-check')).accountTestCommand as AnyCommand,
  'account-trust': async () => (await import('./commands/account-check')).accountTrustCommand as AnyCommand,
  'account-password': async () => (await import('./commands/account-fix')).accountPasswordCommand as AnyCommand,
  'account-signin': async () => (await import('./commands/account-fix')).accountSignInCommand as AnyCommand,
  'account-set': async () => (await import('./commands/account-fix')).accountSetCommand as AnyCommand,
};

/** The help of `outbox --help` or of one command (account's subcommands share account's). */
async function helpText(topic: HelpCommand['topic']): Promise<string> {
  if (topic === 'main') return HELP.main;
  if (topic === 'account') return (await import('./commands/account')).HELP;
  return (await LOADERS[topic]()).help ?? HELP.main;
}

function isHelp(command: unknown): command is HelpCommand {
  return (command as { name?: unknown }).name === 'help';
}

export async function main(argv: readonly string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  const { invokedAs } = options;
  let ctx: CliContext | undefined;
  let removeSignalHandlers = () => {};
  try {
    const head = readCommandHead(argv, invokedAs ? { invokedAs } : {});
    if (head.kind === 'version') {
      out(io, `outbox ${version}`);
      return EX.OK;
    }
    if (head.kind === 'help') {
      out(io, await helpText(head.topic));
      return EX.OK;
    }
    // The context (accounts, keychain, logging) loads beside the command's file, not before it.
    const [command, { CliContext: Context }] = await Promise.all([LOADERS[head.key](), import('./context')]);
    const parsed = command.parse(head.rest, io.cwd);
    if (isHelp(parsed.command)) {
      out(io, await helpText(parsed.command.topic));
      return EX.OK;
    }
    if (options.inlineFileOps && command.oneShot?.(parsed.command)) runFileOpsInline();
    ctx = new Context(resolveDataDir({ flag: parsed.dataDir ?? head.dataDir, env: io.env, cwd: io.cwd }), io);
    if (command.needsDataDir !== false) await ctx.checkDataDir();
    if (options.handleSignals) removeSignalHandlers = onInterrupt(ctx);
    return await command.run(ctx, parsed.command);
  } catch (error) {
    const shown = explainFsFailure(error);
    io.stderr.write(`${errorLineFor(shown)}\n`);
    if (io.env.OUTBOX_DEBUG === '1' && error instanceof Error) io.stderr.write(`${error.stack ?? ''}\n`);
    return exitCodeFor(shown);
  } finally {
    removeSignalHandlers();
    await ctx?.close();
  }
}

/** The first signal stops the engine (messages stay queued, a send in flight gets a moment); a second one exits at once. */
function onInterrupt(ctx: CliContext): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interrupted) process.exit(code);
    interrupted = true;
    note(ctx.io, 'interrupted; queued messages stay queued.');
    void ctx.close(INTERRUPT_GRACE_MS).finally(() => process.exit(code));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
