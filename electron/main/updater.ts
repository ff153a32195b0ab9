// Updates with electron-updater from the feed electron-builder wrote into app-update.yml at build time (its `publish`
// config: a generic HTTPS folder or GitHub Releases): a quiet check at start and every 4 hours, a quiet download
// (differential from the blockmaps where the platform supports it; the whole file checked against the feed's
// sha512 either way, a mismatch refused), then "Restart to update" in the window — never while a send is in flight.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppUpdater, UpdateInfo } from 'electron-updater';
import { named, silentLogger } from '../core/logging';
import { systemClock, type Clock, type Logger } from '../core/ports';

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
/** After start, so the first check does not compete with the window's first paint and the engine's start. */
export const FIRST_CHECK_DELAY_MS = 10_000;

/** The parts of electron-updater's AppUpdater used here (tests hand in a real one built on a fake `app`). */
export type Updater = Pick<AppUpdater, 'checkForUpdates' | 'downloadUpdate' | 'quitAndInstall' | 'on'> & {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: AppUpdater['logger'];
};

export type UpdateState =
  { state: 'idle' } | { state: 'checking' } | { state: 'downloading'; version: string } | { state: 'ready'; version: string };
export type RestartOutcome = 'restarting' | 'after-sends' | 'no-update';

export interface UpdateServiceOptions {
  updater: Updater;
  /** A send is in flight now: installing would quit the app under it. */
  isSending: () => boolean;
  /** An update is downloaded, verified and can be installed: the window offers "Restart to update". */
  onReady: (version: string) => void;
  clock?: Clock;
  intervalMs?: number;
  firstCheckDelayMs?: number;
  logger?: Logger;
}

export class UpdateService {
  private readonly updater: Updater;
  private readonly options: UpdateServiceOptions;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private current: UpdateState = { state: 'idle' };
  private timer: { cancel(): void } | undefined;
  private installWhenIdle = false;
  private disposed = false;

  constructor(options: UpdateServiceOptions) {
    this.options = options;
    this.updater = options.updater;
    this.clock = options.clock ?? systemClock;
    this.logger = named(options.logger ?? silentLogger, 'updater');
    // Downloads are started here, so each has a catch; installing happens only when asked (restartToUpdate, quitting).
    this.updater.autoDownload = false;
    this.updater.autoInstallOnAppQuit = false;
    this.updater.logger = {
      info: (m: unknown) => this.logger.info(String(m)),
      warn: (m: unknown) => this.logger.warn(String(m)),
      error: (m: unknown) => this.logger.warn(String(m)),
    };
    // electron-updater also emits 'error' for the failures check() and download() report: logged there, quietly.
    this.updater.on('error', () => undefined);
  }

  state(): UpdateState {
    return this.current;
  }

  /** A quiet check soon after start, then every few hours; nothing is shown unless an update is ready. */
  start(): void {
    const { intervalMs = UPDATE_CHECK_INTERVAL_MS, firstCheckDelayMs = FIRST_CHECK_DELAY_MS } = this.options;
    const schedule = (delay: number): void => {
      this.timer = this.clock.setTimer(() => {
        if (this.disposed) return;
        void this.check().finally(() => schedule(intervalMs));
      }, delay);
    };
    schedule(firstCheckDelayMs);
  }

  /** Checks the feed and downloads a newer version; resolves with the state, never rejects (failures are logged). */
  async check(): Promise<UpdateState> {
    if (this.current.state !== 'idle') return this.current;
    this.current = { state: 'checking' };
    try {
      const result = await this.updater.checkForUpdates();
      if (!result?.isUpdateAvailable) {
        this.current = { state: 'idle' };
        return this.current;
      }
      const version = result.updateInfo.version;
      this.current = { state: 'downloading', version };
      // electron-updater verifies the file against the feed's sha512 before calling it downloaded.
      await this.updater.downloadUpdate();
      this.current = { state: 'ready', version };
      this.logger.info(`version ${version} is downloaded and verified`);
      this.options.onReady(version);
    } catch (error) {
      this.current = { state: 'idle' };
      this.logger.warn(`no update this time: ${describe(error)}`);
    }
    return this.current;
  }

  /** "Restart to update": installs now, or as soon as the sends in flight have finished. */
  restartToUpdate(): RestartOutcome {
    if (this.current.state !== 'ready') return 'no-update';
    if (this.options.isSending()) {
      this.installWhenIdle = true;
      this.logger.info('restarting to update once the sends in flight have finished');
      return 'after-sends';
    }
    this.install();
    return 'restarting';
  }

  /** The number of sends in flight changed (the queued count's recount). */
  sendsChanged(sending: number): void {
    if (sending === 0 && this.installWhenIdle && this.current.state === 'ready' && !this.options.isSending()) this.install();
  }

  /**
   * Called as the app quits: a downloaded update is installed on the way out only when nothing is being sent,
   * and not while the system itself is shutting down.
   */
  prepareQuit(systemEnding: boolean): void {
    this.updater.autoInstallOnAppQuit = this.current.state === 'ready' && !systemEnding && !this.options.isSending();
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.cancel();
  }

  private install(): void {
    this.installWhenIdle = false;
    this.logger.info(`installing version ${(this.current as { version: string }).version} and restarting`);
    // Not silent on Windows (the installer shows its progress), and the app starts again afterwards.
    this.updater.quitAndInstall(false, true);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${error.message.split('\n')[0]}`;
  }
  return String(error);
}

export type { UpdateInfo };

/**
 * The update service where the build wrote a feed (electron-builder's publish config → app-update.yml) and the app
 * is packaged; undefined in development and in builds without a feed, which never look for updates.
 */
export function createUpdateService(
  app: { isPackaged: boolean },
  resourcesPath: string,
  options: Omit<UpdateServiceOptions, 'updater'>,
  loadUpdater: () => Updater = () => (require('electron-updater') as typeof import('electron-updater')).autoUpdater,
): UpdateService | undefined {
  if (!app.isPackaged || !existsSync(path.join(resourcesPath, 'app-update.yml'))) return undefined;
  // Loaded only here: it picks the platform's updater (NSIS, DMG/zip, AppImage, deb) when first touched.
  return new UpdateService({ ...options, updater: loadUpdater() });
}
