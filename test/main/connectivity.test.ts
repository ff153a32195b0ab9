import { describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { ConnectivityMonitor, listenForWakeSignals } from '../../electron/main/connectivity';
import { manualClock } from './manual-clock';

describe('ConnectivityMonitor', () => {
  it('starts from the probe and polls it on the interval, reporting changes only', () => {
    const { clock, advance } = manualClock();
    let online = true;
    const monitor = new ConnectivityMonitor({ probe: () => online, clock, intervalMs: 1000 });
    const seen: boolean[] = [];
    monitor.onChange((state) => seen.push(state));
    expect(monitor.isOnline()).toBe(true);

    advance(1000);
    online = false;
    advance(999);
    expect(seen).toEqual([]);
    advance(1);
    expect(seen).toEqual([false]);
    advance(5000);
    expect(seen).toEqual([false]);
    online = true;
    advance(1000);
    expect(seen).toEqual([false, true]);
    expect(monitor.isOnline()).toBe(true);
  });

  it('keeps the last state when the probe throws', () => {
    const { clock, advance } = manualClock();
    const probe = vi.fn(() => false);
    const monitor = new ConnectivityMonitor({ probe, clock, intervalMs: 10 });
    probe.mockImplementation(() => {
      throw new Error('net is not ready');
    });
    advance(10);
    expect(monitor.isOnline()).toBe(false);
  });

  it('polls at once on request and takes reports from elsewhere', () => {
    const { clock } = manualClock();
    let online = false;
    const monitor = new ConnectivityMonitor({ probe: () => online, clock });
    const seen: boolean[] = [];
    monitor.onChange((state) => seen.push(state));
    online = true;
    monitor.poll();
    monitor.report(false);
    monitor.report(false);
    expect(seen).toEqual([true, false]);
  });

  it('keeps telling the other listeners when one throws, and unsubscribes', () => {
    const { clock } = manualClock();
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const monitor = new ConnectivityMonitor({ probe: () => true, clock, logger });
    const good = vi.fn();
    monitor.onChange(() => {
      throw new Error('bad listener');
    });
    const off = monitor.onChange(good);
    monitor.report(false);
    expect(good).toHaveBeenCalledWith(false);
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('[connectivity]'));
    off();
    monitor.report(true);
    expect(good).toHaveBeenCalledTimes(1);
  });

  it('stops polling once disposed', () => {
    const { clock, advance, pending } = manualClock();
    const probe = vi.fn(() => true);
    const monitor = new ConnectivityMonitor({ probe, clock, intervalMs: 10 });
    monitor.dispose();
    expect(pending()).toBe(0);
    advance(100);
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('polls on an unref’d timer by default, so it never keeps the process alive', () => {
    const spy = vi.spyOn(globalThis, 'setTimeout');
    const monitor = new ConnectivityMonitor({ probe: () => true });
    const timer = spy.mock.results.at(-1)?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    monitor.dispose();
    spy.mockRestore();
  });
});

describe('wake-up signals', () => {
  it('looks at the network at once after sleep or an unlock, and stops listening when asked', () => {
    const { clock } = manualClock();
    let online = false;
    const monitor = new ConnectivityMonitor({ probe: () => online, clock, intervalMs: 60_000 });
    const changes: boolean[] = [];
    monitor.onChange((value) => changes.push(value));
    const power = new EventEmitter();
    const stop = listenForWakeSignals(power, monitor);

    online = true;
    power.emit('resume');
    expect(changes).toEqual([true]);
    online = false;
    power.emit('unlock-screen');
    expect(changes).toEqual([true, false]);

    stop();
    online = true;
    power.emit('resume');
    expect(changes).toEqual([true, false]);
    expect(power.listenerCount('resume') + power.listenerCount('unlock-screen')).toBe(0);
  });
});
