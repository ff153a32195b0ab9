// The app window and its fences: sandboxed, isolated renderer; no navigation, no new windows, no permissions,
// a strict CSP; links to the web or mail open outside the app.
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { silentLogger, type Logger } from '../core/ports';

const CSP_DIRECTIVES = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** Sent as a header on every response of the window's session. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.join('; ');
/** What renderer/index.html carries in its <meta>: the same policy less frame-ancestors, which browsers ignore (and warn about) in a meta tag. */
export const META_CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.filter((d) => !d.startsWith('frame-ancestors')).join('; ');

const EXTERNAL_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** The URL to hand to the OS if it is a plain web or mail link, else null (file:, javascript:, custom schemes, credentials in the URL). */
export function safeExternalUrl(raw: string): string | null {
  if (typeof raw !== 'string' || raw.length > 2048) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (!EXTERNAL_PROTOCOLS.has(url.protocol)) return null;
  if (url.protocol === 'mailto:') return url.href;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}

export interface WindowOptions {
  preloadPath: string;
  /** Absolute path of the built renderer/index.html. */
  rendererFile: string;
  logger?: Logger;
}

/** The file:// URL the renderer is loaded from; IPC senders must be on it. */
export function rendererUrl(rendererFile: string): string {
  return pathToFileURL(rendererFile).href;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const logger = options.logger ?? silentLogger;
  const win = new BrowserWindow({
    width: 1000,
    height: 700,
    minWidth: 560,
    minHeight: 400,
    show: false,
    title: 'Outbox',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
    },
  });
  hardenSession(win.webContents.session);
  guardWebContents(win.webContents, logger);
  win.once('ready-to-show', () => win.show());
  void win.loadFile(options.rendererFile).catch((error: unknown) => {
    logger.error(`[window] could not load the renderer: ${error instanceof Error ? error.message : String(error)}`);
  });
  return win;
}

/** The page never leaves our file: links open in the OS's browser or mail app, everything else is dropped. */
export function guardWebContents(contents: WebContents, logger: Logger = silentLogger): void {
  const openOutside = (url: string): void => {
    const safe = safeExternalUrl(url);
    if (safe === null) {
      logger.warn(`[window] blocked a link to a ${describeScheme(url)} URL`);
      return;
    }
    shell.openExternal(safe).catch((error: unknown) => {
      logger.warn(`[window] could not open a link: ${error instanceof Error ? error.message : String(error)}`);
    });
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Denies every permission (camera, notifications, geolocation…) and sets the CSP header. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // For file:// pages the <meta> tag in index.html is the policy that surely binds; the header covers anything else.
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders });
  });
}

function describeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]{0,30}):/i.exec(url);
  return match?.[1] ? `${match[1].toLowerCase()}:` : 'malformed';
}
