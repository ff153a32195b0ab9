// Entry point of the `outbox` command, bundled to dist/cli/outbox.cjs (bin/outbox.cjs requires it):
// runs the program on the real process and exits with its code.
// This file stays small: the compile cache goes on first, then the program (in chunks beside this file)
// is loaded, and each command loads its own code when it runs (program.ts).
import { cacheVariant, enableCompileCache } from './compile-cache';

enableCompileCache(__dirname, cacheVariant(process.argv.slice(2), process.argv[1]));

// zod compiles a parser (new Function) for each object schema when it is built and first used: worth it in the
// long-running app, about 8 ms of every command here, which parses accounts.json once. The validation is the
// same either way. zod reads this global (its config()) when the schemas are made, so it is set before they load.
const zodConfig = ((globalThis as { __zod_globalConfig?: { jitless?: boolean } }).__zod_globalConfig ??= {});
zodConfig.jitless = true;

void Promise.all([import('./program'), import('./io')]).then(async ([{ main }, { processIo }]) => {
  const io = processIo();
  const code = await main(process.argv.slice(2), io, {
    invokedAs: process.argv[1] ?? '',
    handleSignals: true,
    inlineFileOps: true,
  });
  process.exitCode = code;
  // Run by the app's own executable (electron/main/cli-mode.ts), whose process never ends by itself: exit now.
  const embedded = (globalThis as { outboxCliExit?: (exitCode: number) => void }).outboxCliExit;
  if (embedded) return embedded(code);
  // Exit as soon as what was printed is out: waiting for the event loop to drain and the runtime to free its heap
  // costs every run about 10 ms, and a stray handle (a pooled socket, the keychain's D-Bus link) must not keep the
  // command running. The log file is written synchronously; the timer is there in case a stream never calls back.
  setTimeout(() => process.exit(code), 2_000).unref();
  const outputs = io.openedOutputs();
  let open = outputs.length;
  if (open === 0) process.exit(code);
  const flushed = () => {
    if (--open === 0) process.exit(code);
  };
  for (const output of outputs) output.write('', flushed);
});
