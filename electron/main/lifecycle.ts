// Quitting: a quit is held only while a send is actually in flight (the window shows a note until the send lands
// or the limit passes); otherwise, and always when the system shuts down, restarts or logs out, it goes at once.
import type { App } from 'electron';
import { named, silentLogger } from '../core/logging';
import type { Logger } from '../core/ports';

export interface QuitOptions {
  /** Stops the services; called once, however many times quit is requested (not awaited when nothing is held). */
  stop: () => Promise<void>;
  /** Sends in flight right now, known without waiting (the live count): a quit is held only when there are any. */
  sendsInFlight?: () => number;
  /** Tells the window quitting waits for this many sends (it stays open until stop resolves). */
  onWaitingForSends?: (sending: number) => void;
  /** powerMonitor: its 'shutdown' (Linux, macOS: shut down, restart, log out) means nothing may be held. */
  system?: { on(event: 'shutdown', listener: () => void): unknown };
  /** Quit anyway after this long, should stop hang (default 15 s). */
  hardLimitMs?: number;
  logger?: Logger;
}

export type QuitPhase = 'running' | 'stopping' | 'stopped';

export interface QuitHandle {
  phase(): QuitPhase;
  /** True while quitting waits for sends: windows then stay open to show the note rather than close. */
  holdsWindows(): boolean;
  /** The session is ending (Windows' query-session-end, or powerMonitor 'shutdown'): let every quit and close through. */
  systemEnding(): void;
  systemIsEnding(): boolean;
}

export function installQuitHandler(app: Pick<App, 'on' | 'quit'>, options: QuitOptions): QuitHandle {
  const { stop, sendsInFlight, onWaitingForSends, system, hardLimitMs = 15_000 } = options;
  const logger = named(options.logger ?? silentLogger, 'app');
  let phase: QuitPhase = 'running';
  let ending = false;
  const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
  const stopQuietly = (): Promise<void> => stop().catch((error: unknown) => logger.error(`stopping failed: ${describe(error)}`));
  const count = (): number => {
    try {
      return sendsInFlight?.() ?? 0;
    } catch (error) {
      logger.warn(`could not count sends in flight: ${describe(error)}`);
      return 0;
    }
  };
  // Nothing is waited for: the spool is durable, so whatever stop had not finished is picked up at the next start.
  const letGo = (): void => {
    phase = 'stopped';
    void stopQuietly();
  };

  app.on('before-quit', (event) => {
    if (phase === 'stopped') return;
    if (ending) {
      if (phase === 'running') letGo();
      phase = 'stopped';
      return;
    }
    if (phase === 'stopping') {
      event.preventDefault();
      return;
    }
    const sending = count();
    if (sending === 0) {
      letGo();
      return;
    }
    event.preventDefault();
    phase = 'stopping';
    logger.info(`quitting once ${sending} send(s) in flight finish`);
    onWaitingForSends?.(sending);
    let limit: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      limit = setTimeout(() => {
        logger.warn(`services did not stop within ${hardLimitMs} ms; quitting anyway`);
        resolve();
      }, hardLimitMs);
    });
    void Promise.race([stopQuietly(), timeout]).then(() => {
      clearTimeout(limit);
      if (phase === 'stopped') return;
      phase = 'stopped';
      app.quit();
    });
  });

  const systemEnding = (): void => {
    if (ending) return;
    ending = true;
    logger.info('the system is shutting down, restarting or logging out: quitting without waiting');
    if (phase === 'stopping') {
      phase = 'stopped';
      app.quit();
    }
  };
  system?.on('shutdown', systemEnding);
  return { phase: () => phase, holdsWindows: () => phase === 'stopping' && !ending, systemEnding, systemIsEnding: () => ending };
}

/** Closing the last window quits on Windows and Linux; on macOS the app stays in the Dock, as Mac apps do. */
export function quitWhenWindowsClose(app: Pick<App, 'on' | 'quit'>, platform: NodeJS.Platform): void {
  app.on('window-all-closed', () => {
    if (platform !== 'darwin') app.quit();
  });
}
