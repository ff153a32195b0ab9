// Connectivity for the app: polls a cheap online probe (Electron's net.isOnline) on an unref'd timer
// and tells listeners only when the state changes; wake-up signals from the OS make it look at once.
import { systemClock, silentLogger, type Clock, type Connectivity, type Logger } from '../core/ports';
import { named } from '../core/logging';

export interface ConnectivityMonitorOptions {
  /** Electron's `net.isOnline()`: a local check of the network interfaces, no traffic. */
  probe: () => boolean;
  intervalMs?: number;
  clock?: Clock;
  logger?: Logger;
}

export class ConnectivityMonitor implements Connectivity {
  private online: boolean;
  private readonly listeners = new Set<(online: boolean) => void>();
  private readonly probe: () => boolean;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private timer: { cancel(): void } | undefined;
  private disposed = false;

  constructor(options: ConnectivityMonitorOptions) {
    this.probe = options.probe;
    this.intervalMs = options.intervalMs ?? 3_000;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.online = this.read(true);
    this.schedule();
  }

  isOnline(): boolean {
    return this.online;
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Probes now (after resume from sleep, say) instead of waiting for the next tick. */
  poll(): void {
    this.report(this.read(this.online));
  }

  /** A signal from elsewhere (e.g. the renderer's online/offline events); the next poll still has the last word. */
  report(online: boolean): void {
    if (this.disposed || online === this.online) return;
    this.online = online;
    named(this.logger, 'connectivity').info(`${online ? 'online' : 'offline'}`);
    for (const listener of this.listeners) {
      try {
        listener(online);
      } catch (error) {
        named(this.logger, 'connectivity').error(`listener failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
    this.listeners.clear();
  }

  private read(fallback: boolean): boolean {
    try {
      return this.probe();
    } catch {
      return fallback;
    }
  }

  private schedule(): void {
    if (this.disposed) return;
    // systemClock's timers are unref'd, so polling never keeps the process alive.
    this.timer = this.clock.setTimer(() => {
      this.poll();
      this.schedule();
    }, this.intervalMs);
  }
}

/** Electron's powerMonitor, as far as connectivity cares. */
export interface PowerSignals {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  off(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

/**
 * The signals that feed the monitor, besides its own 3-second poll of net.isOnline() (Chromium's view of the
 * network interfaces; Electron 45 has no change event for it, neither on `net` nor on a session):
 * - powerMonitor 'resume': after sleep the interfaces come back within seconds; look now, not at the next tick.
 * - powerMonitor 'unlock-screen': a laptop opened elsewhere often joined another network meanwhile.
 * - the renderer's online/offline events arrive through app:connectivityHint, which channels.ts turns into a poll.
 * Returns the function that stops listening.
 */
export function listenForWakeSignals(power: PowerSignals, monitor: Pick<ConnectivityMonitor, 'poll'>): () => void {
  const poll = (): void => monitor.poll();
  power.on('resume', poll);
  power.on('unlock-screen', poll);
  return () => {
    power.off('resume', poll);
    power.off('unlock-screen', poll);
  };
}
