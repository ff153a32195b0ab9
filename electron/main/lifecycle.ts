// Quitting: the first before-quit is held until the engine has stopped (sends in flight finish or time out),
// then the app quits for real; later quit requests while stopping are absorbed.
import type { App } from 'electron';
import { silentLogger, type Logger } from '../core/ports';

export interface QuitOptions {
  /** Stops the services; called once, however many times quit is requested. */
  stop: () => Promise<void>;
  /** Quit anyway after this long, should stop hang (default 15 s). */
  hardLimitMs?: number;
  logger?: Logger;
}

export function installQuitHandler(app: Pick<App, 'on' | 'quit'>, { stop, hardLimitMs = 15_000, logger = silentLogger }: QuitOptions): void {
  let phase: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (phase === 'stopped') return;
    event.preventDefault();
    if (phase === 'stopping') return;
    phase = 'stopping';
    let limit: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      limit = setTimeout(() => {
        logger.warn(`[app] services did not stop within ${hardLimitMs} ms; quitting anyway`);
        resolve();
      }, hardLimitMs);
    });
    const stopped = Promise.resolve()
      .then(stop)
      .catch((error: unknown) => logger.error(`[app] stopping failed: ${error instanceof Error ? error.message : String(error)}`));
    void Promise.race([stopped, timeout]).then(() => {
      clearTimeout(limit);
      phase = 'stopped';
      app.quit();
    });
  });
}
