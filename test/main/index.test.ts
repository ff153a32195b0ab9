// The composition root against a fake Electron and the real core: engine, account store, spool in a temp folder.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNELS } from '../../electron/shared/ipc-contract';
import { app, BrowserWindow, ipcMain, net } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-main-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('the composition root', () => {
  it('starts the services, opens the window, answers over IPC, and stops the engine once on quit', async () => {
    app.userData = dataDir;
    // Offline, so the queued message below stays put instead of being sent.
    net.isOnline.mockReturnValue(false);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('../../electron/main/index');
    expect(app.enableSandbox).toHaveBeenCalled();
    app.becomeReady();

    await vi.waitFor(() => expect(BrowserWindow.created).toHaveLength(1));
    const win = BrowserWindow.created[0]!;
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(win.options.webPreferences.preload).toMatch(/[\\/]preload[\\/]index\.cjs$/);
    const rendererFile = win.loadFile.mock.calls[0]?.[0] ?? '';
    expect(rendererFile).toMatch(/[\\/]renderer[\\/]index\.html$/);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());

    const event = { sender: { id: win.webContents.id }, senderFrame: { url: `file://${rendererFile}`, parent: null } };
    const call = (channel: string, ...args: unknown[]): Promise<any> => ipcMain.handlers.get(channel)!(event, ...args);

    expect(await call('outbox:list')).toEqual({ ok: true, value: [] });
    expect(await call('app:connectivity')).toEqual({ ok: true, value: { online: false } });
    // An unauthenticated relay: no keychain needed.
    const added = await call('account:add', { name: 'Relay', email: 'me@example.com', smtp: { host: '127.0.0.1', port: 2525, security: 'starttls', user: '' } });
    expect(added).toMatchObject({ ok: true, value: { email: 'me@example.com', status: 'ok' } });
    const queued = await call('outbox:enqueue', { to: ['you@example.com'], subject: 'Hello', text: 'Hi' });
    expect(queued).toMatchObject({ ok: true, value: { subject: 'Hello', accountId: added.value.id } });
    await vi.waitFor(() =>
      expect(win.webContents.send).toHaveBeenCalledWith('outbox:changed', expect.objectContaining({ type: 'changed' })),
    );

    const before = { preventDefault: vi.fn() };
    app.emit('before-quit', before);
    expect(before.preventDefault).toHaveBeenCalled();
    app.emit('before-quit', { preventDefault: vi.fn() });
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(1));
    expect(ipcMain.handlers.size).toBe(0);
  });
});
