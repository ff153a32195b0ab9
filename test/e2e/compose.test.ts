// Compose end to end: the built renderer in Chromium, bridged to the real handlers, engine and a real SMTP peer.
// A message written with a chip, bold text and a picked file arrives as HTML, text and attachment; drafts survive a restart.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { expect, it } from 'vitest';
import { makeCerts } from '../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer';
import { seriousAxeViolations, type AppPage, type Backend } from './harness';
import { describeInChromium, relayAccount, until } from './suite';

describeInChromium('the compose screen in Chromium', (suite) => {
  async function setUp(
    options: { online?: boolean; beforeReply?: () => Promise<void> } = {},
  ): Promise<{ backend: Backend; peer: SmtpPeer }> {
    const peer = await startSmtpPeer({
      certs: makeCerts(),
      server: { hideSTARTTLS: true },
      ...(options.beforeReply ? { beforeReply: options.beforeReply } : {}),
    });
    suite.cleanup(() => peer.close());
    const backend = await suite.backend({ online: options.online ?? true });
    await backend.accounts.add(relayAccount(peer.port));
    return { backend, peer };
  }
  async function openCompose(app: AppPage): Promise<void> {
    await app.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'New message' }).click();
    await app.page.getByRole('combobox', { name: 'To' }).waitFor();
  }

  it('sends a chip, bold text and a picked file as HTML, text and attachment, showing it queued, sending, then sent', async () => {
    // Offline at first, so the message is seen waiting; then the server holds its reply, so it is seen sending.
    let release!: () => void;
    const replyHeld = new Promise<void>((resolve) => (release = resolve));
    const { backend, peer } = await setUp({ online: false, beforeReply: () => replyHeld });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-e2e-attach-'));
    suite.cleanup(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'figures.csv');
    await fs.writeFile(file, 'quarter,total\nQ1,1200\n');

    const app = await suite.open(backend);
    await openCompose(app);
    const page = app.page;
    await page.getByRole('combobox', { name: 'To' }).fill('Bob Example <bob@example.test>');
    await page.keyboard.press('Enter');
    await page.getByRole('list', { name: 'To recipients' }).getByText('Bob Example <bob@example.test>').waitFor();
    await page.getByLabel('Subject').fill('Quarterly numbers');
    await page.getByRole('textbox', { name: 'Message' }).click();
    await page.keyboard.type('Hello ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('Bob');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(', figures attached.');
    backend.picks = [file];
    await page.getByRole('button', { name: 'Attach files…' }).click();
    await page.locator('.compose-attachment', { hasText: 'figures.csv' }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^Saved / })
      .waitFor();

    await app.screenshot('compose');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('compose-dark');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('textbox', { name: 'Message' }).click();
    await page.keyboard.press('Control+Enter');
    const row = page.locator('[role=option]', { hasText: 'Quarterly numbers' });
    await row.locator('.badge--queued').waitFor({ timeout: 10_000 });
    backend.network.set(true);
    await row.locator('.badge--sending').waitFor({ timeout: 10_000 });
    await app.screenshot('compose-sent-sending');
    release();
    const received = await until('the peer to receive the message', () => peer.messages[0]);
    expect(received.to).toEqual(['bob@example.test']);
    const mail = await simpleParser(received.raw);
    expect(mail.subject).toBe('Quarterly numbers');
    expect(mail.html).toMatch(/Hello <b>Bob<\/b>, figures attached\./);
    expect(mail.text?.trim()).toBe('Hello Bob, figures attached.');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['figures.csv', 'quarter,total\nQ1,1200\n']]);
    expect(received.raw.toString()).toMatch(/multipart\/mixed/);

    // Sent hands the message to the outbox, which shows it leave.
    await page.locator('.badge--sent').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('.message__subject').allInnerTexts()).toContain('Quarterly numbers');
    // The draft went with the message.
    const drafts = await backend.invoke('draft:list', []);
    expect(drafts).toEqual({ ok: true, value: [] });
    expect(app.problems).toEqual([]);
  });

  it('brings the draft back after the window is closed and opened again', async () => {
    const { backend } = await setUp();
    const first = await suite.open(backend);
    await openCompose(first);
    await first.page.getByRole('combobox', { name: 'To' }).fill('carol@example.test');
    await first.page.keyboard.press('Tab');
    await first.page.getByLabel('Subject').fill('Written before a restart');
    await first.page.getByRole('textbox', { name: 'Message' }).click();
    await first.page.keyboard.type('Every word is kept.');
    await first.page
      .getByRole('status')
      .filter({ hasText: /^Saved / })
      .waitFor();
    // The last keystrokes before closing are saved too (debounce, then on leaving the screen).
    await first.page.keyboard.type(' Even these.');
    await until('the last words to be saved', async () => {
      const listed = await backend.invoke('draft:list', []);
      return listed.ok && JSON.stringify(listed.value).includes('Even these.') ? true : undefined;
    });
    await first.close();

    const second = await suite.open(backend);
    await openCompose(second);
    const page = second.page;
    await page.getByRole('list', { name: 'To recipients' }).getByText('carol@example.test').waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Written before a restart');
    expect(await page.getByRole('textbox', { name: 'Message' }).innerText()).toBe('Every word is kept. Even these.');
    expect(await page.getByRole('navigation', { name: 'Drafts' }).innerText()).toContain('Written before a restart');
    await second.screenshot('compose-draft-restored');
    expect(await seriousAxeViolations(page)).toEqual([]);
    expect(second.problems).toEqual([]);
  });

  it('opens a draft with foreign HTML sanitised: no image, no handler, no style, no script link', async () => {
    const { backend } = await setUp();
    const saved = await backend.invoke('draft:save', [
      {
        to: ['dan@example.test'],
        subject: 'Pasted from a web page',
        html: '<div style="color:red">Hello <b>Dan</b><img src="https://tracker.example/p.gif" onerror="alert(1)"><a href="javascript:alert(2)">click</a><a href="https://example.com/ok">ok</a></div><script>alert(3)</script>',
        text: 'Hello Dan',
      },
    ]);
    expect(saved.ok).toBe(true);
    const app = await suite.open(backend);
    const requests: string[] = [];
    const dialogs: string[] = [];
    app.page.on('request', (request) => requests.push(request.url()));
    app.page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await openCompose(app);
    const editor = app.page.getByRole('textbox', { name: 'Message' });
    await app.page.getByLabel('Subject').and(app.page.locator('[value="Pasted from a web page"]')).waitFor();
    expect(await editor.innerHTML()).toBe('<div>Hello <b>Dan</b><a>click</a><a href="https://example.com/ok">ok</a></div>');
    await app.page.waitForTimeout(300);
    // Nothing was fetched or run. Chromium still reports the style and handler attributes it met while DOMPurify
    // parsed the draft (in a windowless document, where they are blocked anyway): those reports are the only problems.
    expect(requests.filter((url) => !url.startsWith(suite.site.origin))).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(app.problems.filter((p) => !/^(Applying inline style|Executing inline event handler) violates/.test(p))).toEqual([]);
  });

  it('formats from the keyboard: a list from the toolbar, a link through its panel, both in the saved draft', async () => {
    const { backend } = await setUp();
    const app = await suite.open(backend);
    await openCompose(app);
    const page = app.page;
    const editor = page.getByRole('textbox', { name: 'Message' });
    await editor.click();
    await page.keyboard.type('Milk');
    // The toolbar is one tab stop before the editor; arrows move inside it.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Bold');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Bulleted list');
    await page.keyboard.press('Enter');
    expect(await editor.innerHTML()).toContain('<ul><li>Milk</li></ul>');
    expect(await page.getByRole('button', { name: 'Bulleted list' }).getAttribute('aria-pressed')).toBe('true');

    await editor.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Recipe');
    await page.keyboard.press('Shift+Home');
    await page.getByRole('button', { name: 'Link' }).click();
    await page.getByLabel('Link address').fill('example.com/recipe');
    await page.keyboard.press('Enter');
    expect(await editor.innerHTML()).toContain('<a href="https://example.com/recipe">Recipe</a>');

    const saved = await until('the draft with the list and the link', async () => {
      const listed = await backend.invoke('draft:list', []);
      const draft = listed.ok ? (listed.value as { html: string; text: string }[])[0] : undefined;
      return draft?.html.includes('href="https://example.com/recipe"') ? draft : undefined;
    });
    expect(saved.text).toBe('- Milk\nRecipe (https://example.com/recipe)');
    expect(app.problems).toEqual([]);
  });

  it('attaches a file dropped on the screen, showing the drop zone while dragging', async () => {
    const { backend } = await setUp();
    const app = await suite.open(backend);
    await openCompose(app);
    const page = app.page;
    const files = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['dropped bytes'], 'dropped.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('.compose', 'dragenter', { dataTransfer: files });
    await page.getByText('Drop files to attach them').waitFor();
    await page.dispatchEvent('.compose', 'drop', { dataTransfer: files });
    await page.locator('.compose-attachment', { hasText: 'dropped.txt' }).waitFor();
    expect(await page.locator('.compose-attachment__size').innerText()).toBe('13 bytes');
    expect(await page.getByText('Drop files to attach them').count()).toBe(0);
    const saved = await until('the draft holding the dropped file', async () => {
      const listed = await backend.invoke('draft:list', []);
      const draft = listed.ok ? (listed.value as { attachments: { name: string; size: number }[] }[])[0] : undefined;
      return draft?.attachments.length ? draft.attachments : undefined;
    });
    expect(saved.map((a) => [a.name, a.size])).toEqual([['dropped.txt', 13]]);
    expect(app.problems).toEqual([]);
  });

  it('Undo send: after Send the outbox says "Sending in …", and Undo brings the message back to Compose as it was', async () => {
    const peer = await startSmtpPeer({ certs: makeCerts(), server: { hideSTARTTLS: true } });
    suite.cleanup(() => peer.close());
    const backend = await suite.backend({ undoSendSeconds: 30 });
    await backend.accounts.add(relayAccount(peer.port));
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-e2e-undo-'));
    suite.cleanup(() => fs.rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'plan.txt');
    await fs.writeFile(file, 'step one\nstep two\n');

    const app = await suite.open(backend);
    await openCompose(app);
    const page = app.page;
    await page.getByRole('combobox', { name: 'To' }).fill('Bob Example <bob@example.test>');
    await page.keyboard.press('Enter');
    await page.getByLabel('Subject').fill('Second thoughts');
    await page.getByRole('textbox', { name: 'Message' }).click();
    await page.keyboard.type('The ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('plan');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(' is attached.');
    backend.picks = [file];
    await page.getByRole('button', { name: 'Attach files…' }).click();
    await page.locator('.compose-attachment', { hasText: 'plan.txt' }).waitFor();
    await page.getByRole('button', { name: 'Send', exact: true }).click();

    // Compose closes; the outbox counts down, in the row and in the bar above the list.
    const row = page.locator('[role=option]', { hasText: 'Second thoughts' });
    await row.getByText(/^Sending in \d+ s$/).waitFor();
    const bar = page.getByRole('region', { name: 'Undo send' });
    await bar.getByText(/“Second thoughts” — Sending in \d+ s/).waitFor();
    await app.screenshot('undo-send');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await bar.getByRole('button', { name: 'Undo' }).click();

    // Compose shows the message again: recipient, subject, formatted body and attachment.
    await page.getByRole('list', { name: 'To recipients' }).getByText('Bob Example <bob@example.test>').waitFor();
    expect(await page.getByLabel('Subject').inputValue()).toBe('Second thoughts');
    expect(await page.getByRole('textbox', { name: 'Message' }).innerHTML()).toMatch(/The <b>plan<\/b>(&nbsp;| )is attached\./);
    await page.locator('.compose-attachment', { hasText: 'plan.txt' }).waitFor();
    // Nothing left, and nothing waits to leave.
    expect(peer.messages).toHaveLength(0);
    expect(await backend.engine.list()).toEqual([]);
    expect(app.problems).toEqual([]);
  });
});
