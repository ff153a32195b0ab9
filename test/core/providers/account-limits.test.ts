// An account overrides its provider's profile: `outbox account set ID --max-connections N …` is parsed and
// checked, the accounts file keeps the override, and the engine's limits follow it.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../../electron/cli/args';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { limitsOf } from '../../../electron/core/providers/sending-profiles';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

describe('account limits', () => {
  it('parses the limit flags of `outbox account set` and refuses nonsense', () => {
    const line = parseCommandLine([
      'account',
      'set',
      'work',
      '--max-connections',
      '2',
      '--per-minute',
      '10',
      '--per-day',
      '900',
      '--recipients-per-message',
      '250',
    ]);
    expect(line.command).toMatchObject({
      name: 'account-set',
      id: 'work',
      limits: { maxConnections: 2, messagesPerMinute: 10, messagesPerDay: 900, recipientsPerMessage: 250 },
    });
    expect(() => parseCommandLine(['account', 'set', 'work', '--max-connections', '0'])).toThrow(
      /--max-connections must be a whole number from 1 to 20/,
    );
    expect(() => parseCommandLine(['account', 'set', 'work', '--per-day', '1.5'])).toThrow(/--per-day must be a whole number/);
  });

  it('keeps the override in the account and paces by it, merged over earlier ones; null goes back to the profile', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-limits-'));
    dirs.push(dir);
    const store = new AccountStore({ dataDir: dir, secrets: new MemorySecretStore() });
    const added = await store.add(
      {
        name: 'Work',
        email: 'ann@contoso.example',
        smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls', user: 'ann@contoso.example' },
      },
      'pw',
    );
    expect(limitsOf(added)).toMatchObject({ profileId: 'microsoft-365', maxConnections: 3, recipientsPerDay: 10_000 });
    await store.update(added.id, { limits: { maxConnections: 1 } });
    const updated = await store.update(added.id, { limits: { recipientsPerDay: 2_000 } });
    expect(updated.limits).toEqual({ maxConnections: 1, recipientsPerDay: 2_000 });
    const reloaded = await new AccountStore({ dataDir: dir, secrets: new MemorySecretStore() }).get(added.id);
    expect(limitsOf(reloaded!)).toMatchObject({
      profileId: 'microsoft-365',
      maxConnections: 1,
      recipientsPerDay: 2_000,
      messagesPerMinute: 30,
    });
    const reset = await store.update(added.id, { limits: null });
    expect(reset.limits).toBeUndefined();
  });
});
