// A value built on first use and kept. Schemas are made this way so that a process builds only those it
// parses: the `outbox` command starts once per message, and building every zod schema at load cost it milliseconds.

/** `build` runs once, at the first call; every call returns what it built. */
export function lazy<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => (built ??= { value: build() }).value;
}
