// The renderer is served from app://outbox/, a privileged scheme of our own, instead of file://: its URL does not
// depend on where the app is installed (a path with %, [ or a space), file: pages get no extra privileges, and
// the CSP header rides only on the app's own responses.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'outbox';
/** Where the window loads the renderer from; IPC senders must be on this page. */
export const RENDERER_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
};

/**
 * Before 'ready' (Electron accepts it only then, once): standard (origins and relative URLs like https), secure
 * (a secure context), and fetch/CORS support, which the page's module scripts need.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true } },
  ]);
}

/** Whether a URL is one of the app's own pages or files (the scheme and our host; nothing else is served). */
export function isAppUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST;
  } catch {
    return false;
  }
}

/** The file under `rootDir` a request asks for, or null when it is not ours or would leave the folder. */
export function resolveAppFile(rootDir: string, raw: string): string | null {
  if (!isAppUrl(raw)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(raw).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  return file.startsWith(root + path.sep) ? file : null;
}

/**
 * Answers app://outbox/… from the built renderer folder: GET only, files inside the folder only, with the CSP header
 * on every response (DevTools and anything else the session loads are left alone).
 */
export function createAppHandler(rootDir: string, contentSecurityPolicy: string): (request: Request) => Promise<Response> {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    'Content-Security-Policy': contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...extra,
  });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: headers() });
    const file = resolveAppFile(rootDir, request.url);
    if (file === null) return new Response(null, { status: 404, headers: headers() });
    try {
      const body = await readFile(file);
      const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers({ 'Content-Type': type }) });
    } catch {
      return new Response(null, { status: 404, headers: headers() });
    }
  };
}

/** After 'ready': serves the renderer folder on the app scheme. */
export function serveRenderer(protocol: Pick<Protocol, 'handle'>, rendererDir: string, contentSecurityPolicy: string): void {
  protocol.handle(APP_SCHEME, createAppHandler(rendererDir, contentSecurityPolicy));
}
