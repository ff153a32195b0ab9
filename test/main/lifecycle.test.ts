import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installQuitHandler } from '../../electron/main/lifecycle';

function fakeApp() {
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const requestQuit = () => {
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    return event;
  };
  return { app, requestQuit };
}

describe('quitting', () => {
  it('stops the services once, then quits for real', async () => {
    const { app, requestQuit } = fakeApp();
    let finish!: () => void;
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    installQuitHandler(app as never, { stop });

    expect(requestQuit().preventDefault).toHaveBeenCalled();
    expect(requestQuit().preventDefault).toHaveBeenCalled();
    await Promise.resolve();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();

    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    // The quit that follows is let through.
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('quits even when stopping fails', async () => {
    const { app, requestQuit } = fakeApp();
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    installQuitHandler(app as never, { stop: async () => Promise.reject(new Error('disk gone')), logger });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('disk gone'));
  });

  it('quits anyway when stopping hangs past the limit', async () => {
    const { app, requestQuit } = fakeApp();
    installQuitHandler(app as never, { stop: () => new Promise<void>(() => {}), hardLimitMs: 20 });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled(), { timeout: 1000 });
  });

  it('with a send in flight, tells the window first and quits only once the send has finished', async () => {
    const { app, requestQuit } = fakeApp();
    const order: string[] = [];
    let finish!: () => void;
    const onWaitingForSends = vi.fn((n: number) => void order.push(`note ${n}`));
    const handle = installQuitHandler(app as never, {
      sendsInFlight: async () => 1,
      onWaitingForSends,
      stop: () => {
        order.push('stop');
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    expect(handle.phase()).toBe('running');
    requestQuit();
    await vi.waitFor(() => expect(order).toEqual(['note 1', 'stop']));
    expect(handle.phase()).toBe('stopping');
    // The window (which stays open while stopping) hears a second Quit as nothing new.
    expect(requestQuit().preventDefault).toHaveBeenCalled();
    expect(onWaitingForSends).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();

    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(handle.phase()).toBe('stopped');
  });

  it('shows no note when nothing is being sent', async () => {
    const { app, requestQuit } = fakeApp();
    const onWaitingForSends = vi.fn();
    installQuitHandler(app as never, { sendsInFlight: () => 0, onWaitingForSends, stop: async () => undefined });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(onWaitingForSends).not.toHaveBeenCalled();
  });

  it('still stops and quits when the sends cannot be counted', async () => {
    const { app, requestQuit } = fakeApp();
    const stop = vi.fn(async () => undefined);
    installQuitHandler(app as never, { sendsInFlight: async () => Promise.reject(new Error('spool gone')), onWaitingForSends: vi.fn(), stop });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(stop).toHaveBeenCalledTimes(1);
  });
});
