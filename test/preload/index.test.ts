import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type OutboxApi } from '../../electron/shared/ipc-contract';
import type { OutboxEvent } from '../../electron/shared/message';

const electron = await vi.hoisted(async () => {
  // Imported here: vi.hoisted runs before the imports above are bound.
  const { EventEmitter } = await import('node:events');
  const ipcRenderer = Object.assign(new EventEmitter(), { invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null })) });
  const exposed = new Map<string, unknown>();
  const contextBridge = { exposeInMainWorld: vi.fn((key: string, api: unknown) => void exposed.set(key, api)) };
  return { ipcRenderer, contextBridge, exposed };
});

vi.mock('electron', () => ({ ipcRenderer: electron.ipcRenderer, contextBridge: electron.contextBridge }));

await import('../../electron/preload/index');
const api = electron.exposed.get('outbox') as OutboxApi & Record<string, Record<string, unknown>>;

describe('the preload', () => {
  it('exposes one API object as window.outbox', () => {
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledWith('outbox', expect.any(Object));
  });

  it('has a method for every contract channel and nothing else', () => {
    const exposed = Object.entries(api).flatMap(([domain, value]) =>
      typeof value === 'function' ? [domain] : Object.keys(value).map((verb) => `${domain}:${verb}`),
    );
    expect(exposed.sort()).toEqual([...INVOKE_CHANNELS, 'on'].sort());
  });

  it('never hands out ipcRenderer or its functions', () => {
    const leaves = Object.values(api).flatMap((value) => (typeof value === 'function' ? [value] : Object.values(value)));
    const own = new Set<unknown>([electron.ipcRenderer, electron.ipcRenderer.invoke, electron.ipcRenderer.on, electron.ipcRenderer.emit]);
    for (const leaf of leaves) {
      expect(typeof leaf).toBe('function');
      expect(own.has(leaf)).toBe(false);
    }
  });

  it('invokes each method on its own channel with the arguments given', async () => {
    for (const channel of INVOKE_CHANNELS) {
      const [domain = '', verb = ''] = channel.split(':');
      electron.ipcRenderer.invoke.mockClear();
      const method = api[domain]?.[verb] as (...args: unknown[]) => Promise<unknown>;
      await expect(method('a', { b: 1 })).resolves.toEqual({ ok: true, value: null });
      expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(channel, 'a', { b: 1 });
    }
  });

  it('delivers pushed events without the Electron event object, until unsubscribed', () => {
    const listener = vi.fn();
    const off = api.on('outbox:changed', listener);
    const payload: OutboxEvent = { type: 'connectivity', online: false };
    electron.ipcRenderer.emit('outbox:changed', { sender: electron.ipcRenderer, senderId: 0 }, payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);
    off();
    electron.ipcRenderer.emit('outbox:changed', {}, payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(electron.ipcRenderer.listenerCount('outbox:changed')).toBe(0);
  });

  it('subscribes to every event channel of the contract, and to nothing else', () => {
    for (const channel of EVENT_CHANNELS) {
      const listener = vi.fn();
      const off = api.on(channel, listener);
      electron.ipcRenderer.emit(channel, {}, { probe: channel });
      expect(listener).toHaveBeenCalledWith({ probe: channel });
      off();
    }
    expect(() => api.on('outbox:secret' as never, vi.fn())).toThrow(TypeError);
    expect(electron.ipcRenderer.listenerCount('outbox:secret')).toBe(0);
  });

  it('refuses a listener that is not a function', () => {
    expect(() => api.on('outbox:changed', 'nope' as never)).toThrow(TypeError);
  });
});
