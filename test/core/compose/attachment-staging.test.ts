import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { tempDir } from '../outbox/harness';

let dir: string;
let staging: AttachmentStaging;
beforeEach(async () => {
  dir = await tempDir('outbox-staging-');
  staging = new AttachmentStaging(path.join(dir, 'attachments'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('staged attachments', () => {
  it('copies a picked file, so changing or deleting the original later does not change the mail', async () => {
    const original = path.join(dir, 'report.pdf');
    await fs.writeFile(original, 'version 1');
    const staged = await staging.fromPath(original);
    expect(staged).toMatchObject({ name: 'report.pdf', size: 9 });
    await fs.writeFile(original, 'version 2, longer');
    await fs.rm(original);
    const file = await staging.get(staged.id);
    expect(await fs.readFile(file.path, 'utf8')).toBe('version 1');
  });

  it('stores dropped bytes under a clean name: no folders, no control characters', async () => {
    const staged = await staging.fromBytes('../../evil\u0007.txt', 'text/plain', new TextEncoder().encode('hi'));
    expect(staged.name).toBe('evil.txt');
    expect(staged.contentType).toBe('text/plain');
    expect((await staging.get(staged.id)).path.startsWith(path.join(dir, 'attachments'))).toBe(true);
  });

  it('refuses a folder or a missing file with a plain ATTACHMENT_UNREADABLE', async () => {
    await expect(staging.fromPath(dir)).rejects.toMatchObject({ code: 'ATTACHMENT_UNREADABLE' });
    await expect(staging.fromPath(path.join(dir, 'nope.txt'))).rejects.toMatchObject({ code: 'ATTACHMENT_UNREADABLE' });
    await expect(fs.readdir(path.join(dir, 'attachments')).catch(() => [])).resolves.toEqual([]);
  });

  it('never resolves an id outside its folder', async () => {
    await expect(staging.get('../accounts.json')).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(staging.discard('../../etc')).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('describes the ones still there and leaves out discarded ones', async () => {
    const a = await staging.fromBytes('a.txt', '', new Uint8Array([1]));
    const b = await staging.fromBytes('b.txt', '', new Uint8Array([1, 2]));
    await staging.discard(a.id);
    expect(await staging.describe([a.id, b.id])).toEqual([b]);
  });

  it('sweeps old staged files no draft uses, keeping fresh ones and those in use', async () => {
    let now = Date.now();
    staging = new AttachmentStaging(path.join(dir, 'attachments'), () => now);
    const used = await staging.fromBytes('used.txt', '', new Uint8Array([1]));
    const orphan = await staging.fromBytes('orphan.txt', '', new Uint8Array([1]));
    expect(await staging.sweep(new Set([used.id]))).toBe(0);
    now += 2 * 24 * 3600_000;
    expect(await staging.sweep(new Set([used.id]))).toBe(1);
    expect(await staging.describe([used.id, orphan.id])).toEqual([used]);
  });
});
