import fs from 'node:fs/promises';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { ComposeService } from '../../../electron/core/compose/compose-service';
import { DraftStore } from '../../../electron/core/compose/draft-store';
import { FakeNetwork, makeEngine, ScriptedSender, tempDir } from '../outbox/harness';

let dir: string;
let parts: ReturnType<typeof makeEngine>;
let staging: AttachmentStaging;
let drafts: DraftStore;
let compose: ComposeService;

beforeEach(async () => {
  dir = await tempDir('outbox-compose-');
  parts = makeEngine(dir, { sender: new ScriptedSender(), network: new FakeNetwork(false) });
  await parts.engine.start();
  staging = new AttachmentStaging(path.join(dir, 'attachments'));
  drafts = new DraftStore(path.join(dir, 'drafts'), staging);
  compose = new ComposeService({ engine: parts.engine, drafts, staging });
});
afterEach(async () => {
  await parts.engine.stop({ graceMs: 100 });
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sending from Compose', () => {
  it('queues HTML, its plain-text alternative and a staged attachment, then lets the draft and staged file go', async () => {
    const file = await staging.fromBytes('notes.txt', 'text/plain', new TextEncoder().encode('attached words'));
    const draft = await drafts.save({
      to: ['bob@example.com'],
      subject: 'Notes',
      html: '<p>Hi <b>Bob</b></p>',
      text: 'Hi Bob',
      attachments: [file.id],
    });
    const message = await compose.send({
      to: ['Bob <bob@example.com>'],
      subject: 'Notes',
      html: '<p>Hi <b>Bob</b></p>',
      text: 'Hi Bob',
      attachments: [file.id],
      draftId: draft.id,
    });
    expect(message.state).toBe('queued');
    parts.network.set(true);
    await parts.engine.waitFor(message.id);
    const mail = await simpleParser(parts.sender.received[0]!.bytes);
    expect(mail.html).toContain('<b>Bob</b>');
    expect(mail.text?.trim()).toBe('Hi Bob');
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['notes.txt', 'attached words']]);
    expect(await drafts.list()).toEqual([]);
    await expect(staging.get(file.id)).rejects.toMatchObject({ code: 'ATTACHMENT_UNREADABLE' });
  });

  it('keeps the draft and its files when the outbox refuses the message', async () => {
    const draft = await drafts.save({ to: ['bob@example.com'], subject: 'x' });
    await expect(compose.send({ to: ['not an address'], draftId: draft.id })).rejects.toThrow();
    await expect(compose.send({ to: ['bob@example.com'], attachments: ['att-00000000-gone'], draftId: draft.id })).rejects.toMatchObject({
      code: 'ATTACHMENT_UNREADABLE',
    });
    expect((await drafts.list()).map((d) => d.id)).toEqual([draft.id]);
  });
});

describe('Edit', () => {
  it('turns a queued message back into a draft with its body, recipients, Bcc and attachments, and takes it out of the outbox', async () => {
    const file = await staging.fromBytes('plan.pdf', 'application/pdf', new Uint8Array([37, 80, 68, 70]));
    const message = await compose.send({
      to: ['Bob <bob@example.com>'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
      subject: 'Plan',
      html: '<p>The <i>plan</i></p>',
      text: 'The plan',
      attachments: [file.id],
    });
    const draft = await compose.edit(message.id);
    expect(draft).toMatchObject({
      accountId: message.accountId,
      subject: 'Plan',
      to: message.to,
      cc: message.cc,
      bcc: ['dave@example.com'],
      text: 'The plan',
    });
    expect(draft.html).toContain('<i>plan</i>');
    expect(draft.attachments).toEqual([expect.objectContaining({ name: 'plan.pdf', size: 4 })]);
    expect(await parts.engine.get(message.id)).toBeUndefined();
    expect((await drafts.list()).map((d) => d.id)).toEqual([draft.id]);
    // Nothing left the outbox for the edited message once the network came back.
    parts.network.set(true);
    await parts.engine.idle();
    expect(parts.sender.received).toHaveLength(0);
  });

  it('refuses to edit a sent message', async () => {
    parts.network.set(true);
    const message = await compose.send({ to: ['bob@example.com'], subject: 'gone' });
    await parts.engine.waitFor(message.id);
    await expect(compose.edit(message.id)).rejects.toMatchObject({ code: 'MESSAGE_STATE' });
  });
});
