// @vitest-environment happy-dom
// The renderer's page under the CSP it declares: the policy comes first, and nothing in the page needs an inline
// script, an inline style or anything remote, so the strict policy costs no feature and nothing loads from the web.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { META_CONTENT_SECURITY_POLICY } from '../../electron/main/window';

vi.mock('electron', () => import('../main/fake-electron'));

const html = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../renderer/index.html'), 'utf8');
const page = new DOMParser().parseFromString(html, 'text/html');

describe('renderer/index.html', () => {
  it('declares the strict policy before anything that could load', () => {
    const head = [...page.head.children];
    const policy = head.findIndex((el) => el.getAttribute('http-equiv')?.toLowerCase() === 'content-security-policy');
    expect(head[policy]?.getAttribute('content')).toBe(META_CONTENT_SECURITY_POLICY);
    expect(policy).toBeGreaterThanOrEqual(0);
    const loaders = head.filter((el) => ['SCRIPT', 'LINK', 'BASE', 'STYLE'].includes(el.tagName));
    for (const loader of loaders) expect(head.indexOf(loader), loader.outerHTML).toBeGreaterThan(policy);
    expect(page.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]')).toHaveLength(1);
  });

  it('has no inline script, inline style or event handler attribute', () => {
    for (const script of page.querySelectorAll('script')) {
      expect(script.getAttribute('src'), script.outerHTML).toBeTruthy();
      expect(script.textContent?.trim()).toBe('');
    }
    expect(page.querySelectorAll('style')).toHaveLength(0);
    const inline = [...page.querySelectorAll('*')].flatMap((el) =>
      [...el.attributes].filter((a) => a.name === 'style' || a.name.startsWith('on')).map((a) => `${el.tagName}[${a.name}]`),
    );
    expect(inline).toEqual([]);
  });

  it('loads nothing from outside the app', () => {
    const urls = [...page.querySelectorAll('[src], [href]')].map((el) => el.getAttribute('src') ?? el.getAttribute('href') ?? '');
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url, url).not.toMatch(/^(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
  });
});
