import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { addOAuthAccount, signInAgain } from '../../../electron/core/oauth/oauth-accounts';
import { OAuthTokenStore } from '../../../electron/core/oauth/token-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { browse, startMockOAuth, type MockOAuth } from '../../peers/oauth-peer';

let mock: MockOAuth;
beforeAll(async () => {
  mock = await startMockOAuth();
});
afterAll(async () => {
  await mock?.stop();
});

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

async function setup() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-oauth-acct-'));
  dirs.push(dir);
  const secrets = new MemorySecretStore();
  const tokens = new OAuthTokenStore({ secrets, providers: (id) => (id === 'mock' ? mock.provider : undefined) });
  const accounts = new AccountStore({ dataDir: dir, secrets, oauthTokens: tokens });
  const deps = { accounts, secrets, openBrowser: async (url: string) => void browse(url) };
  return { accounts, secrets, tokens, deps };
}

describe('OAuth accounts', () => {
  it('adds an account only after the browser sign-in, with the provider servers and the tokens in the keychain', async () => {
    const { accounts, deps } = await setup();
    const account = await addOAuthAccount(deps, {
      name: 'Ann',
      email: 'ann@example.test',
      provider: mock.provider,
      clientId: 'outbox-test-client',
    });
    expect(account).toMatchObject({
      signIn: { kind: 'oauth2', provider: 'mock' },
      smtp: { host: 'smtp.example.test', port: 465, security: 'tls' },
      sentCopy: { enabled: false },
    });
    const credentials = await accounts.credentials(account.id);
    expect(credentials).toMatchObject({ kind: 'oauth2', user: 'ann@example.test' });
    expect(credentials?.kind === 'oauth2' && credentials.accessToken.length).toBeGreaterThan(10);
  });

  it('saves nothing when the sign-in is declined', async () => {
    const { accounts, deps } = await setup();
    mock.server.service.once('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', 'access_denied');
    });
    await expect(
      addOAuthAccount(deps, { name: 'Ann', email: 'ann@example.test', provider: mock.provider, clientId: 'c' }),
    ).rejects.toMatchObject({ code: 'OAUTH_DENIED' });
    expect(await accounts.list()).toEqual([]);
  });

  it('signs an account in again after a revoked grant and marks it ok', async () => {
    const { accounts, deps } = await setup();
    const account = await addOAuthAccount(deps, {
      name: 'Ann',
      email: 'ann@example.test',
      provider: mock.provider,
      clientId: 'outbox-test-client',
    });
    await accounts.setStatus(account.id, 'needs-sign-in', 'invalid_grant');
    const again = await signInAgain(deps, (await accounts.get(account.id))!, mock.provider);
    expect(again.status).toBe('ok');
    expect(mock.authorizeRequests.at(-1)).toMatchObject({ login_hint: 'ann@example.test' });
  });

  it('refuses to sign a password account in with a provider', async () => {
    const { accounts, deps } = await setup();
    const plain = await accounts.add(
      { name: 'Pw', email: 'pw@example.test', smtp: { host: 'smtp.example.test', port: 465, security: 'tls', user: 'pw' } },
      'secret',
    );
    await expect(signInAgain(deps, plain, mock.provider)).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
