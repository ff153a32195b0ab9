import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { QueueIndicator, trayIconFile, trayImage, trayTooltip } from '../../electron/main/tray';
import { nativeImage, Tray, type FakeImage } from './fake-electron';

function setup(platform: NodeJS.Platform, createTray: () => Tray = () => new Tray(null)) {
  const dock = { setBadge: vi.fn() };
  const setBadgeCount = vi.fn(() => true);
  const actions = { open: vi.fn(), compose: vi.fn(), sendAll: vi.fn(), quit: vi.fn() };
  const trays: Tray[] = [];
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const indicator = new QueueIndicator({
    platform,
    dock: platform === 'darwin' ? dock : undefined,
    setBadgeCount,
    createTray: () => {
      const tray = createTray();
      trays.push(tray);
      return tray;
    },
    buildMenu: (template) => ({ template }) as never,
    actions,
    logger,
  });
  const menu = (): MenuItemConstructorOptions[] =>
    (trays[0]!.setContextMenu.mock.calls[0]![0] as { template: MenuItemConstructorOptions[] }).template;
  const click = (label: string): void => {
    const item = menu().find((entry) => entry.label === label);
    if (!item?.click) throw new Error(`no ${label} item`);
    (item.click as () => void)();
  };
  return { indicator, dock, setBadgeCount, actions, trays, menu, click, logger };
}

describe('the waiting count on the desktop', () => {
  it('shows the count in the tray tooltip on Windows', () => {
    const { indicator, trays, dock } = setup('win32');
    expect(trays).toHaveLength(1);
    indicator.show(3);
    expect(trays[0]!.setToolTip).toHaveBeenLastCalledWith('Outbox — 3 waiting');
    indicator.show(0);
    expect(trays[0]!.setToolTip).toHaveBeenLastCalledWith('Outbox — nothing waiting');
    expect(dock.setBadge).not.toHaveBeenCalled();
  });

  it('shows it in the tray and the launcher badge on Linux', () => {
    const { indicator, trays, setBadgeCount } = setup('linux');
    indicator.show(7);
    expect(trays[0]!.setToolTip).toHaveBeenLastCalledWith(trayTooltip(7));
    expect(setBadgeCount).toHaveBeenLastCalledWith(7);
  });

  it('puts it on the Dock badge on macOS, with no tray icon, and clears it at zero', () => {
    const { indicator, trays, dock } = setup('darwin');
    expect(trays).toHaveLength(0);
    indicator.show(12);
    expect(dock.setBadge).toHaveBeenLastCalledWith('12');
    indicator.show(0);
    expect(dock.setBadge).toHaveBeenLastCalledWith('');
  });

  it("offers Open, New Message, Send All Now and Quit in the tray's menu, and opens the window on click", () => {
    const { trays, actions, menu, click } = setup('win32');
    expect(
      menu()
        .filter((item) => item.label)
        .map((item) => item.label),
    ).toEqual(['Open Outbox', 'New Message', 'Send All Now', 'Quit Outbox']);
    click('Send All Now');
    expect(actions.sendAll).toHaveBeenCalled();
    click('New Message');
    expect(actions.compose).toHaveBeenCalled();
    click('Quit Outbox');
    expect(actions.quit).toHaveBeenCalled();
    trays[0]!.emit('click');
    expect(actions.open).toHaveBeenCalled();
  });

  it('gets by without a tray where the desktop has none', () => {
    const { indicator, logger, setBadgeCount } = setup('linux', () => {
      throw new Error('no status notifier');
    });
    expect(() => indicator.show(2)).not.toThrow();
    expect(setBadgeCount).toHaveBeenLastCalledWith(2);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('no status notifier'));
  });

  it('removes the tray icon when disposed', () => {
    const { indicator, trays } = setup('linux');
    indicator.dispose();
    expect(trays[0]!.destroy).toHaveBeenCalled();
  });
});

describe('the tray icon', () => {
  it('is the app icon at 1x and 2x of the tray size: 16 points on Windows, 24 on Linux', () => {
    const sizes = (platform: NodeJS.Platform) =>
      (trayImage(nativeImage as never, '/app/build/icon.png', platform) as unknown as FakeImage).representations.map((r) => [
        r.scaleFactor,
        r.width,
        r.height,
      ]);
    expect(sizes('win32')).toEqual([
      [1, 16, 16],
      [2, 32, 32],
    ]);
    expect(sizes('linux')).toEqual([
      [1, 24, 24],
      [2, 48, 48],
    ]);
  });

  it('comes from the packaged resources, or the source tree in development', () => {
    expect(trayIconFile({ isPackaged: true, getAppPath: () => '/opt/Outbox/resources/app.asar' }, '/opt/Outbox/resources')).toBe(
      path.join('/opt/Outbox/resources', 'icon.png'),
    );
    expect(trayIconFile({ isPackaged: false, getAppPath: () => '/src/outbox' }, '/electron/resources')).toBe(
      path.join('/src/outbox', 'build', 'icon.png'),
    );
  });

  it('is a blank image when the icon file is missing, and the log names the file', () => {
    const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const images = { createFromPath: () => nativeImage.createEmpty(), createEmpty: () => nativeImage.createEmpty() };
    const image = trayImage(images as never, '/gone/icon.png', 'linux', logger) as unknown as FakeImage;
    expect(image.isEmpty()).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('tray icon not found at /gone/icon.png'));
  });
});
