// The real app in a real Electron (Playwright's _electron): first start, a mailto: link at cold start, a second launch,
// quitting mid-send, window state. Skips with "no Electron binary" where Electron cannot run; OUTBOX_REQUIRE_ELECTRON=1
// turns that skip into a failure (electron-app.ts throws while the suite is collected).
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { buildApp, dataFolder, electronOrSkip, launch, NO_ELECTRON, ROOT, type RunningApp } from './electron-app';

const binary = electronOrSkip();

if (!binary) {
  describe('the app in Electron', () => {
    it.skip(`${NO_ELECTRON}: install Electron (npm install without ELECTRON_SKIP_BINARY_DOWNLOAD) to run this suite`, () => {});
  });
} else {
  const electron = binary;
  /** A loopback relay that needs no sign-in; `hold` keeps the reply to DATA back until released (a send in flight). */
  const received: Array<{ to: string[]; body: string }> = [];
  let hold: Promise<void> | null = null;
  const relay = new SMTPServer({
    authOptional: true,
    hideSTARTTLS: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const done = () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), body: Buffer.concat(chunks).toString('utf8') });
          callback(null, '2.0.0 queued');
        };
        if (hold) void hold.then(done);
        else done();
      });
    },
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    port = (relay.server.address() as AddressInfo).port;
    await buildApp();
  }, 300_000);
  afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });
  async function start(dir: string, args: string[] = []): Promise<RunningApp> {
    const running = await launch(electron, dir, args);
    cleanups.push(running.close);
    return running;
  }
  async function folder(): Promise<string> {
    const data = await dataFolder();
    cleanups.push(data.remove);
    return data.dir;
  }
  /** The relay as an account, added through the page's own window.outbox (preload → IPC → main). */
  async function addRelay(running: RunningApp): Promise<void> {
    const added = await running.window.evaluate(
      (p) =>
        (window as unknown as { outbox: { account: { add(a: unknown): Promise<{ ok: boolean }> } } }).outbox.account.add({
          name: 'Relay',
          email: 'ann@example.test',
          smtp: { host: '127.0.0.1', port: p, security: 'none', insecure: true, user: '' },
        }),
      port,
    );
    expect(added).toMatchObject({ ok: true });
  }

  describe('the app in Electron', { timeout: 180_000 }, () => {
    it('first start shows the wizard; with an account added, a message written in Compose is sent', async () => {
      const dir = await folder();
      const { window } = await start(dir);
      await window.getByRole('heading', { name: 'Add an account' }).waitFor({ timeout: 30_000 });
      // The page is app://outbox/ and IPC answers it: the trust check holds in a real Chromium.
      expect(window.url()).toBe('app://outbox/index.html');
      await addRelay({ window } as RunningApp);
      await window.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New message' }).click();
      await window.getByRole('combobox', { name: 'To' }).fill('bob@example.test');
      await window.keyboard.press('Enter');
      await window.getByLabel('Subject').fill('From a real Electron');
      await window.getByRole('textbox', { name: 'Message' }).click();
      await window.keyboard.type('Hello from the real app.');
      await window.getByRole('button', { name: 'Send', exact: true }).click();
      await expect
        .poll(() => received.find((m) => m.body.includes('From a real Electron'))?.to, { timeout: 30_000 })
        .toEqual(['bob@example.test']);
      await window.locator('.badge--sent').first().waitFor({ timeout: 30_000 });
      expect(await readFile(path.join(dir, 'logs', 'outbox.log'), 'utf8')).toContain('[app] outbox started as sender');
    });

    it('opens Compose for a mailto: link that starts the app', async () => {
      const dir = await folder();
      const { window } = await start(dir, ['mailto:carol@example.test?subject=Cold%20start']);
      await window.getByRole('combobox', { name: 'To' }).waitFor({ timeout: 30_000 });
      expect(await window.getByLabel('Subject').inputValue()).toBe('Cold start');
      expect(await window.getByRole('list', { name: 'To recipients' }).innerText()).toContain('carol@example.test');
    });

    it('a second launch focuses the first window and hands it its link, then exits', async () => {
      const dir = await folder();
      const { window } = await start(dir);
      await window.waitForLoadState('domcontentloaded');
      const second = spawn(electron, [ROOT, `--user-data-dir=${dir}`, 'mailto:dave@example.test?subject=Second'], { stdio: 'ignore' });
      const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
      expect(code).toBe(0);
      await window.getByRole('combobox', { name: 'To' }).waitFor({ timeout: 30_000 });
      expect(await window.getByLabel('Subject').inputValue()).toBe('Second');
    });

    it('quitting mid-send waits for the send, and a message still queued leaves at the next start', async () => {
      const dir = await folder();
      const first = await start(dir);
      await first.window.waitForLoadState('domcontentloaded');
      await addRelay(first);
      let release!: () => void;
      hold = new Promise<void>((resolve) => (release = resolve));
      const enqueue = (subject: string) =>
        first.window.evaluate(
          (s) =>
            (window as unknown as { outbox: { outbox: { enqueue(m: unknown): Promise<{ ok: boolean }> } } }).outbox.outbox.enqueue({
              to: ['erin@example.test'],
              subject: s,
              text: 'x',
            }),
          subject,
        );
      expect(await enqueue('In flight at quit')).toMatchObject({ ok: true });
      await first.window
        .getByText(/sending/i)
        .first()
        .waitFor({ timeout: 30_000 });
      const closed = first.app.waitForEvent('close', { timeout: 60_000 });
      void first.app.evaluate(({ app }) => app.quit());
      // The window stays and says why while the send finishes.
      await first.window.getByText(/Finishing 1 send before quitting/).waitFor({ timeout: 15_000 });
      release();
      await closed;
      hold = null;
      expect(received.map((m) => m.body).join('\n')).toContain('In flight at quit');
      // The next start finds it recorded as sent (not sent again, not lost).
      const second = await start(dir);
      await second.window.waitForLoadState('domcontentloaded');
      expect(
        await second.window.evaluate(() =>
          (
            window as unknown as {
              outbox: { outbox: { list(): Promise<{ ok: boolean; value: Array<{ subject: string; state: string }> }> } };
            }
          ).outbox.outbox.list(),
        ),
      ).toMatchObject({
        ok: true,
        value: expect.arrayContaining([expect.objectContaining({ subject: 'In flight at quit', state: 'sent' })]),
      });
    });

    it('opens where it was closed, maximized or not', async () => {
      const dir = await folder();
      await writeFile(
        path.join(dir, 'window-state.json'),
        JSON.stringify({ bounds: { x: 40, y: 50, width: 900, height: 640 }, maximized: false }),
      );
      const first = await start(dir);
      await first.window.waitForLoadState('domcontentloaded');
      const bounds = await first.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getNormalBounds());
      expect(bounds).toMatchObject({ width: 900, height: 640 });
      await first.app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows()[0]!.setBounds({ x: 60, y: 70, width: 1000, height: 700 }),
      );
      await first.close();
      expect(JSON.parse(await readFile(path.join(dir, 'window-state.json'), 'utf8')).bounds).toMatchObject({ width: 1000, height: 700 });
      const second = await start(dir);
      await second.window.waitForLoadState('domcontentloaded');
      expect(await second.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getNormalBounds())).toMatchObject({
        width: 1000,
        height: 700,
      });
    });
  });
}
