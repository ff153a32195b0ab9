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

  it('keeps commands while the page is loading and pushes the leftovers when it has loaded', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    router.deliver(compose);
    expect(contents.send).not.toHaveBeenCalled();
    contents.emit('did-finish-load');
    expect(contents.send).toHaveBeenCalledWith('app:command', compose);
    expect(router.take()).toEqual([]);
  });

  it('pushes straight to a loaded page', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    contents.emit('did-finish-load');
    router.deliver({ type: 'open-message', id: 'm1' });
    expect(contents.send).toHaveBeenCalledWith('app:command', { type: 'open-message', id: 'm1' });
  });

  it('queues again while the page reloads, and after the window is gone', () => {
    const router = new CommandRouter();
    const contents = new FakeWebContents();
    router.attach(contents);
    contents.emit('did-finish-load');
    contents.emit('did-start-loading');
    router.deliver({ type: 'send' });
    expect(contents.send).not.toHaveBeenCalled();
    contents.emit('did-finish-load');
    expect(contents.send).toHaveBeenCalledTimes(1);
    contents.destroyed = true;
    contents.emit('destroyed');
    router.deliver({ type: 'compose' });
    expect(contents.send).toHaveBeenCalledTimes(1);
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
