// `outbox flush` with nothing due says so in a sentence with a next step, instead of printing nothing.
import { afterAll, describe, expect, it } from 'vitest';
import { relayAccountArgs, Workspace } from './harness';

describe('outbox flush with nothing due', () => {
  const ws = new Workspace();
  afterAll(() => ws.remove());

  it('says nothing was due and where to look, exit 0, with and without --wait', async () => {
    await ws.run([...relayAccountArgs('Relay', 'ann@example.com', '127.0.0.1', '9')]);
    // A message for much later is not due: flush leaves it alone.
    const later = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 'Later', '--text', 'Hi', '--at', '2099-01-01 09:00']);
    expect(later.code).toBe(0);
    for (const args of [['flush'], ['flush', '--wait']]) {
      const r = await ws.run(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr.trim(), args.join(' ')).toBe(
        "outbox: nothing was due to be sent. 'outbox queue' lists what waits for a later time or for you.",
      );
    }
    expect((await ws.run(['queue'])).stdout).toMatch(/scheduled\s+ann@example\.com\s+bob@example\.org\s+Later/);
  });
});
