import { describe, expect, it, vi } from 'vitest';
import { QueuedCount, WAITING_STATES } from '../../electron/main/queued-count';
import type { MessageState, OutboxMessage } from '../../electron/shared/message';
import { manualClock } from './manual-clock';

const withStates = (...states: MessageState[]): OutboxMessage[] => states.map((state, i) => ({ id: `m${i}`, state }) as OutboxMessage);

describe('the waiting count', () => {
  it('counts queued, scheduled, sending and held messages, asking the engine for those states only', async () => {
    const list = vi.fn(async () => withStates('queued', 'scheduled', 'sending', 'held', 'sending'));
    const onCount = vi.fn();
    const count = new QueuedCount({ list, onCount, clock: manualClock().clock });
    expect(await count.refresh()).toEqual({ waiting: 5, sending: 2 });
    expect(list).toHaveBeenCalledWith({ states: WAITING_STATES });
    expect(onCount).toHaveBeenCalledWith({ waiting: 5, sending: 2 });
  });

  it('recounts once after a burst of changes settles, and ignores progress events', async () => {
    let messages = withStates('queued', 'queued');
    const list = vi.fn(async () => messages);
    const onCount = vi.fn();
    const { clock, advance } = manualClock();
    const count = new QueuedCount({ list, onCount, clock, debounceMs: 250 });
    count.handle({ type: 'progress', id: 'm0', sent: 1, total: 2 });
    advance(1_000);
    expect(list).not.toHaveBeenCalled();
    for (let i = 0; i < 20; i++) count.handle({ type: 'changed', message: messages[0]! });
    messages = withStates('queued');
    advance(250);
    expect(list).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(onCount).toHaveBeenLastCalledWith({ waiting: 1, sending: 0 }));
  });

  it('reports only when a number changed', async () => {
    const onCount = vi.fn();
    const count = new QueuedCount({ list: async () => withStates('queued'), onCount, clock: manualClock().clock });
    await count.refresh();
    await count.refresh();
    expect(onCount).toHaveBeenCalledTimes(1);
  });

  it('keeps the last count when the engine cannot list', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const count = new QueuedCount({
      list: async () => Promise.reject(new Error('spool gone')),
      onCount: vi.fn(),
      clock: manualClock().clock,
      logger,
    });
    expect(await count.refresh()).toEqual({ waiting: 0, sending: 0 });
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('spool gone'));
  });
});
