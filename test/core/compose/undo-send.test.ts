// Undo send in the engine and Compose's service: the delay is a durable not-before time marked as an undo window,
// Undo within it gives back the draft the message was sent from, and once sending starts Undo is refused;
// the timer and Undo never both win. Time is the engine tests' manual clock; the sender is scripted.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { ComposeService } from '../../../electron/core/compose/compose-service';
import { DraftStore } from '../../../electron/core/compose/draft-store';
import type { SendResult } from '../../../electron/core/ports';
import type { SendRequest } from '../../../electron/shared/compose';
import { isAppError } from '../../../electron/shared/errors';
import { FakeNetwork, makeEngine, ManualClock, ScriptedSender, tempDir } from '../outbox/harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setup(options: { dir?: string; clock?: ManualClock; sender?: ScriptedSender; online?: boolean; delay?: number } = {}) {
  const dir = options.dir ?? (await tempDir('outbox-undo-'));
  if (!options.dir) cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const clock = options.clock ?? new ManualClock();
  const parts = makeEngine(dir, {
    clock,
    ...(options.sender ? { sender: options.sender } : {}),
    network: new FakeNetwork(options.online ?? true),
  });
  await parts.engine.start();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await parts.engine.stop({ graceMs: 200 });
  };
  cleanups.push(stop);
  const staging = new AttachmentStaging(path.join(dir, 'attachments'));
  const drafts = new DraftStore(path.join(dir, 'drafts'), staging);
  let delay = options.delay ?? 10;
  const compose = new ComposeService({ engine: parts.engine, drafts, staging, sendDelaySeconds: () => delay });
  return { dir, clock, ...parts, staging, drafts, compose, stop, setDelay: (s: number) => (delay = s) };
}

/** Lets the engine's promise chains (journal writes, the dispatch after a timer) run. */
const turn = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isAppError(error) && error.code === 'MESSAGE_STATE') return error.message;
    throw error;
  }
  throw new Error('Undo was not refused');
}

const parsed = (bytes: Buffer): Promise<ParsedMail> => simpleParser(bytes);

/** What a reader of the message sees: headers they read, both bodies, and each attachment's bytes. */
function seen(mail: ParsedMail) {
  const list = (field: ParsedMail['to']) =>
    (Array.isArray(field) ? field : field ? [field] : []).flatMap((a) => a.value.map((v) => `${v.name} <${v.address}>`));
  return {
    subject: mail.subject,
    to: list(mail.to),
    cc: list(mail.cc),
    html: mail.html,
    text: mail.text,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, bytes: a.content.toString('base64') })),
  };
}

describe('Undo send: the delay', () => {
  it('holds a message sent from Compose for the chosen delay, marked as an undo window, and sends it when the window ends', async () => {
    const { clock, compose, engine, sender } = await setup({ delay: 10 });
    const message = await compose.send({ to: ['bob@example.com'], subject: 'Soon', text: 'Hi' });
    expect(message.state).toBe('scheduled');
    expect(message.undoUntil).toBe(new Date(clock.now() + 10_000).toISOString());
    expect(message.scheduledAt).toBe(message.undoUntil);
    clock.advance(9_999);
    await turn();
    expect(sender.received).toHaveLength(0);
    clock.advance(1);
    const sent = await engine.waitFor(message.id);
    expect(sent.state).toBe('sent');
    // Sending started: nothing left to undo.
    expect(sent.undoUntil).toBeUndefined();
    expect(sender.received).toHaveLength(1);
  });

  it('sends at once when Undo send is off, and never delays Send later (its own time is kept)', async () => {
    const { clock, compose, engine, setDelay } = await setup({ delay: 0 });
    const now = await compose.send({ to: ['bob@example.com'], subject: 'Now', text: 'Hi' });
    expect(now.undoUntil).toBeUndefined();
    expect((await engine.waitFor(now.id)).state).toBe('sent');
    setDelay(30);
    const at = new Date(clock.now() + 3_600_000).toISOString();
    const later = await compose.send({ to: ['bob@example.com'], subject: 'Later', text: 'Hi', scheduledAt: at });
    expect(later).toMatchObject({ state: 'scheduled', scheduledAt: at });
    expect(later.undoUntil).toBeUndefined();
    expect(await refusal(compose.undo(later.id))).toMatch(/not sent with Undo send/);
  });

  it('survives a restart: still undoable inside the window, and sent at the next start once the window has passed', async () => {
    const clock = new ManualClock();
    const first = await setup({ clock, delay: 20 });
    const kept = await first.compose.send({ to: ['bob@example.com'], subject: 'Kept', text: 'One' });
    const due = await first.compose.send({ to: ['carol@example.com'], subject: 'Due', text: 'Two' });
    await first.stop();
    expect(first.sender.received).toHaveLength(0);

    // Back 5 s later: both still wait, with their undo windows.
    clock.advance(5_000);
    const second = await setup({ dir: first.dir, clock, sender: first.sender, delay: 20 });
    expect(await second.engine.get(kept.id)).toMatchObject({ state: 'scheduled', undoUntil: kept.undoUntil });
    const draft = await second.compose.undo(kept.id);
    expect(draft).toMatchObject({ subject: 'Kept', to: kept.to });
    expect(draft.text.trimEnd()).toBe('One');
    await second.stop();
    expect(first.sender.received).toHaveLength(0);

    // Back after the window: the other leaves at start, with no clock tick needed.
    clock.advance(60_000);
    const third = await setup({ dir: first.dir, clock, sender: first.sender });
    expect((await third.engine.waitFor(due.id)).state).toBe('sent');
    expect(first.sender.received.map((r) => r.envelope.to)).toEqual([['carol@example.com']]);
    expect(await third.engine.get(kept.id)).toBeUndefined();
  });
});

describe('Undo send: taking it back', () => {
  it('gives back the draft it was sent from (recipients, subject, formatted body, attachments), and the same message when sent again', async () => {
    const { compose, engine, sender, staging, drafts, clock, setDelay } = await setup({ delay: 10 });
    const bytes = new Uint8Array([0, 1, 2, 250, 37, 80, 68, 70, 13, 10, 46, 13, 10]);
    const file = await staging.fromBytes('plan.pdf', 'application/pdf', bytes);
    const request: SendRequest = {
      to: ['Bob Example <bob@example.com>', 'zoë@example.org'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      subject: 'Plan — v2',
      html: '<div>The <b>plan</b>, <i>revised</i>:</div><ul><li>one</li><li>two</li></ul><div><a href="https://example.com/p">link</a></div>',
      text: 'The plan, revised:\n- one\n- two\nlink (https://example.com/p)',
      attachments: [file.id],
    };
    const message = await compose.send(request);
    const where = (await engine.bytesOf(message.id))!;
    const original = (await fs.readFile(where.file)).subarray(where.offset, where.offset + where.length);
    const draft = await compose.undo(message.id);

    expect(draft).toMatchObject({
      accountId: message.accountId,
      to: message.to,
      cc: message.cc,
      bcc: ['dave@example.com'],
      subject: 'Plan — v2',
    });
    expect(draft.scheduledAt).toBeUndefined();
    expect(draft.html).toContain('<b>plan</b>');
    expect(draft.attachments).toEqual([expect.objectContaining({ name: 'plan.pdf', size: bytes.length, contentType: 'application/pdf' })]);
    expect(Buffer.from(await fs.readFile((await staging.get(draft.attachments[0]!.id)).path))).toEqual(Buffer.from(bytes));
    expect((await drafts.list()).map((d) => d.id)).toEqual([draft.id]);
    // Out of the outbox, and nothing leaves when its time comes.
    expect(await engine.get(message.id)).toBeUndefined();
    clock.advance(60_000);
    await turn();
    expect(sender.received).toHaveLength(0);

    // Sent again from that draft (as Compose sends it), the message reads exactly as the first one would have.
    setDelay(0);
    const again = await compose.send({
      ...request,
      to: draft.to,
      cc: draft.cc,
      bcc: draft.bcc,
      subject: draft.subject,
      html: draft.html,
      text: draft.text,
      attachments: draft.attachments.map((a) => a.id),
      draftId: draft.id,
    });
    await engine.waitFor(again.id);
    const [resent] = sender.received;
    expect(resent!.envelope.to.sort()).toEqual([...message.envelope.to].sort());
    const before = seen(await parsed(original));
    const after = seen(await parsed(resent!.bytes));
    expect(after).toEqual(before);
    expect(await drafts.list()).toEqual([]);
  });

  it('is refused once sending has started, and the message is sent once', async () => {
    let release: (r: SendResult) => void = () => {};
    const sender = new ScriptedSender(() => new Promise<SendResult>((resolve) => (release = resolve)));
    const { clock, compose, engine, drafts } = await setup({ sender, delay: 5 });
    const message = await compose.send({ to: ['bob@example.com'], subject: 'Going', text: 'x' });
    clock.advance(5_000);
    await engine.waitFor(message.id, ['sending']);
    expect(await refusal(compose.undo(message.id))).toBe('Too late to undo: the message is being sent right now.');
    while (sender.received.length === 0) await turn(5);
    release({ outcome: 'sent', reply: '250 2.0.0 Ok', transcript: [] });
    expect((await engine.waitFor(message.id)).state).toBe('sent');
    expect(await refusal(compose.undo(message.id))).toMatch(/^Too late to undo: sending had already started/);
    expect(sender.received).toHaveLength(1);
    expect(await drafts.list()).toEqual([]);
  });

  it('is refused after a retry was scheduled: an attempt was made, so it may have reached someone', async () => {
    const sender = new ScriptedSender(() => ({
      outcome: 'temporary',
      error: { code: 'SMTP_TEMPORARY', message: 'busy', next: 'wait', retryable: true, reply: '451 4.3.0 busy', responseCode: 451 },
      transcript: [],
    }));
    const { clock, compose, engine } = await setup({ sender, delay: 5 });
    const message = await compose.send({ to: ['bob@example.com'], subject: 'Retried', text: 'x' });
    clock.advance(5_000);
    await engine.waitFor(message.id, ['sending']);
    const waiting = await engine.waitFor(message.id, ['queued', 'scheduled']);
    expect(waiting.attempts).toHaveLength(1);
    expect(await refusal(compose.undo(message.id))).toMatch(/^Too late to undo/);
    expect(await engine.get(message.id)).toMatchObject({ state: waiting.state });
  });

  it('is refused after a crash mid-send: the restart knows sending had started', async () => {
    const dir = await tempDir('outbox-undo-crash-');
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const clock = new ManualClock();
    const crashed = await setup({ dir, clock, sender: new ScriptedSender(() => new Promise<SendResult>(() => {})), delay: 5 });
    const message = await crashed.compose.send({ to: ['bob@example.com'], subject: 'Cut off', text: 'x' });
    clock.advance(5_000);
    await crashed.engine.waitFor(message.id, ['sending']);
    // The process "dies" mid-send: its lock is left behind with a pid that no longer runs.
    await fs.writeFile(
      path.join(dir, 'spool', 'sender.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: os.hostname(), token: 'dead', since: '' }),
    );
    const next = await setup({ dir, clock, online: false });
    expect(next.engine.role).toBe('sender');
    const recovered = await next.engine.get(message.id);
    expect(recovered?.undoUntil).toBeUndefined();
    expect(await refusal(next.compose.undo(message.id))).toMatch(/^Too late to undo/);
  });
});

describe('Undo send: the timer and Undo racing', () => {
  it('never both sends and restores, whichever comes first and however their steps interleave', async () => {
    // k >= 0: Undo is asked first and runs k turns before the window ends; k < 0: the window ends first and the
    // engine runs -k turns before Undo is asked.
    const outcomes = new Set<string>();
    for (const k of [-40, -8, -3, -1, 0, 1, 2, 3, 8, 40]) {
      const { clock, compose, engine, sender, drafts, stop } = await setup({ delay: 10 });
      const message = await compose.send({ to: ['bob@example.com'], subject: `Race ${k}`, text: 'x' });
      clock.advance(9_999);
      const askUndo = () =>
        compose.undo(message.id).then(
          () => 'restored' as const,
          (error: unknown) => {
            if (isAppError(error) && error.code === 'MESSAGE_STATE') return 'refused' as const;
            throw error;
          },
        );
      let undo: Promise<'restored' | 'refused'>;
      if (k >= 0) {
        undo = askUndo();
        for (let i = 0; i < k; i++) await Promise.resolve();
        clock.advance(1);
      } else {
        clock.advance(1);
        for (let i = 0; i < -k; i++) await Promise.resolve();
        undo = askUndo();
      }
      const outcome = await undo;
      await turn(50);
      await engine.idle();
      const restored = (await drafts.list()).length;
      const sentCount = sender.received.length;
      outcomes.add(outcome);
      expect({ k, outcome, restored, sentCount }).toEqual(
        outcome === 'restored' ? { k, outcome, restored: 1, sentCount: 0 } : { k, outcome, restored: 0, sentCount: 1 },
      );
      await stop();
    }
    // Both sides won at some interleaving: the race was really run.
    expect([...outcomes].sort()).toEqual(['refused', 'restored']);
  });

  it('refuses Undo when the timer has fired in the same moment (the dispatch came first)', async () => {
    const { clock, compose, engine, sender, drafts } = await setup({ delay: 10 });
    const message = await compose.send({ to: ['bob@example.com'], subject: 'Timer first', text: 'x' });
    clock.advance(10_000);
    expect(await refusal(compose.undo(message.id))).toMatch(/^Too late to undo/);
    expect((await engine.waitFor(message.id)).state).toBe('sent');
    expect(sender.received).toHaveLength(1);
    expect(await drafts.list()).toEqual([]);
  });

  it('wins when Undo comes first in the same moment: nothing is sent', async () => {
    const { clock, compose, engine, sender, drafts } = await setup({ delay: 10 });
    const message = await compose.send({ to: ['bob@example.com'], subject: 'Undo first', text: 'x' });
    const undo = compose.undo(message.id);
    clock.advance(10_000);
    const draft = await undo;
    expect(draft.subject).toBe('Undo first');
    await turn(50);
    await engine.idle();
    expect(sender.received).toHaveLength(0);
    expect((await drafts.list()).map((d) => d.id)).toEqual([draft.id]);
  });
});
