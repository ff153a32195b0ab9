import { describe, expect, it } from 'vitest';
import { CommandRouter } from '../../electron/main/commands';
import type { AppCommand } from '../../electron/shared/ipc-contract';
import { FakeWebContents } from './fake-electron';

const compose: AppCommand = { type: 'compose', prefill: { to: ['a@example.com'], cc: [], bcc: [], subject: 'Hi', body: '' } };

describe('CommandRouter', () => {
  it('keeps commands that come before the window exists until the renderer takes them, once', () => {
    const router = new CommandRouter();
    router.deliver(compose);
    router.deliver({ type: 'show', screen: 'settings' });
    expect(router.take()).toEqual([compose, { type: 'show', screen: 'settings' }]);
    expect(router.take()).toEqual([]);
  });

  it('keeps a launch link when the page has loaded but React has not subscribed yet, until the renderer takes it', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    router.deliver(compose);
    // did-finish-load fires before React's effect subscribes: a push now would reach no listener.
    contents.emit('did-finish-load');
    router.deliver({ type: 'show', screen: 'outbox' });
    expect(contents.send).not.toHaveBeenCalled();
    expect(router.take()).toEqual([compose, { type: 'show', screen: 'outbox' }]);
  });

  it('pushes straight to a page once it has taken its commands', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    expect(router.take()).toEqual([]);
    router.deliver({ type: 'open-message', id: 'm1' });
    expect(contents.send).toHaveBeenCalledWith('app:command', { type: 'open-message', id: 'm1' });
    expect(router.take()).toEqual([]);
  });

  it('keeps commands again while the page reloads, and after the window is gone, until the next page takes them', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    router.take();
    contents.emit('did-start-loading');
    router.deliver({ type: 'send' });
    contents.emit('did-finish-load');
    expect(contents.send).not.toHaveBeenCalled();
    expect(router.take()).toEqual([{ type: 'send' }]);
    router.deliver({ type: 'compose' });
    expect(contents.send).toHaveBeenCalledTimes(1);
    contents.destroyed = true;
    contents.emit('destroyed');
    router.deliver({ type: 'show', screen: 'outbox' });
    expect(contents.send).toHaveBeenCalledTimes(1);
    // A takeCommands with no window (a late call from the closed page) does not make the next window ready.
    expect(router.take()).toEqual([{ type: 'show', screen: 'outbox' }]);
    const next = new FakeWebContents();
    router.attach(next);
    router.deliver({ type: 'compose' });
    expect(next.send).not.toHaveBeenCalled();
    expect(router.take()).toEqual([{ type: 'compose' }]);
  });

  it('does not grow without bound when nobody takes the commands', () => {
    const router = new CommandRouter();
    for (let i = 0; i < 500; i++) router.deliver({ type: 'open-message', id: `m${i}` });
    const taken = router.take();
    expect(taken.length).toBeLessThanOrEqual(50);
    expect(taken.at(-1)).toEqual({ type: 'open-message', id: 'm499' });
  });
});
