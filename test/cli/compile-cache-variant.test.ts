// cacheVariant (electron/cli/compile-cache.ts): the kind of run a command line is, guessed before it is parsed, so
// that each kind keeps its own code cache. Sendmail's ways of asking for a queue-only send count as one.
import { describe, expect, it } from 'vitest';
import { cacheVariant } from '../../electron/cli/compile-cache';

describe('the kind of run, for the compile cache', () => {
  it.each([
    [['send', '-t'], '', 'send'],
    [['send', '-t', '--queue-only'], '', 'send-queue'],
    [['send', '-odq', '-t'], '', 'send-queue'],
    [['--data-dir', '/tmp/x', 'send', '-ti'], '', 'send'],
    [['--data-dir', 'queue', 'flush'], '', 'flush'],
    [['account', 'add', '--name', 'A'], '', 'account'],
    [['queue', '--json'], '', 'queue'],
    [['-t', '-i'], '/usr/sbin/sendmail', 'send'],
    [['-odq', 'ann@example.com'], '/usr/lib/sendmail', 'send-queue'],
    [['ann@example.com'], '/usr/local/bin/outbox', 'send'],
    [['../../etc'], '', 'send'],
    [[], '', 'send'],
  ])('%j as %s is %s', (argv, invokedAs, kind) => {
    expect(cacheVariant(argv, invokedAs)).toBe(kind);
  });
});
