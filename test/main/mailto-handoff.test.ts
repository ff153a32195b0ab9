import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import {
  askToHandleMailto,
  defaultAppsSettingsUrl,
  fileRegistrationMemory,
  installMailtoHandoff,
  offerMailtoHandler,
  protocolRuntime,
  type MailtoChoice,
  type RegistrationMemory,
} from '../../electron/main/mailto-handoff';

function setup(argv: string[] = ['/usr/bin/outbox']) {
  const app = new EventEmitter();
  const onPrefill = vi.fn();
  const onActivate = vi.fn();
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  installMailtoHandoff(app, argv, { onPrefill, onActivate, logger });
  return { app, onPrefill, onActivate, logger };
}

describe('mailto: links reaching the app', () => {
  it('opens Compose for the link on our own command line (Windows, Linux first launch)', () => {
    const { onPrefill, onActivate } = setup(['/usr/bin/outbox', 'mailto:a@example.com?subject=Hi']);
    expect(onPrefill).toHaveBeenCalledWith({ to: ['a@example.com'], cc: [], bcc: [], subject: 'Hi', body: '' });
    expect(onActivate).not.toHaveBeenCalled();
  });

  it('brings the window forward for a second launch and passes on its link', () => {
    const { app, onPrefill, onActivate } = setup();
    app.emit('second-instance', {}, ['C:\\Outbox\\Outbox.exe', 'mailto:b@example.com']);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onPrefill).toHaveBeenCalledWith(expect.objectContaining({ to: ['b@example.com'] }));
  });

  it('brings the window forward for a second launch without a link, opening no Compose', () => {
    const { app, onPrefill, onActivate } = setup();
    app.emit('second-instance', {}, ['/usr/bin/outbox']);
    expect(onActivate).toHaveBeenCalledTimes(1);
    expect(onPrefill).not.toHaveBeenCalled();
  });

  it("takes macOS's open-url, which comes before ready, and tells the OS we handled it", () => {
    const { app, onPrefill } = setup();
    const event = { preventDefault: vi.fn() };
    app.emit('open-url', event, 'mailto:c@example.com?body=Hello%0D%0Athere');
    expect(event.preventDefault).toHaveBeenCalled();
    expect(onPrefill).toHaveBeenCalledWith(expect.objectContaining({ to: ['c@example.com'], body: 'Hello\nthere' }));
  });

  it('ignores an injected or foreign link without logging its contents', () => {
    const { app, onPrefill, logger } = setup();
    app.emit('open-url', { preventDefault: vi.fn() }, 'mailto:a@example.com?subject=x%0D%0ABcc:%20secret@example.com');
    expect(onPrefill).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(String(logger.warn.mock.calls[0]?.[0])).not.toContain('secret@example.com');
  });
});

function protocolApp(isPackaged: boolean, isDefault = false) {
  const app = {
    isPackaged,
    isDefault,
    isDefaultProtocolClient: vi.fn(() => app.isDefault),
    // Like Linux's xdg-settings: takes effect only where the desktop knows the app.
    setAsDefaultProtocolClient: vi.fn(() => {
      app.isDefault = app.takes;
      return true;
    }),
    takes: true,
  };
  return app;
}

function memory(initial?: MailtoChoice): RegistrationMemory & { value?: MailtoChoice } {
  const store: RegistrationMemory & { value?: MailtoChoice } = {
    value: initial,
    read: async () => store.value,
    write: async (record) => void (store.value = record),
  };
  return store;
}

function prompt(answer: boolean) {
  return { ask: vi.fn(async () => answer), openSettings: vi.fn(async (_url: string) => undefined) };
}

describe('offering Outbox as the app for email links', () => {
  const linux = { execPath: '/opt/Outbox/outbox', platform: 'linux' as const };

  it('asks before registering, and registers only on yes; never asks again', async () => {
    const app = protocolApp(true);
    const remembered = memory();
    const yes = prompt(true);
    expect(await offerMailtoHandler(app, linux, remembered, yes)).toBe('registered');
    expect(yes.ask).toHaveBeenCalledTimes(1);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mailto');
    app.isDefault = false; // the user later picked another mail app
    expect(await offerMailtoHandler(app, linux, remembered, yes)).toBe('asked-before');
    expect(yes.ask).toHaveBeenCalledTimes(1);
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledTimes(1);
  });

  it('remembers a no and leaves the mail app alone, then and later', async () => {
    const app = protocolApp(true);
    const remembered = memory();
    const no = prompt(false);
    expect(await offerMailtoHandler(app, linux, remembered, no)).toBe('declined');
    expect(await offerMailtoHandler(app, { ...linux, execPath: '/elsewhere/outbox' }, remembered, no)).toBe('declined');
    expect(no.ask).toHaveBeenCalledTimes(1);
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it('never registers bare Electron in development, nor asks', async () => {
    const app = protocolApp(false);
    const ask = prompt(true);
    expect(await offerMailtoHandler(app, { defaultApp: true, execPath: '/dev/electron', platform: 'linux' }, memory(), ask)).toBe(
      'development',
    );
    expect(
      await offerMailtoHandler(protocolApp(true), { defaultApp: true, execPath: '/dev/electron', platform: 'darwin' }, memory(), ask),
    ).toBe('development');
    expect(await offerMailtoHandler(app, { execPath: '/usr/bin/node', platform: 'linux' }, memory(), ask)).toBe('development');
    expect(ask.ask).not.toHaveBeenCalled();
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });

  it('on Windows never claims to be the default from its own registry key: it opens Settings ▸ Default apps', async () => {
    // Windows reads back the HKCU key Electron wrote, whatever the user's real default is.
    const app = protocolApp(true, true);
    const yes = prompt(true);
    const perUser = {
      execPath: 'C:\\Users\\ann\\AppData\\Local\\Programs\\Outbox\\Outbox.exe',
      platform: 'win32' as const,
      programFiles: ['C:\\Program Files'],
    };
    expect(await offerMailtoHandler(app, perUser, memory(), yes)).toBe('settings-opened');
    expect(yes.ask).toHaveBeenCalledWith('win32');
    expect(yes.openSettings).toHaveBeenCalledWith('ms-settings:defaultapps?registeredAppUser=Outbox');
    expect(app.setAsDefaultProtocolClient).not.toHaveBeenCalled();
    expect(
      defaultAppsSettingsUrl({ execPath: 'C:\\Program Files\\Outbox\\Outbox.exe', programFiles: ['C:\\Program Files', undefined] }),
    ).toBe('ms-settings:defaultapps?registeredAppMachine=Outbox');
  });

  it('on an AppImage remembers the AppImage file, not its mount, so it does not ask or retry at every start', async () => {
    const app = protocolApp(true);
    app.takes = false; // not integrated with the desktop: xdg-settings cannot point at it
    const remembered = memory();
    const yes = prompt(true);
    const start = (mount: string) => ({
      execPath: `/tmp/.mount_Outbox${mount}/outbox`,
      platform: 'linux' as const,
      appImage: '/home/ann/Apps/Outbox.AppImage',
    });
    expect(await offerMailtoHandler(app, start('a1b2'), remembered, yes)).toBe('not-registered');
    expect(remembered.value).toEqual({ executable: '/home/ann/Apps/Outbox.AppImage', choice: 'yes' });
    expect(await offerMailtoHandler(app, start('c3d4'), remembered, yes)).toBe('asked-before');
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledTimes(1);
    expect(yes.ask).toHaveBeenCalledTimes(1);
  });

  it('follows a yes to a moved app without asking again, and leaves things alone when already the default', async () => {
    const app = protocolApp(true);
    const ask = prompt(false);
    expect(await offerMailtoHandler(app, linux, memory({ executable: '/old/outbox', choice: 'yes' }), ask)).toBe('registered');
    expect(ask.ask).not.toHaveBeenCalled();
    const already = protocolApp(true, true);
    expect(await offerMailtoHandler(already, linux, memory(), ask)).toBe('already-default');
    expect(already.setAsDefaultProtocolClient).not.toHaveBeenCalled();
  });
});

describe('the answer to "use Outbox for email links?"', () => {
  it('is kept in the data folder, so the next start does not ask again', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-mailto-'));
    try {
      const app = { isPackaged: true, isDefaultProtocolClient: vi.fn(() => false), setAsDefaultProtocolClient: vi.fn(() => true) };
      const runtime = { execPath: '/opt/Outbox/outbox', platform: 'linux' as const };
      const ask = { ask: vi.fn(async () => false), openSettings: vi.fn(async () => undefined) };
      expect(await fileRegistrationMemory(dir).read()).toBeUndefined();
      expect(await offerMailtoHandler(app, runtime, fileRegistrationMemory(dir), ask)).toBe('declined');
      expect(JSON.parse(await readFile(path.join(dir, 'mailto-handler.json'), 'utf8'))).toEqual({
        executable: '/opt/Outbox/outbox',
        choice: 'no',
      });
      // The next start: the same answer, no question.
      expect(await offerMailtoHandler(app, runtime, fileRegistrationMemory(dir), ask)).toBe('declined');
      expect(ask.ask).toHaveBeenCalledTimes(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('counts as never given when its file is damaged, and keeps only an answer it knows', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-mailto-'));
    const file = path.join(dir, 'mailto-handler.json');
    try {
      for (const damaged of ['{"executable":', '[]', 'null', '{"choice":"yes"}', '{"executable":42}']) {
        await writeFile(file, damaged);
        expect(await fileRegistrationMemory(dir).read(), damaged).toBeUndefined();
      }
      await writeFile(file, JSON.stringify({ executable: '/opt/Outbox/outbox', choice: 'maybe' }));
      expect(await fileRegistrationMemory(dir).read()).toEqual({ executable: '/opt/Outbox/outbox' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('takes the AppImage file, not its mount, as the executable, and the Program Files folders on Windows', () => {
    const runtime = protocolRuntime({
      defaultApp: false,
      execPath: '/tmp/.mount_OutboxAbc/outbox',
      platform: 'linux',
      env: { APPIMAGE: '/home/ann/Outbox.AppImage', ProgramFiles: 'C:\\Program Files', ProgramW6432: 'C:\\Program Files' },
    });
    expect(runtime).toMatchObject({
      execPath: '/tmp/.mount_OutboxAbc/outbox',
      appImage: '/home/ann/Outbox.AppImage',
      programFiles: ['C:\\Program Files', 'C:\\Program Files'],
    });
  });

  it('is asked over the window, says on Windows that the choice is made in Settings, and only "Use Outbox" is yes', async () => {
    const dialog = { showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })) };
    const parent = { isDestroyed: () => false };
    expect(await askToHandleMailto(dialog as never, parent as never, 'win32')).toBe(true);
    expect(dialog.showMessageBox).toHaveBeenLastCalledWith(
      parent,
      expect.objectContaining({
        message: 'Open email links with Outbox?',
        buttons: ['Use Outbox', 'Not Now'],
        detail: expect.stringContaining('Settings ▸ Default apps'),
      }),
    );
    dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false });
    expect(await askToHandleMailto(dialog as never, parent as never, 'linux')).toBe(false);
    // The window closed meanwhile: the question still comes, on its own.
    await askToHandleMailto(dialog as never, { isDestroyed: () => true } as never, 'linux');
    expect(dialog.showMessageBox.mock.calls.at(-1)).toHaveLength(1);
  });
});
