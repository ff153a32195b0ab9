import { describe, expect, it } from 'vitest';
import { createEngineAccounts, type AccountDirectory } from '../../../electron/core/outbox/account-adapter';
import { account } from './harness';

function directory(...list: ReturnType<typeof account>[]): AccountDirectory {
  return {
    get: async (id) => list.find((a) => a.id === id),
    findByAddress: async (from) => list.find((a) => from.toLowerCase().includes(a.email.toLowerCase())),
    resolveDefault: async () => list[0],
    setStatus: async () => undefined,
    credentials: async () => null,
  };
}

describe('choosing the sending account', () => {
  const work = account('work');
  const home = account('home');
  const accounts = createEngineAccounts(directory(work, home));

  it('takes the account named by id, and never another one when that id is unknown', async () => {
    expect((await accounts.pick({ accountId: 'home' }))?.id).toBe('home');
    expect(await accounts.pick({ accountId: 'gone', from: work.email })).toBeUndefined();
  });

  it('takes the account whose address is the From address, else the first account', async () => {
    expect((await accounts.pick({ from: `Ann <${home.email.toUpperCase()}>` }))?.id).toBe('home');
    expect((await accounts.pick({ from: 'someone@else.org' }))?.id).toBe('work');
    expect((await accounts.pick({}))?.id).toBe('work');
  });
});
