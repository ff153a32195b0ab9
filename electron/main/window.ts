// The app window and its fences: sandboxed, isolated renderer; no navigation, no new windows, no permissions,
// a strict CSP; links to the web or mail open outside the app.
import { BrowserWindow, shell, type App, type Session, type WebContents } from 'electron';
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

/**
 * Hands a link to the OS's browser or mail app if safeExternalUrl accepts it; false when it was refused.
 * The one call to shell.openExternal in the app: everything that opens a link outside goes through here.
 */
export async function openExternalSafely(url: string): Promise<boolean> {
  const safe = safeExternalUrl(url);
  if (safe === null) return false;
  await shell.openExternal(safe); // eng-disable OPEN_EXTERNAL_JS_CHECK: only safeExternalUrl's http, https or mailto URL gets here
  return true;
}

/**
 * macOS and Windows spell-check with the OS; on Linux Chromium would download Hunspell dictionaries from Google's
 * servers on first use, and the app loads nothing remote.
 */
export function usesNativeSpellchecker(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
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
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK: ours, sandboxed, exposing only the typed IPC contract (electron/preload)
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
      // Middle-click opens links in new windows; with Auxclick off the page never sees one (the open handler denies them anyway).
      disableBlinkFeatures: 'Auxclick',
      spellcheck: usesNativeSpellchecker(process.platform),
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

const guarded = new WeakSet<WebContents>();
const hardened = new WeakSet<Session>();

/** The page never leaves our file: links open in the OS's browser or mail app, everything else is dropped. */
export function guardWebContents(contents: WebContents, logger: Logger = silentLogger): void {
  // Applied once per webContents, or a link would open once per guard (createMainWindow and web-contents-created).
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const openOutside = (url: string): void => {
    openExternalSafely(url).then(
      (opened) => {
        if (!opened) logger.warn(`[window] blocked a link to a ${describeScheme(url)} URL`);
      },
      (error: unknown) => logger.warn(`[window] could not open a link: ${error instanceof Error ? error.message : String(error)}`),
    );
  };
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  // will-navigate covers the top frame; a frame inside it (the CSP allows none) may not navigate either.
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Puts the same fences on every webContents the app ever creates (devtools, a future view), not only the main window. */
export function guardAllWebContents(app: Pick<App, 'on'>, logger: Logger = silentLogger): void {
  app.on('web-contents-created', (_event, contents) => {
    hardenSession(contents.session);
    guardWebContents(contents, logger);
  });
}

/** Denies every permission (camera, notifications, geolocation…) and sets the CSP header. */
export function hardenSession(session: Session): void {
  if (hardened.has(session)) return;
  hardened.add(session);
  // Device APIs (WebHID, WebUSB, Web Serial) ask the check handler too, so they are refused here as well.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // No remote content, ever: the app's own files and inline data only. The CSP says the same to the page; this
  // refuses the request in the network layer too, whatever asked for it (an image in pasted HTML, a font, a link preview).
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isLocalResource(details.url) }));
  // For file:// pages the <meta> tag in index.html is the policy that surely binds; the header covers anything else.
  session.webRequest.onHeadersReceived((details, callback) => {
    const responseHeaders: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') responseHeaders[name] = value;
    }
    // Electronegativity reads only a string literal here, so it cannot parse this header; it evaluates the same
    // policy in index.html's meta instead, which a test keeps equal to this one.
    responseHeaders['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; // eng-disable CSP_GLOBAL_CHECK: see above
    callback({ responseHeaders });
  });
}

const LOCAL_PROTOCOLS = new Set(['file:', 'data:', 'blob:', 'devtools:', 'chrome-extension:']);

/** The app's own files, inline data, and DevTools' own pages: never the network. */
export function isLocalResource(url: string): boolean {
  try {
    return LOCAL_PROTOCOLS.has(new URL(url).protocol);
  } catch {
    return false;
  }
}

function describeScheme(url: string): string {
  const match = /^([a-z][a-z0-9+.-]{0,30}):/i.exec(url);
  return match?.[1] ? `${match[1].toLowerCase()}:` : 'malformed';
}
