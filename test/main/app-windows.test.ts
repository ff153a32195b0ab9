// The app's windows as the user meets them: the first opens where the last one was (on a screen that still exists),
// comes forward when asked, keeps its place for the next, and closing the last one with a send in flight quits with
// the window still up; a page that cannot load says so and quits.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppWindows, type AppWindowsOptions } from '../../electron/main/app-windows';
import type { QuitPhase } from '../../electron/main/lifecycle';
import { createMainWindow } from '../../electron/main/window';
import type { WindowState } from '../../electron/main/window-state';
import { BrowserWindow } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const SCREEN = { x: 0, y: 0, width: 1920, height: 1080 };
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-windows-'));
  BrowserWindow.created.length = 0;
  BrowserWindow.focused = null;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function setup(overrides: { saved?: WindowState; platform?: NodeJS.Platform; sending?: number } = {}) {
  const quit = { phase: vi.fn((): QuitPhase => 'running'), holdsWindows: vi.fn(() => false), systemEnding: vi.fn() };
  const dialog = {
    showOpenDialog: vi.fn(async (..._args: unknown[]) => ({ canceled: false, filePaths: ['/home/ann/report.pdf'] })),
    showErrorBox: vi.fn(),
  };
  const options = {
    create: (state: WindowState, onLoadFailed: (error: unknown) => void) =>
      createMainWindow({ preloadPath: '/app/preload.cjs', state, onLoadFailed }),
    screens: () => ({ all: [SCREEN], primary: SCREEN }),
    saved: overrides.saved,
    stateFile: path.join(dir, 'window-state.json'),
    platform: overrides.platform ?? 'linux',
    quit,
    sendsInFlight: () => overrides.sending ?? 0,
    requestQuit: vi.fn(),
    exit: vi.fn(),
    focusedWindow: () => BrowserWindow.focused as never,
    dialog: dialog as never,
    onOpen: vi.fn(),
  } satisfies AppWindowsOptions;
  return { windows: new AppWindows(options), options, quit, dialog };
}

const last = (): BrowserWindow => BrowserWindow.created.at(-1)!;

describe('AppWindows', () => {
  it('opens the first window where the last one was, and one saved on a screen now gone on the screen there is', () => {
    const { windows, options } = setup({
      saved: { bounds: { x: 100, y: 80, width: 1200, height: 800 }, maximized: false, fullScreen: false },
    });
    const win = windows.open() as unknown as BrowserWindow;
    expect(win.bounds).toEqual({ x: 100, y: 80, width: 1200, height: 800 });
    expect(options.onOpen).toHaveBeenCalledWith(win);
    expect(windows.has(win.webContents.id)).toBe(true);

    const away = setup({
      saved: { bounds: { x: 4000, y: 2000, width: 1200, height: 800 }, maximized: false, fullScreen: false },
    }).windows.open() as unknown as BrowserWindow;
    expect(away.bounds.x + away.bounds.width).toBeLessThanOrEqual(SCREEN.width);
    expect(away.bounds.y + away.bounds.height).toBeLessThanOrEqual(SCREEN.height);
  });

  it('opens the next window where the user left the last one, and saves that place for the next start', async () => {
    const { windows, options } = setup();
    const first = windows.open() as unknown as BrowserWindow;
    first.setBounds({ x: 300, y: 200, width: 900, height: 650 });
    expect(first.close()).toBe(true);
    expect(windows.has(first.webContents.id)).toBe(false);
    const second = windows.open() as unknown as BrowserWindow;
    expect(second.bounds).toEqual({ x: 300, y: 200, width: 900, height: 650 });
    await windows.flush();
    expect(JSON.parse(await readFile(options.stateFile, 'utf8'))).toMatchObject({ bounds: { x: 300, y: 200, width: 900, height: 650 } });
  });

  it('brings the window forward when asked (restored, shown, focused), and opens one when there is none', () => {
    const { windows } = setup();
    const opened = windows.show() as unknown as BrowserWindow;
    expect(BrowserWindow.created).toHaveLength(1);
    opened.minimized = true;
    expect(windows.show()).toBe(opened);
    expect(opened.restore).toHaveBeenCalled();
    expect(opened.focus).toHaveBeenCalled();
    expect(BrowserWindow.created).toHaveLength(1);
  });

  it('reveals a minimized window for quitting without opening one or taking the focus', () => {
    const { windows } = setup();
    windows.reveal();
    expect(BrowserWindow.created).toHaveLength(0);
    const win = windows.open() as unknown as BrowserWindow;
    win.minimized = true;
    windows.reveal();
    expect(win.restore).toHaveBeenCalled();
    expect(win.show).toHaveBeenCalled();
    expect(win.focus).not.toHaveBeenCalled();
  });

  it('closing the last window with a send in flight quits with the window still up (Windows and Linux)', () => {
    const { windows, options } = setup({ platform: 'win32', sending: 1 });
    const win = windows.open() as unknown as BrowserWindow;
    expect(win.close()).toBe(false);
    expect(options.requestQuit).toHaveBeenCalledTimes(1);
    expect(windows.has(win.webContents.id)).toBe(true);
  });

  it('closes the last window on macOS even with a send in flight: the app stays in the Dock and keeps sending', () => {
    const { windows, options } = setup({ platform: 'darwin', sending: 1 });
    expect((windows.open() as unknown as BrowserWindow).close()).toBe(true);
    expect(options.requestQuit).not.toHaveBeenCalled();
  });

  it('keeps the window open while quitting waits for sends, and lets it go once the system is ending', () => {
    const { windows, quit } = setup();
    const win = windows.open() as unknown as BrowserWindow;
    quit.holdsWindows.mockReturnValue(true);
    expect(win.close()).toBe(false);
    win.emit('query-session-end');
    expect(quit.systemEnding).toHaveBeenCalled();
    quit.holdsWindows.mockReturnValue(false);
    expect(win.close()).toBe(true);
  });

  it('asks for files to attach over the focused window, else the open one', async () => {
    const { windows, dialog } = setup();
    const win = windows.open() as unknown as BrowserWindow;
    expect(await windows.pickFiles()).toEqual(['/home/ann/report.pdf']);
    expect(dialog.showOpenDialog).toHaveBeenLastCalledWith(
      win,
      expect.objectContaining({ title: 'Attach files', properties: ['openFile', 'multiSelections'] }),
    );
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    expect(await windows.pickFiles()).toEqual([]);
    expect(windows.anyFocused()).toBe(false);
    BrowserWindow.focused = win;
    expect(windows.anyFocused()).toBe(true);
  });

  it('says the window cannot open when its page cannot load (a damaged install), and quits', async () => {
    const { windows, options, dialog } = setup();
    BrowserWindow.failNextLoad = new Error('ERR_FILE_NOT_FOUND');
    try {
      windows.open();
    } finally {
      BrowserWindow.failNextLoad = null;
    }
    await vi.waitFor(() => expect(options.exit).toHaveBeenCalledWith(1));
    expect(dialog.showErrorBox).toHaveBeenCalledWith(
      'Outbox could not open its window',
      expect.stringMatching(/^ERR_FILE_NOT_FOUND\n\nReinstalling Outbox should fix this/),
    );
    expect(last().loadURL).toHaveBeenCalled();
  });
});
