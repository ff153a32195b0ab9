// Shows the waiting count where each OS expects it: a tray icon with tooltip and menu on Windows and Linux,
// the Dock badge on macOS (and the launcher badge on Linux docks that support one).
import path from 'node:path';
import type { Menu, MenuItemConstructorOptions, NativeImage, nativeImage } from 'electron';
import { silentLogger, type Logger } from '../core/ports';
import { named } from '../core/logging';

/** The parts of Electron's Tray used here. */
export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: Menu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayActions {
  open: () => void;
  compose: () => void;
  sendAll: () => void;
  quit: () => void;
}

export interface IndicatorOptions {
  platform: NodeJS.Platform;
  /** app.dock on macOS (undefined elsewhere). */
  dock?: { setBadge(text: string): void };
  /** app.setBadgeCount: the launcher badge on Linux (Unity LauncherEntry); absent or false where unsupported. */
  setBadgeCount?: (count: number) => boolean;
  /** Makes the tray icon; called only on Windows and Linux. */
  createTray: () => TrayLike;
  buildMenu: (template: MenuItemConstructorOptions[]) => Menu;
  actions: TrayActions;
  logger?: Logger;
}

export function trayTooltip(waiting: number): string {
  return waiting === 0 ? 'Outbox — nothing waiting' : `Outbox — ${waiting} waiting`;
}

export function trayMenuTemplate(actions: TrayActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open Outbox', click: () => actions.open() },
    { label: 'New Message', click: () => actions.compose() },
    { label: 'Send All Now', click: () => actions.sendAll() },
    { type: 'separator' },
    { label: 'Quit Outbox', click: () => actions.quit() },
  ];
}

export class QueueIndicator {
  private tray: TrayLike | undefined;

  constructor(private readonly options: IndicatorOptions) {
    const { platform, logger = silentLogger } = options;
    if (platform === 'win32' || platform === 'linux') {
      try {
        const tray = options.createTray();
        tray.setContextMenu(options.buildMenu(trayMenuTemplate(options.actions)));
        // Windows opens the window on click; on Linux most trays only show the menu, which has Open Outbox.
        tray.on('click', () => options.actions.open());
        this.tray = tray;
      } catch (error) {
        // A Linux desktop without a status area: the count still shows in the window.
        named(logger, 'tray').warn(`no tray icon: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.show(0);
  }

  show(waiting: number): void {
    const { platform, dock, setBadgeCount } = this.options;
    this.tray?.setToolTip(trayTooltip(waiting));
    if (platform === 'darwin') dock?.setBadge(waiting > 0 ? String(waiting) : '');
    else if (platform === 'linux') setBadgeCount?.(waiting);
  }

  dispose(): void {
    this.tray?.destroy();
    this.tray = undefined;
  }
}

/** build/icon.png: an extra resource of the packaged app, in the source tree otherwise. */
export function trayIconFile(app: { isPackaged: boolean; getAppPath(): string }, resourcesPath: string): string {
  return app.isPackaged ? path.join(resourcesPath, 'icon.png') : path.join(app.getAppPath(), 'build', 'icon.png');
}

/**
 * The 1024-pixel app icon scaled once per screen density, so the tray picks a sharp one (16 pt on Windows, 24 elsewhere).
 * A missing file gives the empty image (a blank tray slot, said in the log) rather than no count at all.
 */
export function trayImage(
  images: Pick<typeof nativeImage, 'createFromPath' | 'createEmpty'>,
  file: string,
  platform: NodeJS.Platform,
  logger: Logger = silentLogger,
): NativeImage {
  const source = images.createFromPath(file);
  if (source.isEmpty()) {
    named(logger, 'tray').warn(`tray icon not found at ${file}`);
    return source;
  }
  const size = platform === 'win32' ? 16 : 24;
  const image = images.createEmpty();
  for (const scaleFactor of [1, 2]) {
    const scaled = source.resize({ width: size * scaleFactor, height: size * scaleFactor, quality: 'best' });
    image.addRepresentation({ scaleFactor, width: size * scaleFactor, height: size * scaleFactor, buffer: scaled.toPNG() });
  }
  return image;
}
