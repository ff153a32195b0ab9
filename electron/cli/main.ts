// Entry point of the `outbox` command, bundled to dist/cli/outbox.cjs (bin/outbox.cjs requires it):
// runs the program on the real process and exits with its code.
// This file stays small: the compile cache goes on first, then the program (in chunks beside this file)
// is loaded, and each command loads its own code when it runs (program.ts).
import { enableCompileCache } from './compile-cache';

enableCompileCache(__dirname);

void Promise.all([import('./program'), import('./io')]).then(async ([{ main }, { processIo }]) => {
  const code = await main(process.argv.slice(2), processIo(), { invokedAs: process.argv[1] ?? '', handleSignals: true });
  process.exitCode = code;
  // Run by the app's own executable (electron/main/cli-mode.ts), whose process never ends by itself: exit now.
  const embedded = (globalThis as { outboxCliExit?: (exitCode: number) => void }).outboxCliExit;
  if (embedded) return embedded(code);
  // A stray handle (a pooled socket, the keychain's D-Bus link) must not keep the command running.
  setTimeout(() => process.exit(code), 2_000).unref();
});
