// Where Outbox keeps its accounts file and spool: the same folder as Electron's app.getPath('userData'),
// so the app and the `outbox` command share one outbox. --data-dir and OUTBOX_DATA_DIR override it.
import os from 'node:os';
import path from 'node:path';

/** Electron names userData after package.json's productName. */
export const PRODUCT_NAME = 'Outbox';

export interface PlatformInfo {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

function currentPlatform(): PlatformInfo {
  return { platform: process.platform, env: process.env, homedir: os.homedir() };
}

/** The folder Electron would use as userData for "Outbox" on this platform. */
export function defaultDataDir(info: PlatformInfo = currentPlatform()): string {
  const { platform, env, homedir } = info;
  if (platform === 'win32') {
    // Electron asks Windows for the roaming AppData folder, which %APPDATA% names.
    const appData = env.APPDATA || path.win32.join(homedir, 'AppData', 'Roaming');
    return path.win32.join(appData, PRODUCT_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(homedir, 'Library', 'Application Support', PRODUCT_NAME);
  }
  // Linux and the other Unixes: Chromium reads XDG_CONFIG_HOME when it is set and not empty.
  const configHome = env.XDG_CONFIG_HOME || path.posix.join(homedir, '.config');
  return path.posix.join(configHome, PRODUCT_NAME);
}

export interface DataDirOptions extends Partial<PlatformInfo> {
  /** The --data-dir value, when given. */
  flag?: string | undefined;
  /** Relative overrides are taken from here (default: the process's working directory). */
  cwd?: string;
}

/** --data-dir wins over OUTBOX_DATA_DIR, which wins over the platform default. */
export function resolveDataDir(options: DataDirOptions = {}): string {
  const base = currentPlatform();
  const info: PlatformInfo = {
    platform: options.platform ?? base.platform,
    env: options.env ?? base.env,
    homedir: options.homedir ?? base.homedir,
  };
  const override = options.flag || info.env.OUTBOX_DATA_DIR;
  if (override) {
    const resolver = info.platform === 'win32' ? path.win32 : path.posix;
    return resolver.resolve(options.cwd ?? process.cwd(), override);
  }
  return defaultDataDir(info);
}
