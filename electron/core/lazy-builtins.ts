// Node's own modules that only some runs need, loaded at their first use: a command sends one message and exits,
// and loading a module it never uses costs it a fraction of a millisecond each (node:worker_threads, for the
// read-ahead of a large flush; node:tls, for a pinned certificate). Types come from the usual imports.
import { createRequire } from 'node:module';

// Any absolute path will do: only Node's own modules are asked for, and the executable's path always exists.
const load = createRequire(process.execPath);

export function workerThreads(): typeof import('node:worker_threads') {
  return load('node:worker_threads') as typeof import('node:worker_threads');
}

export function tlsModule(): typeof import('node:tls') {
  return load('node:tls') as typeof import('node:tls');
}
