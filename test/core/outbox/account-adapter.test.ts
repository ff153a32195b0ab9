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

describe('credentials for the engine', () => {
  it('passes OAuth2 credentials and typed sign-in failures through unchanged', async () => {
    const oauth = { kind: 'oauth2' as const, user: 'ann@gmail.com', accessToken: 'token', refresh: async () => 'refreshed' };
    const failure = Object.assign(new Error('revoked'), { code: 'OAUTH_REFRESH_REVOKED' });
    const accounts = createEngineAccounts({
      ...directory(account('gmail')),
      credentials: async (id) => {
        if (id === 'gone') throw failure;
        return oauth;
      },
    });
    expect(await accounts.credentials('gmail')).toBe(oauth);
    await expect(accounts.credentials('gone')).rejects.toBe(failure);
  });
});
