// The outbox screen end to end: built renderer in Chromium, real handlers and engine, real SMTP peers on loopback.
// Screenshots go to test-artifacts/e2e/; axe-core checks each screen for serious or critical violations.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { NewAccount } from '../../electron/shared/account';
import type { OutboxApi } from '../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../electron/shared/message';
import { makeCerts } from '../peers/certs';
import { startRawSmtp } from '../peers/raw-smtp';
import { startSmtpPeer } from '../peers/smtp-peer';
import {
  CHROMIUM,
  chromiumAvailable,
  buildRenderer,
  launchChromium,
  openApp,
  seriousAxeViolations,
  serveRenderer,
  startBackend,
  type AppPage,
  type Backend,
  type StaticServer,
} from './harness';

const haveChromium = chromiumAvailable();
const inCi = process.env.CI === 'true' || process.env.CI === '1';
if (!haveChromium && !inCi) console.warn(`[e2e] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/**
 * `window.outbox` as the bridge installs it (renderer/src/api.ts declares it only for the renderer's own program).
 * A cast, not a helper: page.evaluate callbacks run in the page and can call nothing from this module.
 */
type Bridged = { outbox: OutboxApi };

function relay(port: number): NewAccount {
  return { name: 'Ann Example', email: 'ann@example.test', smtp: { host: '127.0.0.1', port, security: 'none', insecure: true, user: '', authMethod: 'auto' } };
}

/** Resolves when every listed message reached `state`, or fails after `ms`. */
async function engineReaches(backend: Backend, ids: string[], state: OutboxMessage['state'], ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const list = await backend.engine.list();
    if (ids.every((id) => list.find((m) => m.id === id)?.state === state)) return;
    if (Date.now() > deadline) throw new Error(`messages did not reach ${state}: ${JSON.stringify(list.map((m) => [m.id, m.state]))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// A laptop without Chromium skips the suite; CI must not pass by skipping it.
if (!haveChromium && inCi) {
  it('has Chromium installed under CI', () => {
    expect.fail(`No Chromium at ${CHROMIUM}: .ci/run installs the chromium package`);
  });
}

describe.skipIf(!haveChromium)('the outbox screen in Chromium', () => {
  let browser: Browser;
  let site: StaticServer;
  let built: Awaited<ReturnType<typeof buildRenderer>> | undefined;
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    built = await buildRenderer();
    site = await serveRenderer(built.dir);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await built?.remove();
  });
  afterEach(async () => {
    // Newest first: the page before the backend before the servers it talks to.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function open(backend: Backend): Promise<AppPage> {
    const app = await openApp(browser, backend, site.url);
    cleanups.push(() => app.close());
    return app;
  }
  async function backendUp(online = true): Promise<Backend> {
    const backend = await startBackend({ online });
    cleanups.push(() => backend.close());
    return backend;
  }
  async function expectAccessible(app: AppPage): Promise<void> {
    expect(await seriousAxeViolations(app.page)).toEqual([]);
  }

  it('tells a new user with no account what to do first', async () => {
    const backend = await backendUp();
    const app = await open(backend);
    const empty = app.page.locator('.empty');
    await empty.getByRole('heading', { name: 'Welcome to Outbox' }).waitFor();
    expect(await empty.innerText()).toContain('First, add the account you send mail from.');
    expect(await empty.innerText()).toContain('outbox account add');
    expect(await app.page.locator('.app__count').innerText()).toBe('All sent');
    await app.screenshot('01-empty-new-user');
    await expectAccessible(app);
    // The page ran under its own CSP and found its API: nothing refused, nothing thrown.
    expect(app.problems).toEqual([]);
    expect(app.calls).toEqual(expect.arrayContaining(['outbox:list', 'account:list', 'app:connectivity']));
  });

  it('shows two messages queued through the bridge, then sent, live from the event stream', async () => {
    // The peer holds each RCPT until released, so the page has time to show the messages waiting.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const peer = await startSmtpPeer({
      certs: makeCerts(),
      server: {
        hideSTARTTLS: true,
        onRcptTo(_address, _session, callback) {
          void gate.then(() => callback());
        },
      },
    });
    cleanups.push(() => peer.close());
    const backend = await backendUp();
    const app = await open(backend);
    await app.page.getByRole('heading', { name: 'Welcome to Outbox' }).waitFor();

    const added = await app.page.evaluate((account) => (window as unknown as Bridged).outbox.account.add(account), relay(peer.port));
    expect(added.ok).toBe(true);
    // account:add pushes no event today, so the page learns of the account only on its next load.
    await app.page.reload();
    await app.page.getByRole('heading', { name: 'Nothing waiting to be sent' }).waitFor();

    const ids = await app.page.evaluate(async () => {
      const api = (window as unknown as Bridged).outbox;
      const results = [
        await api.outbox.enqueue({ to: ['bob@example.test'], subject: 'Quarterly report', text: 'Attached soon.' }),
        await api.outbox.enqueue({ to: ['carol@example.test', 'dan@example.test'], subject: 'Lunch on Friday?', text: 'Noon?' }),
      ];
      return results.map((r) => (r.ok ? r.value.id : `error ${r.error.code}`));
    });
    expect(ids).toHaveLength(2);
    expect(ids.every((id) => !id.startsWith('error'))).toBe(true);

    const rows = app.page.locator('ul[aria-label="Messages in the outbox"] > li');
    await rows.nth(1).waitFor();
    await app.page.locator('.app__count', { hasText: '2 waiting' }).waitFor();
    expect(await app.page.locator('.message--sent').count()).toBe(0);
    await app.screenshot('02a-two-messages-waiting');
    await expectAccessible(app);

    const listCallsBefore = app.calls.filter((c) => c === 'outbox:list').length;
    release();
    await engineReaches(backend, ids, 'sent');
    await app.page.locator('.message--sent').nth(1).waitFor({ timeout: 10_000 });
    await app.page.locator('.app__count', { hasText: 'All sent' }).waitFor();
    // No reload: the page asked for the list again only because events told it to.
    expect(app.calls.filter((c) => c === 'outbox:list').length).toBeGreaterThan(listCallsBefore);
    expect(await app.page.locator('.message__subject').allInnerTexts()).toEqual(expect.arrayContaining(['Quarterly report', 'Lunch on Friday?']));
    expect(peer.messages).toHaveLength(2);
    await app.screenshot('02b-two-messages-sent');
    await expectAccessible(app);
    expect(app.problems).toEqual([]);
  });

  it('shows the offline banner while a message waits, and drops it when the message leaves on reconnecting', async () => {
    const peer = await startSmtpPeer({ certs: makeCerts(), server: { hideSTARTTLS: true } });
    cleanups.push(() => peer.close());
    const backend = await backendUp(true);
    await backend.accounts.add(relay(peer.port));
    const app = await open(backend);
    await app.page.getByRole('heading', { name: 'Nothing waiting to be sent' }).waitFor();
    expect(await app.page.locator('.banner--offline').count()).toBe(0);

    backend.network.set(false);
    await app.page.locator('.banner--offline').waitFor();
    const queued = await app.page.evaluate(() => (window as unknown as Bridged).outbox.outbox.enqueue({ to: ['erin@example.test'], subject: 'Written on the train', text: 'Hi' }));
    if (!queued.ok) throw new Error(queued.error.message);
    await app.page.locator('.message--queued').waitFor();
    await app.page.locator('.app__count', { hasText: '1 waiting' }).waitFor();
    expect(await app.page.locator('.banner--offline').innerText()).toContain('You are offline.');
    expect(peer.messages).toHaveLength(0);
    await app.screenshot('03a-offline-one-queued');
    await expectAccessible(app);

    backend.network.set(true);
    await app.page.locator('.banner--offline').waitFor({ state: 'detached' });
    await app.page.locator('.message--sent').waitFor({ timeout: 10_000 });
    await app.page.locator('.app__count', { hasText: 'All sent' }).waitFor();
    expect(peer.messages).toHaveLength(1);
    await app.screenshot('03b-back-online-sent');
    expect(app.problems).toEqual([]);
  });

  it("explains a 550 in plain words and shows the server's reply", async () => {
    const reply = '550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table';
    const raw = await startRawSmtp({ rcpt: reply });
    cleanups.push(() => raw.close());
    const backend = await backendUp();
    await backend.accounts.add(relay(raw.port));
    const app = await open(backend);

    const queued = await app.page.evaluate(() => (window as unknown as Bridged).outbox.outbox.enqueue({ to: ['nobody@example.test'], subject: 'Invoice 2026-117', text: 'Hello' }));
    if (!queued.ok) throw new Error(queued.error.message);
    await engineReaches(backend, [queued.value.id], 'failed');
    const row = app.page.locator('.message--failed');
    await row.waitFor({ timeout: 10_000 });

    const failed = await backend.engine.get(queued.value.id);
    const lastError = failed?.lastError;
    expect(lastError?.reply).toContain('550 5.1.1');
    // The badge, the plain explanation, the next step and the server's own words.
    expect(await row.locator('.badge').innerText()).toBe('Failed');
    expect(await row.locator('.message__detail').innerText()).toBe(lastError?.message);
    expect(await row.locator('.message__error').innerText()).toContain(lastError?.next ?? '(no next step)');
    expect(await row.locator('.message__reply').innerText()).toContain('Recipient address rejected: User unknown');
    // The header never says "All sent" while a message has failed.
    await app.page.locator('.app__count', { hasText: '1 failed' }).waitFor();
    await app.screenshot('04-rejected-550');
    await expectAccessible(app);
    expect(app.problems).toEqual([]);
  });
});
