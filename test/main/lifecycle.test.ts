import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { installQuitHandler, quitWhenWindowsClose } from '../../electron/main/lifecycle';

function fakeApp() {
  const app = Object.assign(new EventEmitter(), { quit: vi.fn() });
  const requestQuit = () => {
    const event = { preventDefault: vi.fn() };
    app.emit('before-quit', event);
    return event;
  };
  return { app, requestQuit, powerMonitor: new EventEmitter() };
}

describe('quitting', () => {
  it('with nothing being sent, lets the quit through at once and stops the services once', async () => {
    const { app, requestQuit } = fakeApp();
    const stop = vi.fn(async () => undefined);
    const handle = installQuitHandler(app as never, { stop, sendsInFlight: () => 0, onWaitingForSends: vi.fn() });
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(handle.phase()).toBe('stopped');
    expect(handle.holdsWindows()).toBe(false);
    expect(stop).toHaveBeenCalledTimes(1);
    // Electron's own later before-quit (after the windows closed) goes through too, without stopping twice.
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();
  });

  it('with a send in flight, tells the window, holds the quit and its windows, and quits once the send has finished', async () => {
    const { app, requestQuit } = fakeApp();
    let finish!: () => void;
    const onWaitingForSends = vi.fn();
    const stop = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const handle = installQuitHandler(app as never, { sendsInFlight: () => 1, onWaitingForSends, stop });
    expect(handle.phase()).toBe('running');
    expect(requestQuit().preventDefault).toHaveBeenCalled();
    expect(onWaitingForSends).toHaveBeenCalledWith(1);
    expect(handle.phase()).toBe('stopping');
    expect(handle.holdsWindows()).toBe(true);
    // A second Quit while waiting is nothing new.
    expect(requestQuit().preventDefault).toHaveBeenCalled();
    expect(onWaitingForSends).toHaveBeenCalledTimes(1);
    expect(stop).toHaveBeenCalledTimes(1);
    expect(app.quit).not.toHaveBeenCalled();

    finish();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(handle.phase()).toBe('stopped');
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
  });

  it('never holds the system shutting down, restarting or logging out, even with a send in flight', () => {
    const { app, requestQuit, powerMonitor } = fakeApp();
    const stop = vi.fn(async () => undefined);
    const onWaitingForSends = vi.fn();
    const handle = installQuitHandler(app as never, { sendsInFlight: () => 2, onWaitingForSends, stop, system: powerMonitor });
    powerMonitor.emit('shutdown');
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(handle.holdsWindows()).toBe(false);
    expect(onWaitingForSends).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('lets go at once when the system starts shutting down while a quit waits for a send', () => {
    const { app, requestQuit, powerMonitor } = fakeApp();
    const handle = installQuitHandler(app as never, {
      sendsInFlight: () => 1,
      stop: () => new Promise<void>(() => {}),
      system: powerMonitor,
    });
    expect(requestQuit().preventDefault).toHaveBeenCalled();
    expect(handle.holdsWindows()).toBe(true);
    powerMonitor.emit('shutdown');
    expect(handle.holdsWindows()).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
  });

  it("Windows' session end (reported by the window) lets quits and closes through", () => {
    const { app, requestQuit } = fakeApp();
    const handle = installQuitHandler(app as never, { sendsInFlight: () => 1, stop: async () => undefined });
    handle.systemEnding();
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(handle.holdsWindows()).toBe(false);
  });

  it('quits even when stopping fails', async () => {
    const { app, requestQuit } = fakeApp();
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    installQuitHandler(app as never, { sendsInFlight: () => 1, stop: async () => Promise.reject(new Error('disk gone')), logger });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled());
    expect(logger.error).toHaveBeenCalledWith(expect.stringMatching(/^\[app\] .*disk gone/));
  });

  it('quits anyway when stopping hangs past the limit', async () => {
    const { app, requestQuit } = fakeApp();
    installQuitHandler(app as never, { sendsInFlight: () => 1, stop: () => new Promise<void>(() => {}), hardLimitMs: 20 });
    requestQuit();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalled(), { timeout: 1000 });
  });

  it('does not hold the quit when the sends cannot be counted', () => {
    const { app, requestQuit } = fakeApp();
    const stop = vi.fn(async () => undefined);
    installQuitHandler(app as never, {
      sendsInFlight: () => {
        throw new Error('spool gone');
      },
      onWaitingForSends: vi.fn(),
      stop,
    });
    expect(requestQuit().preventDefault).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });
});

describe('quitWhenWindowsClose', () => {
  it('quits once the last window closes on Windows and Linux, and stays in the Dock on macOS', () => {
    for (const [platform, quits] of [
      ['win32', 1],
      ['linux', 1],
      ['darwin', 0],
    ] as const) {
      const { app } = fakeApp();
      quitWhenWindowsClose(app as never, platform);
      app.emit('window-all-closed');
      expect(app.quit, platform).toHaveBeenCalledTimes(quits);
    }
  });
});
