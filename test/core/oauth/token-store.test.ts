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
  it('keeps the tokens as one JSON keychain entry per account and hands out the valid access token', async () => {
    const store = makeStore();
    await seed(store);
    expect(secrets.ids()).toEqual([ACCOUNT]);
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
    expect(error).toMatchObject({ code: 'OAUTH_REFRESH_REVOKED', retryable: false, reply: 'invalid_grant: Token has been expired or revoked.' });
    expect(await store.load(ACCOUNT)).toMatchObject({ accessToken: 'old-access', refreshToken: 'refresh-1', needsSignIn: true });
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
