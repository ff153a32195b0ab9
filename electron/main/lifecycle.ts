// Quitting: the first before-quit is held until the engine has stopped (sends in flight finish or time out),
// with the window told how many sends it is waiting for; then the app quits for real. Later requests are absorbed.
import type { App } from 'electron';
import { silentLogger, type Logger } from '../core/ports';

export interface QuitOptions {
  /** Stops the services; called once, however many times quit is requested. */
  stop: () => Promise<void>;
  /** Sends in flight right now (engine.list of 'sending'): when any, the window shows a note while they finish. */
  sendsInFlight?: () => number | Promise<number>;
  /** Tells the window quitting waits for this many sends (it stays open until stop resolves). */
  onWaitingForSends?: (sending: number) => void;
  /** Quit anyway after this long, should stop hang (default 15 s). */
  hardLimitMs?: number;
  logger?: Logger;
}

export type QuitPhase = 'running' | 'stopping' | 'stopped';

export interface QuitHandle {
  /** 'stopping' while quitting waits for the services: windows then stay open to show the note rather than close. */
  phase(): QuitPhase;
}

export function installQuitHandler(app: Pick<App, 'on' | 'quit'>, options: QuitOptions): QuitHandle {
  const { stop, sendsInFlight, onWaitingForSends, hardLimitMs = 15_000, logger = silentLogger } = options;
  let phase: QuitPhase = 'running';
  const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

  const announce = async (): Promise<void> => {
    if (!sendsInFlight || !onWaitingForSends) return;
    try {
      const sending = await sendsInFlight();
      if (sending > 0) {
        logger.info(`[app] quitting once ${sending} send(s) in flight finish`);
        onWaitingForSends(sending);
      }
    } catch (error) {
      logger.warn(`[app] could not count sends in flight: ${describe(error)}`);
    }
  };

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
    // Counted before stopping, while the sends are still listed as in flight.
    const stopped = announce()
      .then(stop)
      .catch((error: unknown) => logger.error(`[app] stopping failed: ${describe(error)}`));
    void Promise.race([stopped, timeout]).then(() => {
      clearTimeout(limit);
      phase = 'stopped';
      app.quit();
    });
  });
  return { phase: () => phase };
}
