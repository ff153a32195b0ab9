// The built renderer on 127.0.0.1 for headless Chromium, shared by the end-to-end suites and the renderer bench.
// Node built-ins only: the bench bundles this with esbuild (CommonJS), so it takes the project root as an argument.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Debian's Chromium; OUTBOX_E2E_CHROMIUM points elsewhere (e.g. a laptop's /usr/bin/chromium-browser). */
export const CHROMIUM = process.env.OUTBOX_E2E_CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium dials Google services at start, which this machine refuses noisily.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

export interface BuiltRenderer {
  readonly dir: string;
  remove(): Promise<void>;
}

/**
 * Builds the renderer with the app's own Vite config into a private temporary folder. Not into dist/renderer:
 * other suites (test/build) rebuild that folder while tests run in parallel, and a build left there could be stale.
 */
export async function buildRenderer(root: string): Promise<BuiltRenderer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-renderer-'));
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const args = [
    vite,
    'build',
    '--config',
    'renderer/vite.config.ts',
    '--outDir',
    dir,
    '--emptyOutDir',
    '--sourcemap',
    'false',
    '--logLevel',
    'warn',
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ code: exitCode, output: text }));
  });
  if (code !== 0 || !existsSync(path.join(dir, 'index.html'))) {
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(`renderer build failed (${code}):\n${output}`);
  }
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export interface StaticServer {
  /** http://127.0.0.1:port, for other files in the folder. */
  readonly origin: string;
  /** The app's index.html. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves a built renderer on 127.0.0.1: Chromium refuses module scripts from file:// (origin 'null'), which Electron's
 * file protocol allows, so a plain http origin stands in. The page's own CSP meta tag still applies.
 */
export async function serveRenderer(dir: string): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      // Chromium asks an http origin for a favicon, which a file:// window never does: nothing to report.
      if (pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const file = path.join(dir, pathname === '/' ? 'index.html' : pathname);
      if (!file.startsWith(dir + path.sep)) {
        res.writeHead(403).end();
        return;
      }
      try {
        let body = await fs.readFile(file);
        // The app serves the page as app://outbox/ and its CSP names that origin; over http the same policy is 'self'.
        if (path.basename(file) === 'index.html') body = Buffer.from(body.toString('utf8').replaceAll('app://outbox', "'self'"));
        res.writeHead(200, {
          'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
        });
        res.end(body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: `${origin}/index.html`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
