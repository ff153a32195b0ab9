// The channel implementations behind the IPC wrapper, with real compose services and small fakes for the rest.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createChannelHandlers, summarize, type ChannelServices } from '../../electron/main/channels';
import { AttachmentStaging } from '../../electron/core/compose/attachment-staging';
import { DraftStore } from '../../electron/core/compose/draft-store';
import { ComposeService } from '../../electron/core/compose/compose-service';
import { PreferencesStore } from '../../electron/core/preferences/preferences-store';
import type { OutboxMessage } from '../../electron/shared/message';
import type { AccountTestReport } from '../../electron/shared/ipc-contract';
import { account, tempDir } from '../core/outbox/harness';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('outbox-channels-');
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function services(overrides: Partial<ChannelServices> = {}) {
  const staging = new AttachmentStaging(path.join(dir, 'attachments'));
  const drafts = new DraftStore(path.join(dir, 'drafts'), staging);
  let profile = account('ann');
  const accounts = {
    list: vi.fn(async () => [profile]),
    get: vi.fn(async () => profile),
    add: vi.fn(),
    update: vi.fn(
      async (_id: string, patch: { smtp?: { maxSize?: number; smtpUtf8?: boolean } }) =>
        (profile = { ...profile, smtp: { ...profile.smtp, ...patch.smtp } }),
    ),
    remove: vi.fn(),
    credentials: vi.fn(),
  };
  const engine = { accountChanged: vi.fn(), list: vi.fn(async () => [] as OutboxMessage[]) };
  const base = {
    engine,
    accounts,
    connectivity: { isOnline: () => true, onChange: () => () => {} },
    detection: { detect: vi.fn(), cancel: vi.fn(), verify: vi.fn() },
    compose: new ComposeService({ engine: engine as never, drafts, staging }),
    drafts,
    staging,
    pickFiles: async () => [] as string[],
    preferences: new PreferencesStore(dir),
    ...overrides,
  } as unknown as ChannelServices;
  return { handlers: createChannelHandlers(base), accounts, engine, staging, drafts };
}

function report(size: number | undefined, ok = true): AccountTestReport {
  return {
    account: 'ann',
    ok,
    notes: [],
    smtp: {
      ok,
      verdict: null,
      server: {
        greeting: '220 hi',
        capabilities: {
          auth: ['PLAIN'],
          ...(size ? { size } : {}),
          eightBitMime: true,
          smtpUtf8: false,
          pipelining: true,
          startTls: true,
          extensions: [],
        },
      },
      timings: { dnsMs: 1, connectMs: 1, tlsMs: 1, greetingMs: 1, ehloMs: 1, authMs: 1, totalMs: 6 },
      transcript: [],
    },
  };
}

describe('channels', () => {
  it('lists messages without their transcripts, keeping the count and the last attempt', () => {
    const message = {
      ...({ id: 'm-1', state: 'failed' } as OutboxMessage),
      attempts: [
        { at: 't1', durationMs: 1, outcome: 'temporary' as const, transcript: ['C: EHLO', 'S: 451 later'] },
        { at: 't2', durationMs: 2, outcome: 'permanent' as const, reply: '550 no', transcript: ['C: EHLO', 'S: 550 no'] },
      ],
    };
    const summary = summarize(message);
    expect(summary).toMatchObject({ id: 'm-1', attemptCount: 2, lastAttempt: { at: 't2', reply: '550 no' } });
    expect(JSON.stringify(summary)).not.toContain('EHLO');
  });

  it("remembers the server's SIZE limit and SMTPUTF8 a successful connection test saw, for Compose's warnings", async () => {
    const test = vi.fn(async () => report(26_214_400));
    const { handlers, accounts, engine } = services({ diagnostics: { test, trust: vi.fn() } as never });
    await handlers['account:test']('ann');
    expect(accounts.update).toHaveBeenCalledWith('ann', { smtp: { maxSize: 26_214_400, smtpUtf8: false } });
    expect(engine.accountChanged).toHaveBeenCalledTimes(1);
    await handlers['account:test']('ann');
    // Same limit again: nothing to write.
    expect(accounts.update).toHaveBeenCalledTimes(1);
  });

  it('does not touch the account after a failed test, and one without SIZE records only SMTPUTF8', async () => {
    const test = vi.fn().mockResolvedValueOnce(report(1000, false)).mockResolvedValueOnce(report(undefined));
    const { handlers, accounts } = services({ diagnostics: { test, trust: vi.fn() } as never });
    await handlers['account:test']('ann');
    expect(accounts.update).not.toHaveBeenCalled();
    await handlers['account:test']('ann');
    expect(accounts.update).toHaveBeenCalledWith('ann', { smtp: { smtpUtf8: false } });
  });

  it('stages every file the picker chose, and nothing when it was cancelled', async () => {
    const a = path.join(dir, 'a.txt');
    await fs.writeFile(a, 'aaa');
    const picks = [[a], []];
    const { handlers } = services({ pickFiles: async () => picks.shift() ?? [] });
    expect(await handlers['attachment:pick']()).toEqual([expect.objectContaining({ name: 'a.txt', size: 3 })]);
    expect(await handlers['attachment:pick']()).toEqual([]);
  });

  it('discards a staged file only when no saved draft still holds it', async () => {
    const { handlers, staging, drafts } = services();
    const held = await staging.fromBytes('held.txt', '', new Uint8Array(1));
    const loose = await staging.fromBytes('loose.txt', '', new Uint8Array(1));
    await drafts.save({ attachments: [held.id] });
    await handlers['attachment:discard'](held.id);
    await handlers['attachment:discard'](loose.id);
    expect(await staging.describe([held.id, loose.id])).toEqual([held]);
  });

  it('hands queued commands to the window once', async () => {
    const queue = [{ type: 'show' as const, screen: 'settings' as const }];
    const { handlers } = services({ takeCommands: () => queue.splice(0) });
    expect(await handlers['app:takeCommands']()).toEqual([{ type: 'show', screen: 'settings' }]);
    expect(await handlers['app:takeCommands']()).toEqual([]);
  });

  it('reads and changes the preferences, keeping what the patch leaves out', async () => {
    const { handlers } = services();
    expect(await handlers['app:preferences']()).toEqual({ retryLifetimeHours: 120, notifyOnSent: true, undoSendSeconds: 10 });
    expect(await handlers['app:setPreferences']({ retryLifetimeHours: 24 })).toEqual({
      retryLifetimeHours: 24,
      notifyOnSent: true,
      undoSendSeconds: 10,
    });
    expect(await handlers['app:setPreferences']({ undoSendSeconds: 0 })).toEqual({
      retryLifetimeHours: 24,
      notifyOnSent: true,
      undoSendSeconds: 0,
    });
    const again = new PreferencesStore(dir);
    expect(await again.load()).toEqual({ retryLifetimeHours: 24, notifyOnSent: true, undoSendSeconds: 0 });
  });
});
