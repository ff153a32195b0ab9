import { readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BrowserWindow, fakeEvent, shell } from './fake-electron';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  createMainWindow,
  rendererUrl,
  safeExternalUrl,
} from '../../electron/main/window';

vi.mock('electron', () => import('./fake-electron'));

function openWindow(): BrowserWindow {
  createMainWindow({ preloadPath: '/app/dist/preload/index.cjs', rendererFile: '/app/dist/renderer/index.html' });
  const win = BrowserWindow.created.at(-1);
  if (!win) throw new Error('no window was created');
  return win;
}

beforeEach(() => {
  shell.openExternal.mockClear();
});

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
      preload: '/app/dist/preload/index.cjs',
    });
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
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'unknown']) {
      const callback = vi.fn();
      session.permissionRequestHandler?.({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler?.(null, permission, 'file://', {})).toBe(false);
    }
  });
});
