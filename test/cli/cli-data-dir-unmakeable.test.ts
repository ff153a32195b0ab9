// A data folder that cannot be made where it is asked for (under /proc, where mkdir says ENOENT although the
// parent exists) fails at once with the folder named and exit 73, for every command that writes: Node's own
// recursive mkdir would retry forever there.
import { describe, expect, it } from 'vitest';
import { runCli, sampleEml } from './harness';

describe.skipIf(process.platform !== 'linux')('a data folder under /proc', () => {
  it.each([
    [['send', '-t']],
    [['send', '-t', '--queue-only']],
    [['flush']],
    [['delete', 'abcd']],
    [
      [
        'account',
        'add',
        '--name',
        'A',
        '--email',
        'a@example.com',
        '--host',
        '127.0.0.1',
        '--port',
        '25',
        '--security',
        'none',
        '--insecure',
      ],
    ],
  ])('%j fails promptly, naming the folder (73)', async (args) => {
    const r = await runCli(['--data-dir', '/proc/outbox', ...args], { input: sampleEml(), timeoutMs: 15_000 });
    expect(r.code).toBe(73);
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('The data folder /proc/outbox cannot be created or written');
    expect(r.stdout).toBe('');
  });

  it('also when the folder is /proc itself, which even root may not make folders in', async () => {
    const r = await runCli(['--data-dir', '/proc', 'flush'], { timeoutMs: 15_000 });
    expect(r.code).toBe(73);
    expect(r.stderr).toContain('/proc');
  });
});
