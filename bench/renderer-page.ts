// What the renderer bench serves and injects: the built renderer on 127.0.0.1 (plus a blank page as the baseline),
// and a stand-in `window.outbox` that answers from synthetic data, so the figures measure the page and not IPC.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BLANK_PAGE = 'blank.html';

/** Builds the renderer with the app's own Vite config into a temporary folder (never dist/renderer, which builds share). */
export async function buildRendererInto(root: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-bench-renderer-'));
  const vite = path.join(root, 'node_modules/vite/bin/vite.js');
  const args = [vite, 'build', '--config', 'renderer/vite.config.ts', '--outDir', dir, '--emptyOutDir', '--sourcemap', 'false', '--logLevel', 'warn'];
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
  // The baseline: the same server, the same navigation, a page with nothing to run.
  await fs.writeFile(path.join(dir, BLANK_PAGE), '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body></body></html>');
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

export async function serve(dir: string): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = path.join(dir, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dir + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Runs in the page before its scripts: `window.outbox` answering from `?n=` synthetic messages, made here so
 * their making is not counted. Self-contained: it is serialised into the page and can call nothing outside.
 */
export function installStandIn(): void {
  const n = Number(new URLSearchParams(location.search).get('n') ?? '0');
  const states = ['queued', 'sent', 'sent', 'sent', 'failed', 'scheduled', 'held'];
  const base = Date.UTC(2030, 0, 1);
  const messages = Array.from({ length: n }, (_, i) => {
    const state = states[i % states.length];
    return {
      id: `m-${i}`,
      accountId: 'bench',
      state,
      messageId: `<m-${i}@example.com>`,
      subject: `Message ${i} about the quarterly figures`,
      from: 'Bench <bench@example.com>',
      to: [`friend${i}@example.com`, 'team@example.com'],
      cc: [],
      bccCount: i % 5 === 0 ? 1 : 0,
      envelope: { from: 'bench@example.com', to: [`friend${i}@example.com`] },
      size: 2048 + i,
      createdAt: new Date(base - i * 60_000).toISOString(),
      sentAt: state === 'sent' ? new Date(base - i * 60_000 + 5_000).toISOString() : undefined,
      scheduledAt: state === 'scheduled' ? new Date(base + 86_400_000).toISOString() : undefined,
      holdReason: state === 'held' ? 'user' : undefined,
      lastError:
        state === 'failed'
          ? { code: 'SMTP_RECIPIENT', message: 'The mail server refused one or more recipients.', next: 'Check the spelling.', retryable: false, reply: '550 5.1.1 User unknown' }
          : undefined,
      attemptCount: state === 'queued' ? 0 : 1,
    };
  });
  const account = {
    id: 'bench',
    name: 'Bench',
    email: 'bench@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'bench', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: new Date(base).toISOString(),
  };
  const answers: Record<string, unknown> = {
    'outbox:list': messages,
    'account:list': [account],
    'app:connectivity': { online: true },
    'app:takeCommands': [],
    'draft:list': [],
  };
  const domain = (name: string) =>
    new Proxy({}, { get: (_t, verb) => async () => ({ ok: true, value: answers[`${name}:${String(verb)}`] ?? null }) });
  const api = new Proxy({}, { get: (_t, name) => (name === 'on' ? () => () => undefined : domain(String(name))) });
  Object.defineProperty(window, 'outbox', { value: api });
}
