import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PreferencesStore } from '../../../electron/core/preferences/preferences-store';
import { tempDir } from '../outbox/harness';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('outbox-prefs-');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('preferences', () => {
  it('start from the defaults: retry for five days, announce sends, undo a send for 10 seconds', async () => {
    const store = new PreferencesStore(dir);
    expect(await store.load()).toEqual({ retryLifetimeHours: 120, notifyOnSent: true, undoSendSeconds: 10 });
    expect(store.retryLifetimeMs()).toBe(5 * 24 * 3_600_000);
  });

  it('keep a change across a restart and change only what was asked', async () => {
    await new PreferencesStore(dir).update({ notifyOnSent: false });
    const store = new PreferencesStore(dir);
    await store.load();
    await store.update({ retryLifetimeHours: 24 });
    const restarted = new PreferencesStore(dir);
    expect(await restarted.load()).toEqual({ retryLifetimeHours: 24, notifyOnSent: false, undoSendSeconds: 10 });
    expect(restarted.retryLifetimeMs()).toBe(24 * 3_600_000);
  });

  it('refuse values out of range without changing the file', async () => {
    const store = new PreferencesStore(dir);
    await store.update({ retryLifetimeHours: 48 });
    await expect(store.update({ retryLifetimeHours: 0 })).rejects.toThrow();
    await expect(store.update({ retryLifetimeHours: 10_000 })).rejects.toThrow();
    await expect(store.update({ other: true } as never)).rejects.toThrow();
    expect(await new PreferencesStore(dir).load()).toMatchObject({ retryLifetimeHours: 48 });
  });

  it('fall back to the defaults when the file is damaged, and write a good one on the next change', async () => {
    await fs.writeFile(path.join(dir, 'preferences.json'), '{"retryLifetimeHours": "soon"');
    const warnings: string[] = [];
    const store = new PreferencesStore(dir, { info: () => {}, warn: (m) => warnings.push(m), error: () => {} });
    expect(await store.load()).toEqual({ retryLifetimeHours: 120, notifyOnSent: true, undoSendSeconds: 10 });
    expect(warnings.join()).toMatch(/could not be read/);
    await store.update({ notifyOnSent: false });
    expect(JSON.parse(await fs.readFile(path.join(dir, 'preferences.json'), 'utf8'))).toEqual({
      retryLifetimeHours: 120,
      notifyOnSent: false,
      undoSendSeconds: 10,
    });
  });

  it('offer Undo send as off, 5, 10, 20 or 30 seconds and nothing else', async () => {
    const store = new PreferencesStore(dir);
    for (const seconds of [0, 5, 10, 20, 30] as const)
      expect((await store.update({ undoSendSeconds: seconds })).undoSendSeconds).toBe(seconds);
    for (const bad of [15, -5, 31, 2.5, '10']) await expect(store.update({ undoSendSeconds: bad } as never)).rejects.toThrow();
    expect(await new PreferencesStore(dir).load()).toMatchObject({ undoSendSeconds: 30 });
  });
});
