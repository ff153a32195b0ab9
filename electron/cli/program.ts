// The `outbox` program as a function: parses the command line, runs one command on top of core/,
// prints any failure as one line and returns its sysexits code. main.ts runs it for the real process.
import packageJson from '../../package.json';
import { resolveDataDir } from '../core/paths/data-dir';
import { parseCommandLine, type Command } from './args';
import { CliContext } from './context';
import { errorLineFor, exitCodeFor, explainFsFailure, EX } from './exit-codes';
import { note, out, type CliIo } from './io';
import { HELP } from './usage';

export interface MainOptions {
  /** argv[1]: called through a symlink named `sendmail`, the command line is `send`'s. */
  invokedAs?: string;
  /** Ctrl-C and SIGTERM stop the engine cleanly (the real process only). */
  handleSignals?: boolean;
}

/** Time an interrupted command gives a send in flight before it leaves it to the next start. */
const INTERRUPT_GRACE_MS = 5_000;

export async function main(argv: readonly string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  const { invokedAs } = options;
  let ctx: CliContext | undefined;
  let removeSignalHandlers = () => {};
  try {
    const line = parseCommandLine(argv, { cwd: io.cwd, ...(invokedAs ? { invokedAs } : {}) });
    if (line.command.name === 'help') {
      out(io, HELP[line.command.topic]);
      return EX.OK;
    }
    if (line.command.name === 'version') {
      out(io, `outbox ${packageJson.version}`);
      return EX.OK;
    }
    ctx = new CliContext(resolveDataDir({ flag: line.dataDir, env: io.env, cwd: io.cwd }), io);
    if (line.command.name !== 'detect') await ctx.checkDataDir();
    if (options.handleSignals) removeSignalHandlers = onInterrupt(ctx);
    return await run(ctx, line.command);
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

/**
 * Each command's code is imported when it runs (the build splits it into its own chunk): a sendmail call
 * starts this process once per message, and should not load IMAP, OAuth or autodetection to queue one.
 */
async function run(ctx: CliContext, command: Exclude<Command, { name: 'help' | 'version' }>): Promise<number> {
  switch (command.name) {
    case 'send':
      return (await import('./commands/send')).runSend(ctx, command.args);
    case 'detect':
      return (await import('./commands/detect')).runDetect(ctx.io, command.args);
    case 'account-password':
      return (await import('./commands/account-fix')).runAccountPassword(ctx, command);
    case 'account-signin':
      return (await import('./commands/account-fix')).runAccountSignIn(ctx, command);
    case 'account-set':
      return (await import('./commands/account-fix')).runAccountSet(ctx, command);
    case 'compose':
      return (await import('./commands/compose')).runCompose(ctx, command.args);
    case 'queue':
      return (await import('./commands/queue')).runQueue(ctx, command);
    case 'show':
      return (await import('./commands/queue')).runShow(ctx, command);
    case 'flush':
      return (await import('./commands/queue')).runFlush(ctx, command);
    case 'retry':
      return (await import('./commands/queue')).runRetry(ctx, command);
    case 'cancel':
      return (await import('./commands/queue')).runCancel(ctx, command);
    case 'delete':
      return (await import('./commands/queue')).runDelete(ctx, command);
    case 'account-add':
      return (await import('./commands/account')).runAccountAdd(ctx, command.args);
    case 'account-list':
      return (await import('./commands/account')).runAccountList(ctx, command);
    case 'account-remove':
      return (await import('./commands/account')).runAccountRemove(ctx, command);
    case 'account-test':
      return (await import('./commands/account')).runAccountTest(ctx, command);
    case 'account-trust':
      return (await import('./commands/account')).runAccountTrust(ctx, command);
  }
}
