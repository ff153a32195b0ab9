// The application menu with the usual shortcuts, as a pure function of platform, packaging and actions so
// tests can read its accelerators; the window acts on the commands it sends.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../shared/ipc-contract';

export interface MenuActions {
  /** Brings the window forward and hands it a command (New Message, Send, Outbox, Accounts). */
  command: (command: AppCommand) => void;
  /** Makes every waiting message due now (engine.flush). */
  sendAll: () => void;
  /** Opens the data folder in the file manager (spool, accounts file, logs). */
  showDataFolder: () => void;
  /** Opens the folder of the log files (data folder's logs/) in the file manager. */
  showLogs: () => void;
  /** macOS: links the `outbox` command onto the PATH (cli-install.ts). */
  installCommandLineTool?: () => void;
}

export function buildMenuTemplate(platform: NodeJS.Platform, isPackaged: boolean, actions: MenuActions): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  // Alt-key mnemonics are a Windows and Linux convention; macOS would show the ampersand.
  const top = (label: string): string => (mac ? label.replace('&', '') : label);
  const template: MenuItemConstructorOptions[] = [];
  if (mac) {
    template.push({
      label: 'Outbox',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { label: 'Settings…', accelerator: 'CmdOrCtrl+,', click: () => actions.command({ type: 'show', screen: 'settings' }) },
        // The launcher it links to exists only inside the packaged app.
        ...(isPackaged && actions.installCommandLineTool
          ? [{ label: 'Install Command Line Tool…', click: () => actions.installCommandLineTool?.() }]
          : []),
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  template.push({
    label: top('&File'),
    submenu: [
      { label: 'New Message', accelerator: 'CmdOrCtrl+N', click: () => actions.command({ type: 'compose' }) },
      { label: 'Send', accelerator: 'CmdOrCtrl+Enter', click: () => actions.command({ type: 'send' }) },
      { label: 'Send All Now', accelerator: 'CmdOrCtrl+Shift+Enter', click: () => actions.sendAll() },
      { type: 'separator' },
      { role: 'close', label: 'Close Window' },
      ...(mac ? [] : [{ type: 'separator' } as const, { role: 'quit', label: 'Quit' } as const]),
    ],
  });
  template.push({
    label: top('&Edit'),
    submenu: [
      { role: 'undo' },
      { role: 'redo' },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'pasteAndMatchStyle' },
      { role: 'delete' },
      { type: 'separator' },
      { role: 'selectAll' },
    ],
  });
  const developer: MenuItemConstructorOptions[] = isPackaged
    ? []
    : [{ type: 'separator' }, { role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }];
  template.push({
    label: top('&View'),
    submenu: [
      { label: 'Outbox', accelerator: 'CmdOrCtrl+1', click: () => actions.command({ type: 'show', screen: 'outbox' }) },
      // On macOS this lives in the app menu as Settings…; one item per accelerator.
      ...(mac
        ? []
        : [{ label: 'Accounts', accelerator: 'CmdOrCtrl+,', click: () => actions.command({ type: 'show', screen: 'settings' }) }]),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
      ...developer,
    ],
  });
  template.push({
    label: top('&Window'),
    role: 'window',
    submenu: mac
      ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }]
      : [{ role: 'minimize' }, { role: 'close' }],
  });
  template.push({
    label: top('&Help'),
    role: 'help',
    submenu: [
      { label: 'Show Logs', click: () => actions.showLogs() },
      { label: 'Show Data Folder', click: () => actions.showDataFolder() },
    ],
  });
  return template;
}
