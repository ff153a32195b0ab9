// The renderer's figures: built JS size gzipped, time to a first outbox with 200 messages, and the 10,000-message
// render, measured in headless Chromium with the page's own performance marks; baselines measured in the same run.
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { median } from './fixtures';
import { CHROMIUM, CHROMIUM_ARGS, chromiumAvailable, serveRenderer } from '../scripts/renderer-site';
import { BLANK_PAGE, buildWithBlankPage, installStandIn } from './renderer-page';

const LOADS = 7;

export interface RendererFigures {
  jsGzipKb: number | null;
  firstRenderMs: number | null;
  firstRenderBlankMs: number | null;
  render10kMs: number | null;
  render100Ms: number | null;
  /** Scrolling the 10,000-message outbox in wheel-sized steps: the median and 95th-percentile gap between frames. */
  scroll10kFrameMs: number | null;
  scroll10kFrameP95Ms: number | null;
  /** The same gap on the same page standing still: the display's own pace, the baseline for the two above. */
  idleFrameMs: number | null;
  /** Why the browser figures are missing, when they are. */
  note?: string;
}

async function jsGzipKb(dir: string): Promise<number> {
  const files = await fs.readdir(path.join(dir, 'assets'));
  let bytes = 0;
  for (const file of files.filter((f) => f.endsWith('.js')))
    bytes += gzipSync(await fs.readFile(path.join(dir, 'assets', file)), { level: 9 }).length;
  return bytes / 1024;
}

/** Navigation start (the page's time origin) to the outbox rows in the DOM, from the app's own mark. */
async function firstRender(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('outbox:rows').length > 0, undefined, { timeout: 20_000 });
  return page.evaluate(() => performance.getEntriesByName('outbox:rows')[0]!.startTime);
}

/** The list answer arriving (before its setState) to the first frame with rows painted. */
async function listRender(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('outbox:painted').length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(
    () => performance.getEntriesByName('outbox:painted')[0]!.startTime - performance.getEntriesByName('outbox:list-received')[0]!.startTime,
  );
}

/** Frame gaps while scrolling the list from top to bottom in 2,500-pixel steps, one step per frame (or standing still). */
async function scrollFrames(page: Page, url: string, still: boolean): Promise<number[]> {
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('outbox:painted').length > 0, undefined, { timeout: 30_000 });
  return page.evaluate(async (standStill) => {
    const el = document.querySelector<HTMLElement>('[role="listbox"]')!;
    const gaps: number[] = [];
    await new Promise((r) => requestAnimationFrame(r));
    let last = performance.now();
    for (let top = 0; top <= el.scrollHeight; top += 2500) {
      if (!standStill) el.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(r));
      const now = performance.now();
      gaps.push(now - last);
      last = now;
    }
    return gaps;
  }, still);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function blank(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
}

async function medianOf(times: number, sample: () => Promise<number>): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) values.push(await sample());
  return median(values);
}

/** Every figure missing, with the reason when there is one (the bench failed). */
export function noRendererFigures(note?: string): RendererFigures {
  return {
    jsGzipKb: null,
    firstRenderMs: null,
    firstRenderBlankMs: null,
    render10kMs: null,
    render100Ms: null,
    scroll10kFrameMs: null,
    scroll10kFrameP95Ms: null,
    idleFrameMs: null,
    ...(note ? { note } : {}),
  };
}

export async function benchRenderer(root: string): Promise<RendererFigures> {
  const built = await buildWithBlankPage(root);
  const figures: RendererFigures = { ...noRendererFigures(), jsGzipKb: await jsGzipKb(built.dir) };
  if (!chromiumAvailable()) {
    await built.remove();
    return { ...figures, note: `no Chromium at ${CHROMIUM}: browser figures left null` };
  }
  const site = await serveRenderer(built.dir);
  let browser: Browser | undefined;
  try {
    // Loaded at run time, not bundled: playwright-core finds its own files relative to its package.
    const { chromium } = createRequire(path.join(root, 'package.json'))('playwright-core') as typeof import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 20_000 });
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    await context.addInitScript(installStandIn);
    const page = await context.newPage();
    const app = (n: number) => `${site.origin}/index.html?n=${n}`;
    // One warm-up load of each, so the figures are not the disk cache's first read.
    await firstRender(page, app(200));
    await blank(page, `${site.origin}/${BLANK_PAGE}`);
    figures.firstRenderMs = await medianOf(LOADS, () => firstRender(page, app(200)));
    figures.firstRenderBlankMs = await medianOf(LOADS, () => blank(page, `${site.origin}/${BLANK_PAGE}`));
    figures.render10kMs = await medianOf(LOADS, () => listRender(page, app(10_000)));
    figures.render100Ms = await medianOf(LOADS, () => listRender(page, app(100)));
    const scrolling = await scrollFrames(page, app(10_000), false);
    const idle = await scrollFrames(page, app(10_000), true);
    figures.scroll10kFrameMs = median(scrolling);
    figures.scroll10kFrameP95Ms = percentile(scrolling, 0.95);
    figures.idleFrameMs = median(idle);
    return figures;
  } finally {
    await browser?.close();
    await site.close();
    await built.remove();
  }
}
