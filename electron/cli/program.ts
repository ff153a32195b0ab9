// The `outbox` program as a function: parses the command line, runs one command on top of core/,
// prints any failure as one line and returns its sysexits code. main.ts runs it for the real process.
import packageJson from '../../package.json';
import { resolveDataDir } from '../core/paths/data-dir';
import { parseCommandLine, type Command } from './args';
import { runAccountAdd, runAccountList, runAccountRemove, runAccountTest, runAccountTrust } from './commands/account';
import { runCompose } from './commands/compose';
import { runCancel, runFlush, runQueue, runRetry, runShow } from './commands/queue';
import { runSend } from './commands/send';
import { runDetect } from './commands/detect';
import { runAccountPassword, runAccountSet, runAccountSignIn } from './commands/account-fix';
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

function run(ctx: CliContext, command: Exclude<Command, { name: 'help' | 'version' }>): Promise<number> {
  switch (command.name) {
    case 'send':
      return runSend(ctx, command.args);
    case 'detect':
      return runDetect(ctx.io, command.args);
    case 'account-password':
      return runAccountPassword(ctx, command);
    case 'account-signin':
      return runAccountSignIn(ctx, command);
    case 'account-set':
      return runAccountSet(ctx, command);
    case 'compose':
      return runCompose(ctx, command.args);
    case 'queue':
      return runQueue(ctx, command);
    case 'show':
      return runShow(ctx, command);
    case 'flush':
      return runFlush(ctx, command);
    case 'retry':
      return runRetry(ctx, command);
    case 'cancel':
      return runCancel(ctx, command);
    case 'account-add':
      return runAccountAdd(ctx, command.args);
    case 'account-list':
      return runAccountList(ctx, command);
    case 'account-remove':
      return runAccountRemove(ctx, command);
    case 'account-test':
      return runAccountTest(ctx, command);
    case 'account-trust':
      return runAccountTrust(ctx, command);
  }
}
