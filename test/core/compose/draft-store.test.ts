import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { DraftStore } from '../../../electron/core/compose/draft-store';
import { tempDir } from '../outbox/harness';

let dir: string;
let staging: AttachmentStaging;
let now: number;
const store = () => new DraftStore(path.join(dir, 'drafts'), staging, () => now);
beforeEach(async () => {
  dir = await tempDir('outbox-drafts-');
  now = Date.parse('2030-01-01T10:00:00Z');
  staging = new AttachmentStaging(path.join(dir, 'attachments'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('drafts', () => {
  it('come back after a restart exactly as typed, half-written addresses included, newest first', async () => {
    const attachment = await staging.fromBytes('plan.txt', 'text/plain', new TextEncoder().encode('plan'));
    const first = await store().save({
      to: ['bob@exa'],
      subject: 'Plans',
      html: '<p>Hi <b>Bob</b></p>',
      text: 'Hi Bob',
      attachments: [attachment.id],
    });
    now += 60_000;
    const second = await store().save({ subject: 'Later' });
    const restarted = store();
    const drafts = await restarted.list();
    expect(drafts.map((d) => d.id)).toEqual([second.id, first.id]);
    expect(drafts[1]).toMatchObject({
      to: ['bob@exa'],
      subject: 'Plans',
      html: '<p>Hi <b>Bob</b></p>',
      text: 'Hi Bob',
      attachments: [attachment],
    });
  });

  it('updates a draft in place when saved with its id', async () => {
    const draft = await store().save({ subject: 'v1' });
    now += 1000;
    const again = await store().save({ id: draft.id, subject: 'v2' });
    expect(again.id).toBe(draft.id);
    expect((await store().list()).map((d) => d.subject)).toEqual(['v2']);
  });

  it('skips a damaged draft file instead of failing the list', async () => {
    await store().save({ subject: 'good' });
    await fs.writeFile(path.join(dir, 'drafts', 'draft-0000000000000000.json'), '{"half');
    expect((await store().list()).map((d) => d.subject)).toEqual(['good']);
  });

  it('knows which staged attachments drafts still use', async () => {
    const a = await staging.fromBytes('a', '', new Uint8Array(1));
    const draft = await store().save({ attachments: [a.id] });
    expect(await store().attachmentsInUse()).toEqual(new Set([a.id]));
    await store().remove(draft.id);
    expect(await store().attachmentsInUse()).toEqual(new Set());
  });

  it('refuses ids that could name another file', async () => {
    await expect(store().save({ id: 'draft-../../x' } as never)).rejects.toThrow();
    await expect(store().remove('../accounts')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
