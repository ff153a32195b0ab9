// The `outbox` command run by the app's own executable: `Outbox --outbox-cli -- queue` loads the bundled CLI
// (dist/cli) in this process, before any window or single-instance logic. The installers' launchers call it this way
// because the RunAsNode fuse is off (ELECTRON_RUN_AS_NODE would let anyone run any script as the signed app).
import type { App } from 'electron';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Writable } from 'node:stream';

/** The argument the launchers pass first; everything after it (and after one `--`) is the command line. */
export const CLI_MARKER = '--outbox-cli';

/** The hook the CLI entry calls with its exit code, since Electron's main process never ends by itself. */
export const CLI_EXIT_HOOK = 'outboxCliExit';

/** The command's arguments when the process was started in CLI mode, else undefined. */
export function cliArguments(argv: readonly string[]): string[] | undefined {
  const at = argv.indexOf(CLI_MARKER);
  if (at < 0) return undefined;
  const rest = argv.slice(at + 1);
  // The launchers end Chromium's switch parsing with `--`; on Windows it also keeps Electron from refusing a
  // command line where an argument that looks like a URL ("Re: hello") is followed by others.
  return rest[0] === '--' ? rest.slice(1) : rest;
}

export interface CliModeDeps {
  app: Pick<App, 'exit' | 'getPath' | 'disableHardwareAcceleration'> & { dock?: { hide(): void } | undefined };
  /** process.argv as Electron gives it: the executable, Chromium's switches, the marker, the command line. */
  argv: readonly string[];
  /** process.env, which the CLI reads: OUTBOX_DATA_DIR is set to the app's own folder when not given. */
  env: NodeJS.ProcessEnv;
  /** The process whose argv the CLI entry reads (process). */
  target: { argv: string[]; execPath: string };
  /** Where the CLI writes; flushed before the process exits so piped output is never cut short. */
  stdout: Writable;
  stderr: Writable;
  /** dist/cli/outbox.cjs, beside dist/main. */
  cliEntry: string;
  /** Loads the CLI entry (require). */
  load: (file: string) => unknown;
  /** Where the exit hook is installed (globalThis). */
  hooks: Record<string, unknown>;
}

function flushed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) return resolve();
    stream.write('', () => resolve());
  });
}

/**
 * Runs the `outbox` command in this process when the marker is on the command line and says so; returns false
 * otherwise, and then the app starts as usual.
 */
export function runCliModeIfRequested(deps: CliModeDeps): boolean {
  const args = cliArguments(deps.argv);
  if (!args) return false;
  // No window ever opens: no Dock icon on macOS, no GPU process anywhere.
  deps.app.dock?.hide();
  deps.app.disableHardwareAcceleration();
  // The app's data folder, exactly: --data-dir and an OUTBOX_DATA_DIR of the user's still win.
  if (!deps.env.OUTBOX_DATA_DIR) deps.env.OUTBOX_DATA_DIR = deps.app.getPath('userData');
  // The CLI entry reads process.argv.slice(2) and argv[1] as the name it was called by.
  deps.target.argv = [deps.target.execPath, 'outbox', ...args];
  let exiting = false;
  deps.hooks[CLI_EXIT_HOOK] = (code: number) => {
    if (exiting) return;
    exiting = true;
    void Promise.all([flushed(deps.stdout), flushed(deps.stderr)]).then(() => deps.app.exit(code));
  };
  try {
    deps.load(deps.cliEntry);
  } catch (error) {
    deps.stderr.write(`outbox: the command could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    deps.app.exit(70); // EX_SOFTWARE
  }
  return true;
}

/** The real process's wiring: dist/main/index.cjs finds the CLI at dist/cli/outbox.cjs. */
export function processCliMode(app: CliModeDeps['app']): CliModeDeps {
  return {
    app,
    argv: process.argv,
    env: process.env,
    target: process,
    stdout: process.stdout,
    stderr: process.stderr,
    cliEntry: path.join(__dirname, '../cli/outbox.cjs'),
    // Not a bundled import: the CLI stays its own bundle with its own chunks, loaded only in CLI mode.
    load: (file) => createRequire(__filename)(file) as unknown,
    hooks: globalThis as unknown as Record<string, unknown>,
  };
}
