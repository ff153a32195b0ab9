// The app's windows: each opens where the last one was (window-state.ts) on a screen that still exists, comes
// forward when asked, saves its state, and on close lets quitting (lifecycle.ts) hold it while a send is in flight.
import type { BrowserWindow, Dialog } from 'electron';
import { silentLogger } from '../core/logging';
import type { Logger } from '../core/ports';
import type { QuitHandle } from './lifecycle';
import { placeWindow, trackWindowState, type Rect, type WindowState, type WindowStateTracker } from './window-state';

export interface AppWindowsOptions {
  /** Makes a window placed at `state` (window.ts's createMainWindow); onLoadFailed when its page cannot load. */
  create(state: WindowState, onLoadFailed: (error: unknown) => void): BrowserWindow;
  /** The displays' work areas now (Electron's screen). */
  screens(): { all: Rect[]; primary: Rect };
  /** Where the last window was, read from stateFile at start; states are saved there. */
  saved: WindowState | undefined;
  stateFile: string;
  platform: NodeJS.Platform;
  quit: Pick<QuitHandle, 'phase' | 'holdsWindows' | 'systemEnding'>;
  /** Sends in flight now: closing the last window then quits with the window still up, so quitting's note is seen. */
  sendsInFlight(): number;
  /** app.quit(). */
  requestQuit(): void;
  /** app.exit(): a window whose page cannot load would never appear. */
  exit(code: number): void;
  /** BrowserWindow.getFocusedWindow(). */
  focusedWindow(): BrowserWindow | null;
  dialog: Pick<Dialog, 'showOpenDialog' | 'showErrorBox'>;
  /** A window was opened: it should hear the app's commands (CommandRouter.attach). */
  onOpen?(win: BrowserWindow): void;
  logger?: Logger;
}

export class AppWindows {
  private readonly windows = new Map<number, BrowserWindow>();
  private readonly trackers = new Set<WindowStateTracker>();
  /** Where the next window goes: the last one closed, else the saved state, placed on the screens of the moment. */
  private placement: WindowState;
  private readonly logger: Logger;

  constructor(private readonly options: AppWindowsOptions) {
    const { all, primary } = options.screens();
    this.placement = placeWindow(options.saved, all, primary);
    this.logger = options.logger ?? silentLogger;
  }

  /** Opens a new window; it shows itself once painted (ready-to-show), so it never flashes blank. */
  open(): BrowserWindow {
    const { all, primary } = this.options.screens();
    const win = this.options.create(placeWindow(this.placement, all, primary), (error) => this.cannotLoad(error));
    const id = win.webContents.id;
    this.windows.set(id, win);
    // Windows reports a shutdown, restart or log-off to the windows; quitting must then hold nothing.
    win.on('query-session-end', () => this.options.quit.systemEnding());
    win.on('session-end', () => this.options.quit.systemEnding());
    const tracker = trackWindowState(win, { file: this.options.stateFile, logger: this.logger });
    this.trackers.add(tracker);
    this.options.onOpen?.(win);
    win.on('close', (event) => {
      const { quit, platform } = this.options;
      // Stays open while quitting waits for sends, so the note stays readable (never while the system shuts down).
      if (quit.holdsWindows()) {
        event.preventDefault();
        return;
      }
      // Closing the last window quits on Windows and Linux: with a send in flight, quit with the window still up.
      if (quit.phase() === 'running' && platform !== 'darwin' && this.windows.size === 1 && this.options.sendsInFlight() > 0) {
        event.preventDefault();
        this.options.requestQuit();
        return;
      }
      this.placement = { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    });
    win.on('closed', () => {
      this.windows.delete(id);
      void tracker.flush().finally(() => this.trackers.delete(tracker));
    });
    return win;
  }

  /** The window, restored and focused; a new one if there is none. */
  show(): BrowserWindow {
    const win = this.first();
    if (!win) return this.open();
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return win;
  }

  /** Brings an open window up without focusing it or opening one (quitting from the tray may come while minimized). */
  reveal(): void {
    const win = this.first();
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.show();
  }

  all(): IterableIterator<BrowserWindow> {
    return this.windows.values();
  }

  /** Whether this webContents is one of our windows' (IPC trusts no other sender). */
  has(webContentsId: number): boolean {
    return this.windows.has(webContentsId);
  }

  /** Whether the user is looking at the app now. */
  anyFocused(): boolean {
    return this.options.focusedWindow() !== null;
  }

  /** Files to attach, asked over the focused window (or the first one). */
  async pickFiles(): Promise<string[]> {
    const parent = this.options.focusedWindow() ?? this.first();
    const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'> };
    const result = parent ? await this.options.dialog.showOpenDialog(parent, options) : await this.options.dialog.showOpenDialog(options);
    return result.canceled ? [] : result.filePaths;
  }

  /** Resolves when every window's last state is on disk (quitting). */
  async flush(): Promise<void> {
    await Promise.all([...this.trackers].map((tracker) => tracker.flush()));
  }

  private first(): BrowserWindow | undefined {
    return this.windows.values().next().value;
  }

  /** A damaged install (window.ts logged it): without its page the window would never appear, so say so and quit. */
  private cannotLoad(error: unknown): void {
    this.options.dialog.showErrorBox(
      'Outbox could not open its window',
      `${error instanceof Error ? error.message : String(error)}\n\nReinstalling Outbox should fix this. Your outbox and accounts are kept.`,
    );
    this.options.exit(1);
  }
}
