// Remembers the window's size, place, maximized and full-screen state in <userData>/window-state.json, and
// puts it back at the next start only where a connected display can still show it.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { writeFileDurable } from '../core/fs/durable-write';
import { named, silentLogger } from '../core/logging';
import { systemClock, type Clock, type Logger } from '../core/ports';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const int = z.number().int().min(-100_000).max(100_000);
const windowStateSchema = z.object({
  bounds: z.object({ x: int, y: int, width: int.min(100), height: int.min(100) }),
  maximized: z.boolean().default(false),
  fullScreen: z.boolean().default(false),
});
export type WindowState = z.output<typeof windowStateSchema>;

/** createMainWindow's size; used centred on the primary display when nothing usable was saved. */
export const DEFAULT_WINDOW_SIZE = { width: 1000, height: 700 } as const;
/** Share of the window that must still be on some display for the saved place to be used. */
const MOSTLY_VISIBLE = 0.5;

/** The saved state, or undefined when there is none or it is unreadable (a fresh start, never an error). */
export async function loadWindowState(file: string, logger: Logger = silentLogger): Promise<WindowState | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // falls through to the warning
  }
  named(logger, 'window').warn('the saved window state is unreadable; using the default size');
  return undefined;
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Where the window opens: the saved state if at least half of it lies on the displays' work areas (a monitor
 * may have been unplugged since), else the default size centred on the primary display, not maximized.
 */
export function placeWindow(saved: WindowState | undefined, workAreas: readonly Rect[], primary: Rect): WindowState {
  if (saved) {
    const { bounds } = saved;
    const visible = workAreas.reduce((sum, area) => sum + overlap(bounds, area), 0);
    if (visible >= bounds.width * bounds.height * MOSTLY_VISIBLE) return saved;
  }
  const width = Math.min(DEFAULT_WINDOW_SIZE.width, primary.width);
  const height = Math.min(DEFAULT_WINDOW_SIZE.height, primary.height);
  return {
    bounds: {
      x: Math.round(primary.x + (primary.width - width) / 2),
      y: Math.round(primary.y + (primary.height - height) / 2),
      width,
      height,
    },
    maximized: false,
    fullScreen: false,
  };
}

/** The parts of a BrowserWindow this module uses. */
export interface StatefulWindow {
  setBounds(bounds: Rect): void;
  getNormalBounds(): Rect;
  maximize(): void;
  isMaximized(): boolean;
  setFullScreen(flag: boolean): void;
  isFullScreen(): boolean;
  on(
    event: 'resize' | 'move' | 'close' | 'maximize' | 'unmaximize' | 'enter-full-screen' | 'leave-full-screen',
    listener: () => void,
  ): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
  show(): void;
}

/**
 * Places the window now (it is still hidden); once its first paint is ready, makes it maximized or full screen as
 * it was and shows it. Maximizing earlier would show a blank window before the page painted.
 */
export function applyWindowState(win: StatefulWindow, state: WindowState): void {
  win.setBounds(state.bounds);
  win.once('ready-to-show', () => {
    if (state.fullScreen) win.setFullScreen(true);
    else if (state.maximized) win.maximize();
    win.show();
  });
}

export interface TrackOptions {
  file: string;
  /** Resizing and moving fire many events: save once they settle. */
  debounceMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export interface WindowStateTracker {
  /** Resolves when the last change is on disk (called while quitting). */
  flush(): Promise<void>;
}

/** Saves the window's state when it settles after a resize or move, and at once when it closes. */
export function trackWindowState(win: StatefulWindow, options: TrackOptions): WindowStateTracker {
  const { file, debounceMs = 500, clock = systemClock } = options;
  const logger = named(options.logger ?? silentLogger, 'window');
  let timer: { cancel(): void } | undefined;
  let writing: Promise<void> = Promise.resolve();
  let last = '';
  /** What is known to be on disk. */
  let written = '';

  const save = (): Promise<void> => {
    timer?.cancel();
    timer = undefined;
    // Normal bounds, so leaving maximized or full screen next time returns to the size the user chose.
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    const text = `${JSON.stringify(state)}\n`;
    if (text === last) return writing;
    last = text;
    // Chained, so an older state can never land on disk after a newer one.
    writing = writing
      // Skipped when the close has written a newer state meanwhile.
      .then(async () => {
        if (last !== text) return;
        await writeFileDurable(file, text);
        written = text;
      })
      .catch((error: unknown) => logger.warn(`could not save the window state: ${error instanceof Error ? error.message : String(error)}`));
    return writing;
  };
  // Closing is often quitting, which no longer waits for anything when no send is in flight: written before returning.
  const saveNow = (): void => {
    timer?.cancel();
    timer = undefined;
    const state: WindowState = { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    const text = `${JSON.stringify(state)}\n`;
    last = text;
    if (text === written) return;
    try {
      writeFileSyncDurable(file, text);
      written = text;
    } catch (error) {
      logger.warn(`could not save the window state: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const later = (): void => {
    timer?.cancel();
    timer = clock.setTimer(() => void save(), debounceMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize', 'enter-full-screen', 'leave-full-screen'] as const) win.on(event, later);
  win.on('close', saveNow);
  return {
    flush: async () => {
      if (timer) await save();
      await writing;
    },
  };
}

/** A small file replaced whole: written beside it, flushed, renamed over it (a crash leaves the old or the new). */
function writeFileSyncDurable(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w', 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
