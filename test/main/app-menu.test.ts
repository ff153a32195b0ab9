import { describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate } from '../../electron/main/app-menu';

function actions() {
  return { command: vi.fn(), sendAll: vi.fn(), showDataFolder: vi.fn(), showLogs: vi.fn() };
}

/** Every item in the menu, depth first. */
function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])]);
}

const byLabel = (template: MenuItemConstructorOptions[], label: string) => items(template).find((item) => item.label === label);
const click = (item: MenuItemConstructorOptions | undefined): void => {
  if (!item?.click) throw new Error('no such item');
  (item.click as () => void)();
};
const roles = (template: MenuItemConstructorOptions[]) =>
  items(template)
    .map((item) => item.role)
    .filter(Boolean);

describe('the application menu', () => {
  it('gives New Message Ctrl/Cmd+N and Send Ctrl/Cmd+Enter, sending commands to the window', () => {
    const a = actions();
    const template = buildMenuTemplate('win32', true, a);
    const newMessage = byLabel(template, 'New Message');
    expect(newMessage?.accelerator).toBe('CmdOrCtrl+N');
    click(newMessage);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'compose' });
    const send = byLabel(template, 'Send');
    expect(send?.accelerator).toBe('CmdOrCtrl+Enter');
    click(send);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'send' });
  });

  it('switches screens with Ctrl/Cmd+1 and Ctrl/Cmd+,', () => {
    const a = actions();
    const template = buildMenuTemplate('linux', true, a);
    click(byLabel(template, 'Outbox'));
    expect(a.command).toHaveBeenLastCalledWith({ type: 'show', screen: 'outbox' });
    const accounts = byLabel(template, 'Accounts');
    expect(accounts?.accelerator).toBe('CmdOrCtrl+,');
    click(accounts);
    expect(a.command).toHaveBeenLastCalledWith({ type: 'show', screen: 'settings' });
  });

  it('sends everything now and shows the data folder', () => {
    const a = actions();
    const template = buildMenuTemplate('win32', true, a);
    click(byLabel(template, 'Send All Now'));
    expect(a.sendAll).toHaveBeenCalled();
    click(byLabel(template, 'Show Data Folder'));
    expect(a.showDataFolder).toHaveBeenCalled();
  });

  it('has Help ▸ Show Logs on every platform, opening the log folder', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const a = actions();
      const help = buildMenuTemplate(platform, true, a).find((item) => item.role === 'help');
      const submenu = (help?.submenu ?? []) as MenuItemConstructorOptions[];
      const showLogs = submenu.find((item) => item.label === 'Show Logs');
      click(showLogs);
      expect(a.showLogs).toHaveBeenCalledTimes(1);
      expect(a.showDataFolder).not.toHaveBeenCalled();
    }
  });

  it('has the standard Edit roles, so copy and paste work in every field', () => {
    const edit = buildMenuTemplate('win32', true, actions()).find((item) => item.label === '&Edit');
    expect(roles(edit?.submenu as MenuItemConstructorOptions[])).toEqual([
      'undo',
      'redo',
      'cut',
      'copy',
      'paste',
      'pasteAndMatchStyle',
      'delete',
      'selectAll',
    ]);
  });

  it('on macOS leads with the app menu (About, Hide, Quit) and keeps Quit out of File', () => {
    const template = buildMenuTemplate('darwin', true, actions());
    expect(template[0]?.label).toBe('Outbox');
    expect(roles(template[0]?.submenu as MenuItemConstructorOptions[])).toEqual(
      expect.arrayContaining(['about', 'hide', 'hideOthers', 'quit']),
    );
    const file = template.find((item) => item.label === 'File');
    expect(roles(file?.submenu as MenuItemConstructorOptions[])).not.toContain('quit');
    // One item per shortcut: Settings… in the app menu, no second Ctrl+, item under View.
    expect(items(template).filter((item) => item.accelerator === 'CmdOrCtrl+,')).toHaveLength(1);
    expect(template.map((item) => item.label)).not.toContain('&File');
  });

  it('on Windows and Linux puts Quit in File and uses Alt mnemonics', () => {
    const template = buildMenuTemplate('win32', true, actions());
    expect(template.map((item) => item.label)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    expect(roles(template[0]?.submenu as MenuItemConstructorOptions[])).toContain('quit');
  });

  it('offers reload and developer tools only in development', () => {
    expect(roles(buildMenuTemplate('linux', true, actions()))).not.toContain('toggleDevTools');
    expect(roles(buildMenuTemplate('linux', true, actions()))).not.toContain('reload');
    expect(roles(buildMenuTemplate('linux', false, actions()))).toEqual(expect.arrayContaining(['reload', 'toggleDevTools']));
  });

  it('never gives two items the same shortcut', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const accelerators = items(buildMenuTemplate(platform, false, actions()))
        .map((item) => item.accelerator)
        .filter(Boolean);
      expect(new Set(accelerators).size, platform).toBe(accelerators.length);
    }
  });
});
