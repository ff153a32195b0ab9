// Eight `outbox account add` at the same moment: every account is in accounts.json afterwards, and with
// passwords every keychain entry belongs to an account that exists (none left unreachable).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeychainSecretStore, keychainServiceFor } from '../../electron/core/secrets/keychain';
import { describeKeyring } from '../peers/keyring';
import { relayAccountArgs, Workspace } from './harness';

function addArgs(n: number, withPassword: boolean): string[] {
  const auth = withPassword ? ['--user', `user${n}`, '--password-stdin'] : [];
  return [...relayAccountArgs(`User ${n}`, `user${n}@example.com`, '127.0.0.1', '2525'), ...auth];
}

function accountsIn(ws: Workspace): { id: string; email: string }[] {
  return (JSON.parse(readFileSync(path.join(ws.dataDir, 'accounts.json'), 'utf8')) as { accounts: { id: string; email: string }[] })
    .accounts;
}

describe('outbox account add, 8 at once', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => ws?.remove());

  it('keeps all 8 accounts, each with the id it printed', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, n) => ws.run(addArgs(n, false))));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ids = results.map((r) => r.stdout.trim());
    expect(
      accountsIn(ws)
        .map((a) => a.id)
        .sort(),
    ).toEqual([...ids].sort());
    const list = await ws.run(['account', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toHaveLength(8);
  });
});

describeKeyring('outbox account add with passwords, 8 at once', () => {
  let ws: Workspace;
  let ids: string[] = [];
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(async () => {
    for (const id of ids) await ws.run(['account', 'remove', id]);
    ws?.remove();
  });

  it('keeps all 8 accounts and no password without its account', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, n) => ws.run(addArgs(n, true), { input: `pw-${n}\n`, timeoutMs: 60_000 })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    ids = results.map((r) => r.stdout.trim());
    expect(
      accountsIn(ws)
        .map((a) => a.id)
        .sort(),
    ).toEqual([...ids].sort());
    const keychain = new KeychainSecretStore({ service: keychainServiceFor(ws.dataDir) });
    for (const [n, id] of ids.entries()) expect(await keychain.get(id)).toBe(`pw-${n}`);
  });
});
