// Changes to accounts.json from many writers at once (the app and several `outbox` commands): every one is
// kept, and every password in the keychain belongs to an account in the file.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-accounts-lock-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function input(n: number) {
  return {
    name: `User ${n}`,
    email: `user${n}@example.com`,
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls' as const, user: `user${n}` },
  };
}

describe('accounts.json across writers', () => {
  it('keeps all 8 accounts added at once by 8 separate stores, each password with its account', async () => {
    const secrets = new MemorySecretStore();
    // A store per writer, as each process has its own: they share only the file and the keychain.
    const stores = Array.from({ length: 8 }, () => new AccountStore({ dataDir, secrets }));
    await Promise.all(stores.map((s) => s.list()));
    const added = await Promise.all(stores.map((s, n) => s.add(input(n), `secret-${n}`)));
    const file = JSON.parse(await readFile(path.join(dataDir, 'accounts.json'), 'utf8')) as { accounts: { id: string; email: string }[] };
    expect(file.accounts.map((a) => a.email).sort()).toEqual(added.map((a) => a.email).sort());
    expect(new Set(file.accounts.map((a) => a.id)).size).toBe(8);
    for (const [n, account] of added.entries()) expect(await secrets.get(account.id)).toBe(`secret-${n}`);
    // The lock is gone once everyone is done.
    expect((await readdir(dataDir)).sort()).toEqual(['accounts.json']);
  });

  it('gives the same address added twice at once two ids, both kept', async () => {
    const secrets = new MemorySecretStore();
    const [a, b] = [new AccountStore({ dataDir, secrets }), new AccountStore({ dataDir, secrets })];
    const [x, y] = await Promise.all([a.add(input(1), 'one'), b.add(input(1), 'two')]);
    expect(x.id).not.toBe(y.id);
    expect((await new AccountStore({ dataDir, secrets }).list()).map((p) => p.id).sort()).toEqual([x.id, y.id].sort());
    expect([await secrets.get(x.id), await secrets.get(y.id)].sort()).toEqual(['one', 'two']);
  });

  it('keeps a status set by one writer and an account added by another at the same moment', async () => {
    const secrets = new MemorySecretStore();
    const first = await new AccountStore({ dataDir, secrets }).add(input(0), 'zero');
    const app = new AccountStore({ dataDir, secrets });
    const cli = new AccountStore({ dataDir, secrets });
    await Promise.all([app.list(), cli.list()]);
    await Promise.all([
      app.setStatus(first.id, 'needs-attention', '535 no'),
      cli.add(input(1), 'one'),
      cli.update(first.id, { name: 'Renamed' }),
    ]);
    const after = await new AccountStore({ dataDir, secrets }).list();
    expect(after.map((p) => p.email).sort()).toEqual(['user0@example.com', 'user1@example.com']);
    expect(after.find((p) => p.id === first.id)).toMatchObject({ name: 'Renamed' });
  });
});
