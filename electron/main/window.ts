// The app window and its fences: sandboxed, isolated renderer served from app://outbox/; no navigation, no new
// windows, no permissions, a strict CSP; links to the web or mail open outside the app.
import { BrowserWindow, shell, type App, type Session, type WebContents } from 'electron';
import { named, silentLogger } from '../core/logging';
import type { Logger } from '../core/ports';
import { APP_HOST, APP_SCHEME, isAppUrl, RENDERER_URL } from './app-protocol';
import { applyWindowState, type WindowState } from './window-state';

/** The app's own origin, named rather than 'self' (which a CSP evaluator cannot tell from a web host's). */
const OWN = `${APP_SCHEME}://${APP_HOST}`;
const CSP_DIRECTIVES = [
  "default-src 'none'",
  `script-src ${OWN}`,
  `style-src ${OWN}`,
  `img-src ${OWN} data:`,
  `font-src ${OWN}`,
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

/** Sent as a header on every response of the app scheme (app-protocol.ts), and only there: DevTools keeps working. */
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
  /** Where and how the window was last time: placed now, maximized or full screen once painted. */
  state?: WindowState;
  /** The page could not be loaded (a damaged install): the window would never appear, so the app says so and quits. */
  onLoadFailed?: (error: unknown) => void;
  logger?: Logger;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const logger = named(options.logger ?? silentLogger, 'window');
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
  // Shown once painted, so it never flashes blank; maximized then too, not before (maximize would show it early).
  if (options.state) applyWindowState(win, options.state);
  else win.once('ready-to-show', () => win.show());
  win.loadURL(RENDERER_URL).catch((error: unknown) => {
    logger.error(`could not load the renderer: ${error instanceof Error ? error.message : String(error)}`);
    options.onLoadFailed?.(error);
  });
  return win;
}

const guarded = new WeakSet<WebContents>();
const hardened = new WeakSet<Session>();

/** The page never leaves our origin: links open in the OS's browser or mail app, everything else is dropped. */
export function guardWebContents(contents: WebContents, baseLogger: Logger = silentLogger): void {
  const logger = named(baseLogger, 'window');
  // Applied once per webContents, or a link would open once per guard (createMainWindow and web-contents-created).
  if (guarded.has(contents)) return;
  guarded.add(contents);
  const openOutside = (url: string): void => {
    openExternalSafely(url).then(
      (opened) => {
        if (!opened) logger.warn(`blocked a link to a ${describeScheme(url)} URL`);
      },
      (error: unknown) => logger.warn(`could not open a link: ${error instanceof Error ? error.message : String(error)}`),
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

/** Denies every permission (camera, notifications, geolocation…) and every request that would leave the app. */
export function hardenSession(session: Session): void {
  if (hardened.has(session)) return;
  hardened.add(session);
  // Device APIs (WebHID, WebUSB, Web Serial) ask the check handler too, so they are refused here as well.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  // No remote content, ever: the app's own files and inline data only. The CSP says the same to the page; this
  // refuses the request in the network layer too, whatever asked for it (an image in pasted HTML, a font, a link preview).
  session.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isLocalResource(details.url) }));
}

const LOCAL_PROTOCOLS = new Set(['data:', 'blob:', 'devtools:', 'chrome-extension:']);

/** The app's own files (app://outbox/ only), inline data, and DevTools' own pages: never the network nor file:. */
export function isLocalResource(url: string): boolean {
  if (isAppUrl(url)) return true;
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
