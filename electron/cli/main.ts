// Entry point of the `outbox` command, bundled to dist/cli/outbox.cjs (bin/outbox.cjs requires it):
// runs the program on the real process and exits with its code.
import { processIo } from './io';
import { main } from './program';

const io = processIo();
void main(process.argv.slice(2), io, { invokedAs: process.argv[1] ?? '', handleSignals: true }).then((code) => {
  process.exitCode = code;
  // A stray handle (a pooled socket, the keychain's D-Bus link) must not keep the command running.
  setTimeout(() => process.exit(code), 2_000).unref();
});
