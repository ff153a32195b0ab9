// The composition root against a fake Electron and the real core: engine, account store, spool in a temp folder.
// The tests run in order against one started app, as Electron would run it: links first, quitting last.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { INVOKE_CHANNELS } from '../../electron/shared/ipc-contract';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, protocol, shell, Tray, type FakeImage } from './fake-electron';
import { RENDERER_URL } from '../../electron/main/app-protocol';

vi.mock('electron', () => import('./fake-electron'));

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-main-'));
afterAll(() => rm(dataDir, { recursive: true, force: true }));

// A relay that takes a message's DATA and then holds its reply until the test lets it go: a send in flight.
let releaseData: (() => void) | undefined;
let dataArrived!: () => void;
const dataStarted = new Promise<void>((resolve) => (dataArrived = resolve));
const stallingRelay = new SMTPServer({
  authOptional: true,
  hideSTARTTLS: true,
  logger: false,
  disableReverseLookup: true,
  onData(stream, _session, callback) {
    stream.resume();
    stream.on('end', () => {
      releaseData = () => callback(null, '2.0.0 Ok: queued as STALLED1');
      dataArrived();
    });
  },
});
await new Promise<void>((resolve) => stallingRelay.listen(0, '127.0.0.1', resolve));
const relayPort = (stallingRelay.server.address() as AddressInfo).port;
afterAll(() => new Promise<void>((resolve) => stallingRelay.close(() => resolve())));

let win: BrowserWindow;
let call: (channel: string, ...args: unknown[]) => Promise<any>;

describe('the composition root', () => {
  beforeAll(async () => {
    app.userData = dataDir;
    // A window placed on the (fake) 1920x1080 display last time, maximized.
    await writeFile(
      path.join(dataDir, 'window-state.json'),
      JSON.stringify({ bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: true }),
    );
    // Offline, so the queued message below stays put instead of being sent.
    net.isOnline.mockReturnValue(false);
    await import('../../electron/main/index');
  });

  it('listens for a macOS open-url link before the app is ready, and keeps it for the window', async () => {
    // The window's sandbox: true is the sandbox; app.enableSandbox() would strip an AppImage's --no-sandbox.
    expect(app.enableSandbox).not.toHaveBeenCalled();
    // The renderer's scheme is privileged before ready (Electron refuses it later).
    expect(protocol.privileged.map((s) => s.scheme)).toEqual(['app']);
    // The Windows notification identity is set on Windows only.
    expect(app.setAppUserModelId).not.toHaveBeenCalled();
    const event = { preventDefault: vi.fn() };
    app.emit('open-url', event, 'mailto:early@example.com?subject=From%20a%20link');
    expect(event.preventDefault).toHaveBeenCalled();
    app.becomeReady();

    await vi.waitFor(() => expect(BrowserWindow.created).toHaveLength(1));
    win = BrowserWindow.created[0]!;
    const sender = { sender: { id: win.webContents.id }, senderFrame: { url: `${RENDERER_URL}#/outbox`, parent: null } };
    call = (channel, ...args) => ipcMain.handlers.get(channel)!(sender, ...args);
    await vi.waitFor(() => expect(ipcMain.handlers.size).toBeGreaterThan(0));

    expect(await call('app:takeCommands')).toEqual({
      ok: true,
      value: [{ type: 'compose', prefill: { to: ['early@example.com'], cc: [], bcc: [], subject: 'From a link', body: '' } }],
    });
    expect(await call('app:takeCommands')).toEqual({ ok: true, value: [] });
  });

  it('serves the renderer on app://outbox/ with the CSP header, and asks nothing about email links in development', async () => {
    expect(win.loadURL).toHaveBeenCalledWith(RENDERER_URL);
    const page = await protocol.fetch(RENDERER_URL);
    // The renderer is not built for this test: the handler answers, with the policy, whatever it finds.
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src app:\/\/outbox/);
    win.emit('ready-to-show');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dialog.showMessageBox).not.toHaveBeenCalled();
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it('opens the window sandboxed, where it was last time, with every channel answered', () => {
    expect(win.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true });
    expect(win.options.webPreferences.preload).toMatch(/[\\/]preload[\\/]index\.cjs$/);
    expect(win.bounds).toEqual({ x: 100, y: 80, width: 1200, height: 800 });
    expect(win.maximized).toBe(true);
    expect([...ipcMain.handlers.keys()].sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('writes its log to the data folder, and Help ▸ Show Logs opens that folder', async () => {
    const log = await readFile(path.join(dataDir, 'logs', 'outbox.log'), 'utf8');
    expect(log).toMatch(/^\S+Z INFO  \[app\] data folder /m);
    expect(log).toMatch(/\[app\] outbox started as sender/);
    const template = Menu.setApplicationMenu.mock.calls[0]?.[0].template as Array<{
      role?: string;
      submenu?: Array<{ label?: string; click?: () => void }>;
    }>;
    template
      .find((item) => item.role === 'help')
      ?.submenu?.find((item) => item.label === 'Show Logs')
      ?.click?.();
    expect(shell.openPath).toHaveBeenCalledWith(path.join(dataDir, 'logs'));
  });

  it('sets the application menu and shows the waiting count in the tray (Linux here)', async () => {
    expect(Menu.setApplicationMenu).toHaveBeenCalledTimes(1);
    const template = Menu.setApplicationMenu.mock.calls[0]?.[0].template as Array<{ label?: string }>;
    expect(template.map((item) => item.label)).toContain('&File');
    expect(Tray.created).toHaveLength(1);
    // The app icon from the source tree, at 1x and 2x of Linux's 24-point tray size.
    expect((Tray.created[0]!.image as FakeImage).representations.map((r) => r.width)).toEqual([24, 48]);
    expect(Tray.created[0]!.setToolTip).toHaveBeenLastCalledWith('Outbox — nothing waiting');
  });

  it('answers over IPC, streams engine events to the window, and counts what waits', async () => {
    expect(await call('outbox:list')).toEqual({ ok: true, value: [] });
    expect(await call('app:connectivity')).toEqual({ ok: true, value: { online: false } });
    // An unauthenticated relay: no keychain needed.
    const added = await call('account:add', {
      name: 'Relay',
      email: 'me@example.com',
      smtp: { host: '127.0.0.1', port: 2525, security: 'starttls', user: '' },
    });
    expect(added).toMatchObject({ ok: true, value: { email: 'me@example.com', status: 'ok' } });
    const queued = await call('outbox:enqueue', { to: ['you@example.com'], subject: 'Hello', text: 'Hi' });
    expect(queued).toMatchObject({ ok: true, value: { subject: 'Hello', accountId: added.value.id } });
    await vi.waitFor(() =>
      expect(win.webContents.send).toHaveBeenCalledWith('outbox:changed', expect.objectContaining({ type: 'changed' })),
    );
    await vi.waitFor(() => expect(Tray.created[0]!.setToolTip).toHaveBeenLastCalledWith('Outbox — 1 waiting'));
  });

  it('brings the window forward for a second launch and pushes its link to the page that took its commands', async () => {
    win.minimized = true;
    app.emit('second-instance', {}, ['/usr/bin/outbox', 'mailto:second@example.com']);
    expect(win.restore).toHaveBeenCalled();
    expect(win.focus).toHaveBeenCalled();
    // The page called app:takeCommands (first test), so it listens: the link goes straight to it.
    expect(win.webContents.send).toHaveBeenCalledWith(
      'app:command',
      expect.objectContaining({ type: 'compose', prefill: expect.objectContaining({ to: ['second@example.com'] }) }),
    );

    app.emit('second-instance', {}, ['/usr/bin/outbox', 'mailto:third@example.com']);
    expect(win.webContents.send).toHaveBeenLastCalledWith(
      'app:command',
      expect.objectContaining({ prefill: expect.objectContaining({ to: ['third@example.com'] }) }),
    );
  });

  it("checks Electron's own signal when the renderer hints at a change", async () => {
    net.isOnline.mockClear();
    expect(await call('app:connectivityHint', true)).toEqual({ ok: true, value: { online: false } });
    expect(net.isOnline).toHaveBeenCalled();
  });

  it('quitting with a send in flight shows the note, keeps the window, and quits once the send is done', async () => {
    // The first message stays put (its relay does not exist); the second goes to the stalling relay.
    const [waiting] = (await call('outbox:list')).value;
    expect(await call('outbox:hold', waiting.id)).toMatchObject({ ok: true });
    const relay = await call('account:add', {
      name: 'Slow relay',
      email: 'slow@example.com',
      smtp: { host: '127.0.0.1', port: relayPort, security: 'none', insecure: true, user: '' },
    });
    expect(relay).toMatchObject({ ok: true });
    const queued = await call('outbox:enqueue', { accountId: relay.value.id, to: ['you@example.com'], subject: 'Slow one', text: 'Hi' });
    expect(queued).toMatchObject({ ok: true });
    // Undo send's default 10 s: the notification offers Undo (a click, on Linux); Send now skips the wait.
    await vi.waitFor(() => expect(Notification.created.map((n) => n.options.title)).toContain('Sending in 10 s: Slow one'));
    net.isOnline.mockReturnValue(true);
    await call('app:connectivityHint', true);
    void call('outbox:sendNow', queued.value.id);
    await dataStarted;

    // The held message and the one being sent.
    await vi.waitFor(() => expect(Tray.created[0]!.setToolTip).toHaveBeenLastCalledWith('Outbox — 2 waiting'));
    win.setBounds({ x: 120, y: 90, width: 1000, height: 700 });
    // Closing the last window quits on Linux: with a send in flight, the window stays up and quitting waits.
    expect(win.close()).toBe(false);
    expect(app.quit).toHaveBeenCalledTimes(1);
    const again = { preventDefault: vi.fn() };
    app.emit('before-quit', again);
    expect(again.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(win.webContents.send).toHaveBeenCalledWith('app:command', { type: 'quitting', sending: 1 }));
    // While the send is finishing, the window stays open to show the note, and the app does not quit.
    expect(win.close()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(app.quit).toHaveBeenCalledTimes(1);

    releaseData!();
    await vi.waitFor(() => expect(app.quit).toHaveBeenCalledTimes(2), { timeout: 5_000 });
    // The window saw the message land, and the user (window not focused) is told.
    expect(win.webContents.send).toHaveBeenCalledWith(
      'outbox:changed',
      expect.objectContaining({ type: 'changed', message: expect.objectContaining({ subject: 'Slow one', state: 'sent' }) }),
    );
    expect(Notification.created.map((n) => n.options.title)).toContain('Sent: Slow one');
    expect(ipcMain.handlers.size).toBe(0);
    expect(Tray.created[0]!.destroy).toHaveBeenCalled();
    expect(win.close()).toBe(true);
    await vi.waitFor(async () =>
      expect(JSON.parse(await readFile(path.join(dataDir, 'window-state.json'), 'utf8')).bounds).toEqual({
        x: 120,
        y: 90,
        width: 1000,
        height: 700,
      }),
    );
  });
});
