// One end-to-end file's scaffolding: skipped with a warning where Chromium is missing (and failing under CI instead),
// the renderer built, served and opened in Chromium once per file, and what each test starts closed after it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { NewAccount } from '../../electron/shared/account';
import {
  buildRenderer,
  CHROMIUM,
  chromiumAvailable,
  serveRenderer,
  type BuiltRenderer,
  type StaticServer,
} from '../../scripts/renderer-site';
import { launchChromium, openApp, ROOT, startBackend, type AppPage, type Backend, type BackendOptions } from './harness';

export interface E2eSuite {
  /** Chromium, launched once for the file. */
  readonly browser: Browser;
  /** The renderer built for this file, served on 127.0.0.1. */
  readonly site: StaticServer;
  /** Runs `close` after the current test, newest first: the page before the backend before the servers it talks to. */
  cleanup(close: () => Promise<unknown>): void;
  /** The main process's services for this test, closed after it. */
  backend(options?: BackendOptions): Promise<Backend>;
  /** The app in a new browser context bridged to `backend`, closed after the test. */
  open(backend: Backend): Promise<AppPage>;
}

/**
 * describe() for a file of tests in Chromium; `body` gets the suite. A laptop without Chromium skips the tests with a
 * warning; CI must not pass by skipping them, so there a test fails instead.
 */
export function describeInChromium(name: string, body: (suite: E2eSuite) => void): void {
  const haveChromium = chromiumAvailable();
  const inCi = process.env.CI === 'true' || process.env.CI === '1';
  if (!haveChromium && !inCi) console.warn(`[e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
  if (!haveChromium && inCi) {
    it('has Chromium installed under CI', () => {
      expect.fail(`No Chromium at ${CHROMIUM}: .ci/run installs the chromium package`);
    });
  }
  describe.skipIf(!haveChromium)(name, () => body(e2eSuite()));
}

function e2eSuite(): E2eSuite {
  let browser: Browser | undefined;
  let site: StaticServer | undefined;
  let built: BuiltRenderer | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    built = await buildRenderer(ROOT);
    site = await serveRenderer(built.dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await built?.remove();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  const suite: E2eSuite = {
    get browser() {
      if (!browser) throw new Error('Chromium is launched in beforeAll');
      return browser;
    },
    get site() {
      if (!site) throw new Error('the renderer is served in beforeAll');
      return site;
    },
    cleanup: (close) => void cleanups.push(close),
    backend: async (options) => {
      const backend = await startBackend(options);
      cleanups.push(() => backend.close());
      return backend;
    },
    open: async (backend) => {
      const app = await openApp(suite.browser, backend, suite.site.url);
      cleanups.push(() => app.close());
      return app;
    },
  };
  return suite;
}

/** A password-less account sending through a plain SMTP peer on loopback. */
export function relayAccount(port: number): NewAccount {
  return {
    name: 'Ann Example',
    email: 'ann@example.test',
    smtp: { host: '127.0.0.1', port, security: 'none', insecure: true, user: '', authMethod: 'auto' },
  };
}

/** Polls `probe` until it returns a value; `what` names the wait (or says what was seen) when it times out. */
export async function until<T>(
  what: string | (() => string),
  probe: () => T | undefined | Promise<T | undefined>,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
