// The renderer's own scheme: served from an install path with '%', '[' and spaces (which broke the file:// URL
// comparison), nothing outside the renderer folder, the CSP header on every answer, and IPC trusting that page.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createAppHandler, registerAppScheme, RENDERER_URL, resolveAppFile, serveRenderer } from '../../electron/main/app-protocol';
import { isTrustedSender } from '../../electron/main/ipc-handlers';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/window';
import { protocol } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const root = mkdtempSync(path.join(os.tmpdir(), 'outbox-scheme-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
// Where a user might install the app: C:\Users\Ann [Work]\100% Apps\Outbox, or its Linux look-alike.
const install = path.join(root, 'Ann [Work]', '100% Apps', 'Out box');
const rendererDir = path.join(install, 'resources', 'app', 'dist', 'renderer');
mkdirSync(path.join(rendererDir, 'assets'), { recursive: true });
writeFileSync(
  path.join(rendererDir, 'index.html'),
  '<!doctype html><title>Outbox</title><script type="module" src="./assets/index-abc.js"></script>',
);
writeFileSync(path.join(rendererDir, 'assets', 'index-abc.js'), 'console.log("outbox")');
writeFileSync(path.join(rendererDir, 'assets', 'a b%20c.css'), 'body{}');
writeFileSync(path.join(install, 'secret.txt'), 'not for the page');

describe('the app:// scheme', () => {
  const handler = createAppHandler(rendererDir, CONTENT_SECURITY_POLICY);
  const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

  it('serves the renderer from an install path with %, [ and spaces, with the CSP header and the right types', async () => {
    // What the old file:// comparison stumbled on: this path's URL is not what Chromium reports back.
    expect(pathToFileURL(path.join(rendererDir, 'index.html')).href).toMatch(/%25|%5B|%20/);
    const page = await get(RENDERER_URL);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<title>Outbox</title>');
    const script = await get('app://outbox/assets/index-abc.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // File names are URL-decoded once, as the page's relative URLs encode them.
    expect((await get('app://outbox/assets/a%20b%2520c.css')).status).toBe(200);
    expect((await get('app://outbox/')).status).toBe(200);
  });

  it('serves nothing outside the renderer folder, from another host, or for anything but GET', async () => {
    for (const url of [
      'app://outbox/../secret.txt',
      'app://outbox/%2e%2e/secret.txt',
      'app://outbox/..%2fsecret.txt',
      'app://outbox/assets/..%2f..%2fsecret.txt',
      'app://outbox/assets/%2e%2e%5c%2e%2e%5csecret.txt',
      'app://outbox/missing.js',
      'app://outbox/%00index.html',
      'app://evil/index.html',
    ]) {
      const answer = await get(url);
      expect(answer.status, url).toBe(404);
      expect(await answer.text(), url).not.toContain('not for the page');
      expect(answer.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await get(RENDERER_URL, 'POST')).status).toBe(405);
    expect(resolveAppFile(rendererDir, 'file:///etc/passwd')).toBeNull();
  });

  it('is registered as privileged before ready and handled through Electron’s protocol module', async () => {
    registerAppScheme(protocol);
    expect(protocol.privileged).toContainEqual({
      scheme: 'app',
      privileges: expect.objectContaining({ standard: true, secure: true, supportFetchAPI: true }),
    });
    serveRenderer(protocol, rendererDir, CONTENT_SECURITY_POLICY);
    expect((await protocol.fetch(RENDERER_URL)).status).toBe(200);
  });

  it('is the page IPC trusts, whatever the install path', () => {
    const trusted = { url: RENDERER_URL, isTrustedWebContents: (id: number) => id === 1 };
    const from = (url: string) => ({ sender: { id: 1 }, senderFrame: { url, parent: null } }) as never;
    expect(isTrustedSender(from(`${RENDERER_URL}#/compose`), trusted)).toBe(true);
    expect(isTrustedSender(from(pathToFileURL(path.join(rendererDir, 'index.html')).href), trusted)).toBe(false);
  });
});
