import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { applyWindowState, loadWindowState, placeWindow, trackWindowState } from '../../electron/main/window-state';
import { BrowserWindow } from './fake-electron';
import { manualClock } from './manual-clock';

const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-window-state-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
let n = 0;
const stateFile = (): string => path.join(dir, `window-state-${n++}.json`);

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const rightMonitor = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('placing the window', () => {
  it('puts the window back where it was when that place is still on a display', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: true, fullScreen: false };
    expect(placeWindow(saved, [laptop, rightMonitor], laptop)).toEqual(saved);
  });

  it('accepts a window straddling two displays', () => {
    const saved = { bounds: { x: 1000, y: 100, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    expect(placeWindow(saved, [laptop, rightMonitor], laptop)).toEqual(saved);
  });

  it('centres the default size on the primary display when the saved monitor is gone', () => {
    const saved = { bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: true, fullScreen: false };
    expect(placeWindow(saved, [laptop], laptop)).toEqual({
      bounds: { x: 220, y: 88, width: 1000, height: 700 },
      maximized: false,
      fullScreen: false,
    });
  });

  it('centres the default size when the window would be mostly off screen', () => {
    const saved = { bounds: { x: 1000, y: 600, width: 1000, height: 700 }, maximized: false, fullScreen: false };
    expect(placeWindow(saved, [laptop], laptop).bounds).toEqual({ x: 220, y: 88, width: 1000, height: 700 });
  });

  it('fits the default size into a small primary display', () => {
    const small = { x: 0, y: 25, width: 800, height: 575 };
    expect(placeWindow(undefined, [small], small).bounds).toEqual({ x: 0, y: 25, width: 800, height: 575 });
  });

  it('places the window at once, and maximizes or goes full screen only once its first paint is ready, then shows it', () => {
    const win = new BrowserWindow({});
    applyWindowState(win, { bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: true, fullScreen: false });
    expect(win.bounds).toEqual({ x: 10, y: 20, width: 900, height: 600 });
    // maximize() on a hidden window shows it: before the first paint that is a blank window.
    expect(win.maximized).toBe(false);
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.maximized).toBe(true);
    expect(win.show).toHaveBeenCalledTimes(1);
    const full = new BrowserWindow({});
    applyWindowState(full, { bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: false, fullScreen: true });
    expect(full.fullScreen).toBe(false);
    full.emit('ready-to-show');
    expect(full.fullScreen).toBe(true);
  });

  it('writes the state before a close returns, so a quit that waits for nothing still keeps it', async () => {
    const file = stateFile();
    const win = new BrowserWindow({});
    trackWindowState(win, { file });
    win.setBounds({ x: 33, y: 44, width: 1111, height: 777 });
    win.emit('close');
    // No await: the file is there synchronously.
    expect(JSON.parse(readFileSync(file, 'utf8')).bounds).toEqual({ x: 33, y: 44, width: 1111, height: 777 });
  });
});

describe('remembering the window', () => {
  it('saves once resizing settles, and reads the same state back', async () => {
    const file = stateFile();
    const { clock, advance } = manualClock();
    const win = new BrowserWindow({});
    const tracker = trackWindowState(win, { file, clock, debounceMs: 500 });
    win.setBounds({ x: 50, y: 60, width: 1100, height: 750 });
    win.emit('resize');
    win.emit('move');
    await tracker.flush();
    expect(await loadWindowState(file)).toEqual({
      bounds: { x: 50, y: 60, width: 1100, height: 750 },
      maximized: false,
      fullScreen: false,
    });

    win.maximized = true;
    win.emit('maximize');
    advance(499);
    expect(JSON.parse(await readFile(file, 'utf8')).maximized).toBe(false);
    advance(1);
    await tracker.flush();
    expect(JSON.parse(await readFile(file, 'utf8')).maximized).toBe(true);
  });

  it('saves at once when the window closes', async () => {
    const file = stateFile();
    const win = new BrowserWindow({});
    const tracker = trackWindowState(win, { file, clock: manualClock().clock });
    win.setBounds({ x: 5, y: 6, width: 700, height: 500 });
    win.close();
    await tracker.flush();
    expect((await loadWindowState(file))?.bounds).toEqual({ x: 5, y: 6, width: 700, height: 500 });
  });

  it('treats a missing or tampered file as no saved state', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    expect(await loadWindowState(path.join(dir, 'absent.json'), logger)).toBeUndefined();
    const bad = stateFile();
    await writeFile(bad, '{"bounds":{"x":0,"y":0,"width":"wide","height":10}}');
    expect(await loadWindowState(bad, logger)).toBeUndefined();
    await writeFile(bad, 'not json');
    expect(await loadWindowState(bad, logger)).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('keeps going when the state cannot be written', async () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const win = new BrowserWindow({});
    const tracker = trackWindowState(win, { file: path.join(dir, 'no-such-folder', 'state.json'), clock: manualClock().clock, logger });
    win.close();
    await tracker.flush();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('could not save the window state'));
  });
});
