// OAuthTokenStore against oauth2-mock-server and raw loopback endpoints: refresh before expiry and on demand,
// a refused grant marks the account without losing tokens, failures stay temporary, one refresh at a time.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectKind, failureOf } from './oauth-expect';
import type { OAuthProvider } from '../../../electron/core/oauth/providers';
import { OAuthTokenStore } from '../../../electron/core/oauth/token-store';
import type { Logger } from '../../../electron/core/ports';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { providerAt, startMockOAuth, startRawServer, type MockOAuth, type RawServer } from '../../peers/oauth-peer';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;
const ACCOUNT = 'work-gmail';

let mock: MockOAuth;
let raw: RawServer | undefined;
let now: number;
let secrets: MemorySecretStore;
let logLines: string[];

beforeEach(async () => {
  mock = await startMockOAuth();
  now = T0;
  secrets = new MemorySecretStore();
  logLines = [];
});

afterEach(async () => {
  await mock.stop();
  await raw?.stop();
  raw = undefined;
});

const logger: Logger = {
  info: (m) => logLines.push(m),
  warn: (m) => logLines.push(m),
  error: (m) => logLines.push(m),
};

function makeStore(provider: OAuthProvider = mock.provider, tokenTimeoutMs?: number): OAuthTokenStore {
  return new OAuthTokenStore({
    secrets,
    clock: { now: () => now },
    logger,
    providers: (id) => (id === provider.id ? provider : undefined),
    ...(tokenTimeoutMs ? { tokenTimeoutMs } : {}),
  });
}

async function seed(store: OAuthTokenStore): Promise<void> {
  await store.save(ACCOUNT, {
    providerId: 'mock',
    clientId: 'outbox-client',
    accessToken: 'old-access',
    refreshToken: 'refresh-1',
    expiresAt: T0 + HOUR,
    scope: 'https://mail.example.test/',
  });
}

describe('OAuthTokenStore', () => {
  it('keeps the sign-in as one JSON keychain entry per account, the access token in memory only, and hands it out', async () => {
    const store = makeStore();
    await seed(store);
    expect(secrets.ids()).toEqual([ACCOUNT]);
    expect(await secrets.get(ACCOUNT)).not.toContain('old-access');
    expect(JSON.parse((await secrets.get(ACCOUNT))!)).toMatchObject({ v: 2, refreshToken: 'refresh-1', clientId: 'outbox-client' });
    now = T0 + HOUR - 3 * 60_000;
    expect(await store.accessTokenFor(ACCOUNT)).toBe('old-access');
    expect(mock.tokenRequests).toHaveLength(0);
    expect(await store.status(ACCOUNT)).toBe('signed-in');
  });

  it('refreshes within two minutes of expiry and stores the new tokens', async () => {
    const store = makeStore();
    await seed(store);
    now = T0 + HOUR - 110_000;
    const fresh = await store.accessTokenFor(ACCOUNT);
    expect(fresh).not.toBe('old-access');
    expect(mock.tokenRequests).toEqual([
      expect.objectContaining({ grant_type: 'refresh_token', refresh_token: 'refresh-1', client_id: 'outbox-client' }),
    ]);
    expect(mock.tokenRequests[0]!.client_secret).toBeUndefined();
    const stored = await store.load(ACCOUNT);
    expect(stored).toMatchObject({ accessToken: fresh, expiresAt: now + HOUR, obtainedAt: now });
    // The mock rotates refresh tokens, as Microsoft does.
    expect(stored!.refreshToken).not.toBe('refresh-1');
    expect(await store.accessTokenFor(ACCOUNT)).toBe(fresh);
    expect(mock.tokenRequests).toHaveLength(1);
    expect(await secrets.get(ACCOUNT)).not.toContain(fresh);
  });

  it('gets a new access token with the refresh token after a restart (a new store: nothing in memory)', async () => {
    await seed(makeStore());
    const restarted = makeStore();
    const token = await restarted.accessTokenFor(ACCOUNT);
    expect(token).not.toBe('old-access');
    expect(mock.tokenRequests).toHaveLength(1);
    expect(mock.tokenRequests[0]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    expect(await restarted.accessTokenFor(ACCOUNT)).toBe(token);
    expect(mock.tokenRequests).toHaveLength(1);
  });

  it('reads a first-version record (access token inside) and rewrites it without the access token at the next refresh', async () => {
    await secrets.set(
      ACCOUNT,
      JSON.stringify({
        v: 1,
        providerId: 'mock',
        clientId: 'outbox-client',
        accessToken: 'v1-access',
        refreshToken: 'refresh-1',
        expiresAt: T0 + HOUR,
        obtainedAt: T0,
        tokenType: 'Bearer',
      }),
    );
    const store = makeStore();
    expect(await store.status(ACCOUNT)).toBe('signed-in');
    expect(await store.accessTokenFor(ACCOUNT)).toBe('v1-access');
    expect(mock.tokenRequests).toHaveLength(0);
    now = T0 + HOUR;
    await store.accessTokenFor(ACCOUNT);
    const raw = (await secrets.get(ACCOUNT))!;
    expect(JSON.parse(raw)).toMatchObject({ v: 2, providerId: 'mock' });
    expect(raw).not.toContain('v1-access');
  });

  it("sends an installed-app client's secret with every refresh: the account's own, or the build's with the build's client id", async () => {
    const provider = { ...mock.provider, clientSecret: 'installed-app' as const };
    const store = new OAuthTokenStore({
      secrets,
      clock: { now: () => now },
      providers: () => provider,
      buildSecrets: { mock: 'GOCSPX-build' },
      buildClientIds: { mock: 'build-client' },
    });
    await store.save('own', {
      providerId: 'mock',
      clientId: 'own-client',
      clientSecret: 'GOCSPX-own',
      accessToken: 'a',
      refreshToken: 'r-own',
      expiresAt: T0,
    });
    await store.save('built', { providerId: 'mock', clientId: 'build-client', accessToken: 'a', refreshToken: 'r-built', expiresAt: T0 });
    await store.save('other', { providerId: 'mock', clientId: 'someone-else', accessToken: 'a', refreshToken: 'r-other', expiresAt: T0 });
    await store.accessTokenFor('own');
    await store.accessTokenFor('built');
    await store.accessTokenFor('other');
    expect(mock.tokenRequests.map((r) => [r.refresh_token, r.client_secret])).toEqual([
      ['r-own', 'GOCSPX-own'],
      ['r-built', 'GOCSPX-build'],
      ['r-other', undefined],
    ]);
    // The account's own secret is in its keychain record, not anywhere else.
    expect(await secrets.get('own')).toContain('GOCSPX-own');
    expect(await secrets.get('built')).not.toContain('GOCSPX');
  });

  it("keeps every keychain record within Windows Credential Manager's 2,560 bytes with Microsoft-sized tokens", async () => {
    const microsoftLike = { ...mock.provider, scopeOnRefresh: true };
    // Microsoft's refresh tokens run 1,500–2,000 characters (opaque, rotated on each refresh); access tokens are
    // JWTs of 2,500 characters and more. The mock answers with tokens this long.
    const refreshOf = (n: number, seed: string) => `0.A${seed}`.padEnd(n, 'Qx-_9');
    const accessOf = (n: number) => `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${'e'.repeat(n - 80)}.${'s'.repeat(42)}`;
    let rotation = 0;
    mock.server.service.on('beforeResponse', (response: { body: Record<string, unknown> }) => {
      rotation++;
      response.body.access_token = accessOf(3_100);
      response.body.refresh_token = refreshOf(rotation === 1 ? 2_000 : 4_500, String(rotation));
      response.body.scope = 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send';
    });
    const store = makeStore(microsoftLike);
    await store.save(ACCOUNT, {
      providerId: 'mock',
      clientId: '9e5f94bc-e8a4-4e73-b8be-63364c29d753',
      accessToken: accessOf(2_600),
      refreshToken: refreshOf(1_900, '0'),
      expiresAt: T0 + 60_000,
      requested: 'https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All offline_access',
      scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send',
    });
    const sizes = async () => Promise.all(secrets.ids().map(async (id) => Buffer.byteLength((await secrets.get(id))!, 'utf8')));
    for (const size of await sizes()) expect(size).toBeLessThanOrEqual(2_560);

    now = T0 + 60_000;
    const first = await store.accessTokenFor(ACCOUNT);
    expect(first.length).toBe(3_100);
    expect((await store.load(ACCOUNT))!.refreshToken).toBe(refreshOf(2_000, '1'));
    for (const size of await sizes()) expect(size).toBeLessThanOrEqual(2_560);

    // A refresh token longer than one record can hold continues in a second record, and reads back whole.
    await store.accessTokenFor(ACCOUNT, { forceRefresh: true });
    now += 60_000;
    await store.accessTokenFor(ACCOUNT, { forceRefresh: true });
    expect(secrets.ids().length).toBeGreaterThan(1);
    for (const size of await sizes()) expect(size).toBeLessThanOrEqual(2_560);
    expect((await makeStore(microsoftLike).load(ACCOUNT))!.refreshToken).toBe(refreshOf(4_500, String(rotation)));
    for (const id of secrets.ids()) expect(await secrets.get(id)).not.toContain('eyJ0eXAi');

    // Removing the sign-in removes every part.
    expect(await store.clear(ACCOUNT)).toBe(true);
    expect(secrets.ids()).toEqual([]);
  });

  it('keeps the old refresh token when the provider does not send a new one', async () => {
    mock.server.service.once('beforeResponse', (response: { body: Record<string, unknown> }) => {
      delete response.body.refresh_token;
      delete response.body.scope;
    });
    const store = makeStore();
    await seed(store);
    now = T0 + HOUR + 1;
    await store.accessTokenFor(ACCOUNT);
    expect(await store.load(ACCOUNT)).toMatchObject({ refreshToken: 'refresh-1', scope: 'https://mail.example.test/' });
  });

  it('refreshes on demand after an XOAUTH2 failure, but not twice in a row', async () => {
    const store = makeStore();
    await seed(store);
    now = T0 + 60_000;
    const forced = await store.accessTokenFor(ACCOUNT, { forceRefresh: true });
    expect(forced).not.toBe('old-access');
    expect(mock.tokenRequests).toHaveLength(1);
    now += 5_000;
    expect(await store.accessTokenFor(ACCOUNT, { forceRefresh: true })).toBe(forced);
    expect(mock.tokenRequests).toHaveLength(1);
  });

  it('sends the scopes again on refresh when the provider wants them', async () => {
    const store = makeStore({ ...mock.provider, scopeOnRefresh: true });
    await seed(store);
    now = T0 + HOUR;
    await store.accessTokenFor(ACCOUNT);
    expect(mock.tokenRequests[0]).toMatchObject({ scope: 'https://mail.example.test/ offline_access' });
  });

  it('marks a refused refresh (invalid_grant) as needs-sign-in, keeps the tokens and stops asking', async () => {
    mock.server.service.once('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
    });
    const store = makeStore();
    await seed(store);
    now = T0 + HOUR;
    const error = await failureOf(store.accessTokenFor(ACCOUNT));
    expectKind(error, 'needs-sign-in');
    expect(error).toMatchObject({
      code: 'OAUTH_REFRESH_REVOKED',
      retryable: false,
      reply: 'invalid_grant: Token has been expired or revoked.',
    });
    expect(await store.load(ACCOUNT)).toMatchObject({ refreshToken: 'refresh-1', needsSignIn: true });
    expect(await store.status(ACCOUNT)).toBe('needs-sign-in');

    expectKind(await failureOf(store.accessTokenFor(ACCOUNT, { forceRefresh: true })), 'needs-sign-in');
    expect(mock.tokenRequests).toHaveLength(1);

    await seed(store);
    expect(await store.status(ACCOUNT)).toBe('signed-in');
  });

  it('treats a 500 from the token endpoint as temporary and keeps the tokens', async () => {
    mock.server.service.once('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 503;
      response.body = { error: 'temporarily_unavailable' };
    });
    const store = makeStore();
    await seed(store);
    const before = await secrets.get(ACCOUNT);
    now = T0 + HOUR;
    const error = await failureOf(store.accessTokenFor(ACCOUNT));
    expectKind(error, 'temporary');
    expect(error).toMatchObject({ retryable: true, responseCode: 503 });
    expect(await secrets.get(ACCOUNT)).toBe(before);
    expect(await store.accessTokenFor(ACCOUNT)).not.toBe('old-access');
  });

  it('treats a garbage answer as temporary and keeps the tokens', async () => {
    raw = await startRawServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html>Sign in to continue</html>');
    });
    const store = makeStore(providerAt(raw.base));
    await seed(store);
    const before = await secrets.get(ACCOUNT);
    now = T0 + HOUR;
    const error = await failureOf(store.accessTokenFor(ACCOUNT));
    expectKind(error, 'temporary');
    expect((error as { detail?: string }).detail).toMatch(/unreadable answer/);
    expect(await secrets.get(ACCOUNT)).toBe(before);
  });

  it('gives up on a silent token endpoint within the timeout, as a temporary error', async () => {
    raw = await startRawServer(() => {});
    const store = makeStore(providerAt(raw.base), 300);
    await seed(store);
    const before = await secrets.get(ACCOUNT);
    now = T0 + HOUR;
    const started = Date.now();
    const error = await failureOf(store.accessTokenFor(ACCOUNT));
    expect(Date.now() - started).toBeLessThan(2_000);
    expectKind(error, 'temporary');
    expect((error as { detail?: string }).detail).toMatch(/did not answer within 300 ms/);
    expect(await secrets.get(ACCOUNT)).toBe(before);
  });

  it('shares one refresh between concurrent callers', async () => {
    const store = makeStore();
    await seed(store);
    now = T0 + HOUR;
    const tokens = await Promise.all([
      store.accessTokenFor(ACCOUNT),
      store.accessTokenFor(ACCOUNT),
      store.accessTokenFor(ACCOUNT, { forceRefresh: true }),
    ]);
    expect(new Set(tokens).size).toBe(1);
    expect(mock.tokenRequests).toHaveLength(1);
  });

  it('says not-signed-in for an account without tokens or with an unreadable entry', async () => {
    const store = makeStore();
    expectKind(await failureOf(store.accessTokenFor(ACCOUNT)), 'not-signed-in');
    await secrets.set(ACCOUNT, 'a plain password, not tokens');
    expectKind(await failureOf(store.accessTokenFor(ACCOUNT)), 'not-signed-in');
    expect(await store.status(ACCOUNT)).toBe('not-signed-in');
    await seed(store);
    expect(await store.clear(ACCOUNT)).toBe(true);
    expect(await store.load(ACCOUNT)).toBeNull();
  });

  it('never writes a token into its log lines', async () => {
    const store = makeStore();
    await seed(store);
    now = T0 + HOUR;
    const fresh = await store.accessTokenFor(ACCOUNT);
    const stored = await store.load(ACCOUNT);
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      for (const secret of [fresh, 'old-access', 'refresh-1', stored!.refreshToken]) expect(line).not.toContain(secret);
    }
  });
});
