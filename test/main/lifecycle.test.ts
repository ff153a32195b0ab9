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
});
