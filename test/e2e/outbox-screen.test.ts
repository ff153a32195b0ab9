// The outbox screen end to end: built renderer in Chromium, real handlers and engine, real SMTP peers on loopback.
// Screenshots go to test-artifacts/e2e/; axe-core checks each screen for serious or critical violations.
import { expect, it } from 'vitest';
import type { OutboxApi, OutboxSummary } from '../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../electron/shared/message';
import { makeCerts } from '../peers/certs';
import { startRawSmtp } from '../peers/raw-smtp';
import { startSmtpPeer } from '../peers/smtp-peer';
import { seriousAxeViolations, type AppPage, type Backend } from './harness';
import { describeInChromium, relayAccount, until } from './suite';

/**
 * `window.outbox` as the bridge installs it (renderer/src/api.ts declares it only for the renderer's own program).
 * A cast, not a helper: page.evaluate callbacks run in the page and can call nothing from this module.
 */
type Bridged = { outbox: OutboxApi };

/** Resolves when every listed message reached `state`, or fails after `ms`. */
async function engineReaches(backend: Backend, ids: string[], state: OutboxMessage['state'], ms = 10_000): Promise<void> {
  let list: OutboxMessage[] = [];
  await until(
    () => `messages to reach ${state}: ${JSON.stringify(list.map((m) => [m.id, m.state]))}`,
    async () => {
      list = await backend.engine.list();
      return ids.every((id) => list.find((m) => m.id === id)?.state === state) ? true : undefined;
    },
    ms,
  );
}

describeInChromium('the outbox screen in Chromium', (suite) => {
  async function expectAccessible(app: AppPage): Promise<void> {
    expect(await seriousAxeViolations(app.page)).toEqual([]);
  }

  it('takes a new user with no account straight to adding one, and the Outbox tells them what to do first', async () => {
    const backend = await suite.backend();
    const app = await suite.open(backend);
    const nav = app.page.getByRole('navigation', { name: 'Main' });
    await nav.locator('[aria-current="page"]', { hasText: 'Accounts' }).waitFor();
    expect(await app.page.locator('.app__count').innerText()).toBe('No messages yet');
    await nav.getByRole('button', { name: 'Outbox' }).click();
    const empty = app.page.locator('.empty');
    await empty.getByRole('heading', { name: 'Welcome to Outbox' }).waitFor();
    expect(await empty.innerText()).toContain('First, add the account you send mail from.');
    // Moving to a screen puts focus on its heading.
    expect(await app.page.evaluate(() => document.activeElement?.textContent)).toBe('Outbox');
    await app.screenshot('01-empty-new-user');
    await expectAccessible(app);
    await empty.getByRole('button', { name: 'Add your account' }).click();
    await nav.locator('[aria-current="page"]', { hasText: 'Accounts' }).waitFor();
    // The page ran under its own CSP and found its API: nothing refused, nothing thrown.
    expect(app.problems).toEqual([]);
    expect(app.calls).toEqual(expect.arrayContaining(['outbox:list', 'account:list', 'app:connectivity', 'app:takeCommands']));
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
    suite.cleanup(() => peer.close());
    const backend = await suite.backend();
    const app = await suite.open(backend);
    const added = await app.page.evaluate((account) => (window as unknown as Bridged).outbox.account.add(account), relayAccount(peer.port));
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

    const rows = app.page.getByRole('listbox', { name: 'Messages in the outbox' }).getByRole('option');
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
    // No reload and no list call: the page applied the engine's events to the rows it had.
    expect(app.calls.filter((c) => c === 'outbox:list').length).toBe(listCallsBefore);
    expect(await app.page.locator('.message__subject').allInnerTexts()).toEqual(
      expect.arrayContaining(['Quarterly report', 'Lunch on Friday?']),
    );
    expect(peer.messages).toHaveLength(2);
    await app.screenshot('02b-two-messages-sent');
    await expectAccessible(app);
    expect(app.problems).toEqual([]);
  });

  it('goes offline, queues two messages, comes back and watches them leave', async () => {
    const peer = await startSmtpPeer({ certs: makeCerts(), server: { hideSTARTTLS: true } });
    suite.cleanup(() => peer.close());
    const backend = await suite.backend({ online: true });
    await backend.accounts.add(relayAccount(peer.port));
    const app = await suite.open(backend);
    await app.page.getByRole('heading', { name: 'Nothing waiting to be sent' }).waitFor();
    expect(await app.page.locator('.banner--offline').count()).toBe(0);

    backend.network.set(false);
    await app.page.locator('.banner--offline').waitFor();
    for (const subject of ['Written on the train', 'And another one']) {
      const queued = await app.page.evaluate(
        (s) => (window as unknown as Bridged).outbox.outbox.enqueue({ to: ['erin@example.test'], subject: s, text: 'Hi' }),
        subject,
      );
      if (!queued.ok) throw new Error(queued.error.message);
    }
    await app.page.locator('.message--queued').nth(1).waitFor();
    await app.page.locator('.app__count', { hasText: '2 waiting' }).waitFor();
    await app.page
      .locator('.banner--offline', { hasText: '2 messages wait and leave by themselves when the connection returns' })
      .waitFor();
    expect(peer.messages).toHaveLength(0);
    await app.screenshot('03a-offline-two-queued');
    await expectAccessible(app);

    backend.network.set(true);
    await app.page.locator('.banner--offline').waitFor({ state: 'detached' });
    await app.page.locator('.message--sent').nth(1).waitFor({ timeout: 10_000 });
    await app.page.locator('.app__count', { hasText: 'All sent' }).waitFor();
    expect(peer.messages).toHaveLength(2);
    await app.screenshot('03b-back-online-sent');
    expect(app.problems).toEqual([]);
  });

  it("explains a 550 in plain words and shows the server's reply", async () => {
    const reply = '550 5.1.1 <nobody@example.test>: Recipient address rejected: User unknown in local recipient table';
    const raw = await startRawSmtp({ rcpt: reply });
    suite.cleanup(() => raw.close());
    const backend = await suite.backend();
    await backend.accounts.add(relayAccount(raw.port));
    const app = await suite.open(backend);

    const queued = await app.page.evaluate(() =>
      (window as unknown as Bridged).outbox.outbox.enqueue({ to: ['nobody@example.test'], subject: 'Invoice 2026-117', text: 'Hello' }),
    );
    if (!queued.ok) throw new Error(queued.error.message);
    await engineReaches(backend, [queued.value.id], 'failed');
    const row = app.page.locator('.message--failed');
    await row.waitFor({ timeout: 10_000 });

    const failed = await backend.engine.get(queued.value.id);
    const lastError = failed?.lastError;
    expect(lastError?.reply).toContain('550 5.1.1');
    // The row: the badge and the plain explanation.
    expect(await row.locator('.badge').innerText()).toBe('Failed');
    expect(await row.locator('.message__detail').innerText()).toBe(lastError?.message);
    // The details: cause, next step, the server's own words and the code.
    await row.click();
    const details = app.page.getByRole('region', { name: 'Invoice 2026-117' });
    await details.waitFor();
    expect(await details.locator('.outbox-error__cause').first().innerText()).toBe(lastError?.message);
    expect(await details.locator('.outbox-error__next').first().innerText()).toBe(lastError?.next);
    expect(await details.locator('pre.outbox-reply').first().innerText()).toContain('Recipient address rejected: User unknown');
    // The reply once: not again inside nodemailer's "Can't send mail - all recipients were rejected: …".
    const why = await details.locator('.outbox-details__why').innerText();
    expect(why.split('Recipient address rejected: User unknown')).toHaveLength(2);
    expect(why).not.toContain("Can't send mail");
    expect(await details.innerText()).toContain(lastError?.code ?? '(no code)');
    await details.getByRole('button', { name: 'Show transcript' }).click();
    await details.locator('.outbox-transcript', { hasText: 'RCPT TO' }).waitFor();
    // The header never says "All sent" while a message has failed.
    await app.page.locator('.app__count', { hasText: '1 failed' }).waitFor();
    await app.screenshot('04-rejected-550');
    await expectAccessible(app);
    expect(app.problems).toEqual([]);
  });

  it('scrolls 10,000 messages with only a window of rows in the DOM', async () => {
    const backend = await suite.backend();
    await backend.accounts.add(relayAccount(2525));
    // The engine holds no 10,000 messages here: outbox:list answers with synthetic ones, everything else is real.
    const many = Array.from({ length: 10_000 }, (_, i) => syntheticMessage(i));
    const app = await suite.open(withList(backend, many));
    const list = app.page.getByRole('listbox', { name: 'Messages in the outbox' });
    await list.getByRole('option').first().waitFor();
    expect(await app.page.locator('.app__count').innerText()).toBe('10,000 waiting');
    expect(await list.getByRole('option').count()).toBeLessThan(100);

    // Scroll to the end in steps, as a wheel would: after each frame the visible part of the list is covered by
    // rows (no blank gap a user would see) and the DOM still holds only a window of them. How fast those frames
    // come is a benchmark figure (outbox_10k_scroll_frame_ms in npm run bench), not a test.
    const scrolled = await app.page.evaluate(async () => {
      const el = document.querySelector<HTMLElement>('[role="listbox"]')!;
      let steps = 0;
      let mostRows = 0;
      const blank: number[] = [];
      for (let top = 0; top <= el.scrollHeight; top += 2500) {
        el.scrollTop = top;
        await new Promise((r) => requestAnimationFrame(r));
        await new Promise((r) => requestAnimationFrame(r));
        const view = el.getBoundingClientRect();
        const rows = [...el.querySelectorAll('[role="option"]')].map((row) => row.getBoundingClientRect());
        mostRows = Math.max(mostRows, rows.length);
        const covered = (y: number) => rows.some((r) => r.top <= y && r.bottom > y);
        const bottom = Math.min(view.bottom, view.top + el.scrollHeight - el.scrollTop) - 1;
        if (!covered(view.top + 1) || !covered(bottom)) blank.push(el.scrollTop);
        steps++;
      }
      return { steps, mostRows, blank };
    });
    expect(scrolled.steps).toBeGreaterThan(300);
    expect(scrolled.blank).toEqual([]);
    expect(scrolled.mostRows).toBeLessThan(100);
    await list.getByRole('option', { name: /Message 9999\b/ }).waitFor();
    expect(await list.getByRole('option').count()).toBeLessThan(100);

    // The keyboard reaches the end too, and Enter opens the last message.
    await list.focus();
    await app.page.keyboard.press('Home');
    await app.page.keyboard.press('End');
    await app.page.keyboard.press('Enter');
    await app.page.getByRole('region', { name: 'Message 9999' }).waitFor();
    await app.screenshot('05-ten-thousand-end');
    await expectAccessible(app);
    expect(app.problems).toEqual([]);
    // 10,000 messages through the test bridge: slow on a loaded machine, and not what this test measures.
  }, 90_000);

  it('opens the message a notification points at, scrolled into view', async () => {
    const backend = await suite.backend();
    await backend.accounts.add(relayAccount(2525));
    const many = Array.from({ length: 2_000 }, (_, i) => syntheticMessage(i));
    const app = await suite.open(withList(backend, many));
    await app.page.getByRole('option').first().waitFor();
    backend.push('app:command', { type: 'open-message', id: 'syn-1500' });
    const row = app.page.getByRole('option', { name: /Message 1500\b/ });
    await row.waitFor();
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await row.isVisible()).toBe(true);
    await app.page.getByRole('region', { name: 'Message 1500' }).waitFor();
    backend.push('app:command', { type: 'quitting', sending: 1 });
    await app.page.getByRole('status').filter({ hasText: 'Finishing 1 send before quitting…' }).waitFor();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`passes axe on every screen in ${scheme} mode, with screenshots`, async () => {
      const reply = '550 5.1.1 <nobody@example.test>: Recipient address rejected';
      const raw = await startRawSmtp({ rcpt: reply });
      suite.cleanup(() => raw.close());
      const backend = await suite.backend();
      await backend.accounts.add(relayAccount(raw.port));
      const app = await suite.open(backend);
      await app.page.emulateMedia({ colorScheme: scheme });
      const queued = await app.page.evaluate(() =>
        (window as unknown as Bridged).outbox.outbox.enqueue({ to: ['nobody@example.test'], subject: 'Refused one', text: 'Hello' }),
      );
      if (!queued.ok) throw new Error(queued.error.message);
      await engineReaches(backend, [queued.value.id], 'failed');
      await app.page.locator('.message--failed').click();
      await app.page.getByRole('region', { name: 'Refused one' }).waitFor();
      const background = await app.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(background).toBe(scheme === 'dark' ? 'rgb(27, 28, 31)' : 'rgb(247, 247, 248)');
      await app.screenshot(`06-${scheme}-outbox-details`);
      await expectAccessible(app);

      const nav = app.page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('button', { name: 'New message' }).click();
      await nav.locator('[aria-current="page"]', { hasText: 'New message' }).waitFor();
      await app.page.locator('#main h2').first().waitFor();
      await app.screenshot(`06-${scheme}-compose`);
      await expectAccessible(app);

      await nav.getByRole('button', { name: 'Accounts' }).click();
      await nav.locator('[aria-current="page"]', { hasText: 'Accounts' }).waitFor();
      await app.page.locator('#main h2').first().waitFor();
      await app.screenshot(`06-${scheme}-accounts`);
      await expectAccessible(app);
      expect(app.problems).toEqual([]);
    });
  }
});

/** A message as outbox:list carries it, for lists larger than a test can send. */
function syntheticMessage(i: number): OutboxSummary {
  return {
    id: `syn-${i}`,
    accountId: 'ann-example-test',
    state: 'queued',
    messageId: `<syn-${i}@example.test>`,
    subject: `Message ${i}`,
    from: 'ann@example.test',
    to: [`friend${i}@example.test`],
    cc: [],
    bccCount: 0,
    envelope: { from: 'ann@example.test', to: [`friend${i}@example.test`] },
    size: 2048,
    // Newest first: message 0 is the newest, 9,999 the oldest, so the last row is the last message.
    createdAt: new Date(Date.UTC(2030, 0, 1) - i * 60_000).toISOString(),
    attemptCount: 0,
  };
}

/** The backend with outbox:list answered from `messages`; every other channel goes to the real handlers. */
function withList(backend: Backend, messages: OutboxSummary[]): Backend {
  return Object.assign(Object.create(backend) as Backend, {
    invoke: (channel: string, args: unknown[]) =>
      channel === 'outbox:list' ? Promise.resolve({ ok: true as const, value: messages }) : backend.invoke(channel, args),
  });
}
