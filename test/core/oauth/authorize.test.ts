// Interactive sign-in against oauth2-mock-server on loopback, with a fake browser that follows the
// provider's redirect to our listener: PKCE S256 end to end, and each way the redirect or exchange fails.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorizationUrl, signIn } from '../../../electron/core/oauth/authorize';
import { expectKind, failureOf } from './oauth-expect';
import { challengeFor } from '../../../electron/core/oauth/pkce';
import { PROVIDERS } from '../../../electron/core/oauth/providers';
import { browse, isClosed, startMockOAuth, type BrowserVisit, type MockOAuth } from '../../peers/oauth-peer';

let mock: MockOAuth;

beforeEach(async () => {
  mock = await startMockOAuth();
});

afterEach(async () => {
  await mock.stop();
});

describe('signIn', () => {
  it('signs in with PKCE S256 through the browser and the loopback redirect', async () => {
    let visit: BrowserVisit | undefined;
    let opened = '';
    const fixedNow = 1_800_000_000_000;
    const result = await signIn({
      provider: mock.provider,
      clientId: 'outbox-test-client',
      clock: { now: () => fixedNow },
      openBrowser: async (url) => {
        opened = url;
        // The browser runs on its own; openBrowser returns before the redirect comes back.
        void browse(url).then((v) => (visit = v));
      },
    });

    const auth = new URL(opened);
    expect(auth.searchParams.get('response_type')).toBe('code');
    expect(auth.searchParams.get('client_id')).toBe('outbox-test-client');
    expect(auth.searchParams.get('scope')).toBe('https://mail.example.test/ offline_access');
    expect(auth.searchParams.get('access_type')).toBe('offline');
    expect(auth.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);

    expect(mock.authorizeRequests).toHaveLength(1);
    expect(mock.authorizeRequests[0]).toMatchObject({ code_challenge_method: 'S256' });
    expect(mock.tokenRequests).toHaveLength(1);
    const exchange = mock.tokenRequests[0]!;
    expect(exchange).toMatchObject({ grant_type: 'authorization_code', client_id: 'outbox-test-client' });
    expect(exchange.client_secret).toBeUndefined();
    expect(exchange.redirect_uri).toBe(auth.searchParams.get('redirect_uri'));
    expect(challengeFor(String(exchange.code_verifier))).toBe(mock.authorizeRequests[0]!.code_challenge);

    expect(result).toMatchObject({ providerId: 'mock', clientId: 'outbox-test-client', tokenType: 'Bearer' });
    expect(result.accessToken.split('.')).toHaveLength(3);
    expect(result.refreshToken.length).toBeGreaterThan(0);
    expect(result.expiresAt).toBe(fixedNow + 3600 * 1000);

    await expect.poll(() => visit?.page).toContain('You can close this window and return to Outbox');
    expect(await isClosed(String(auth.searchParams.get('redirect_uri')))).toBe(true);
  });

  it('rejects a redirect carrying another state and closes the listener', async () => {
    mock.server.service.once('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
      redirect.url.searchParams.set('state', 'forged-state');
    });
    let visit: Promise<BrowserVisit> | undefined;
    const error = await failureOf(
      signIn({ provider: mock.provider, clientId: 'c', openBrowser: async (url) => void (visit = browse(url)) }),
    );
    expectKind(error, 'state-mismatch');
    const seen = await visit!;
    expect(seen.status).toBe(400);
    expect(seen.page).toContain('different sign-in');
    expect(mock.tokenRequests).toHaveLength(0);
    expect(await isClosed(seen.redirectedTo)).toBe(true);
  });

  it('reports a declined consent (access_denied) as denied', async () => {
    mock.server.service.once('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', 'access_denied');
    });
    const error = await failureOf(signIn({ provider: mock.provider, clientId: 'c', openBrowser: async (url) => void browse(url) }));
    expectKind(error, 'denied');
    expect(mock.tokenRequests).toHaveLength(0);
  });

  it('reports a redirect without a code as malformed', async () => {
    const error = await failureOf(
      signIn({
        provider: mock.provider,
        clientId: 'c',
        openBrowser: async (url) => void browse(url, (redirect) => redirect.searchParams.delete('code')),
      }),
    );
    expectKind(error, 'malformed-redirect');
  });

  it('gives up with a timeout when the browser never comes back', async () => {
    const error = await failureOf(signIn({ provider: mock.provider, clientId: 'c', timeoutMs: 200, openBrowser: async () => {} }));
    expectKind(error, 'timeout');
  });

  it('reports a code exchange the provider refuses as a provider error with its words', async () => {
    mock.server.service.once('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_client', error_description: 'Unknown client' };
    });
    const error = await failureOf(signIn({ provider: mock.provider, clientId: 'c', openBrowser: async (url) => void browse(url) }));
    expectKind(error, 'provider-error');
    expect((error as { reply?: string }).reply).toBe('invalid_client: Unknown client');
  });

  it('reports a garbage token answer as temporary', async () => {
    mock.server.service.once('beforeResponse', (response: { body: unknown }) => {
      response.body = '';
    });
    const error = await failureOf(signIn({ provider: mock.provider, clientId: 'c', openBrowser: async (url) => void browse(url) }));
    expectKind(error, 'temporary');
  });

  it('closes the listener when the browser cannot be opened', async () => {
    let redirectUri = '';
    const error = await failureOf(
      signIn({
        provider: mock.provider,
        clientId: 'c',
        openBrowser: async (url) => {
          redirectUri = String(new URL(url).searchParams.get('redirect_uri'));
          throw new Error('no browser');
        },
      }),
    );
    expect((error as Error).message).toBe('no browser');
    expect(await isClosed(redirectUri)).toBe(true);
  });

  it("sends an installed-app client's secret with the code exchange, keeping PKCE and the loopback redirect", async () => {
    const provider = { ...mock.provider, clientSecret: 'installed-app' as const };
    const result = await signIn({
      provider,
      clientId: 'desktop-client',
      clientSecret: 'GOCSPX-not-confidential',
      scopes: ['https://mail.example.test/'],
      openBrowser: async (url) => void browse(url),
    });
    const exchange = mock.tokenRequests[0]!;
    expect(exchange).toMatchObject({
      grant_type: 'authorization_code',
      client_id: 'desktop-client',
      client_secret: 'GOCSPX-not-confidential',
    });
    expect(String(exchange.redirect_uri)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(challengeFor(String(exchange.code_verifier))).toBe(mock.authorizeRequests[0]!.code_challenge);
    // The secret goes only to the token endpoint, never into the browser's address bar.
    expect(JSON.stringify(mock.authorizeRequests[0])).not.toContain('GOCSPX');
    expect(mock.authorizeRequests[0]!.scope).toBe('https://mail.example.test/');
    expect(result.requested).toBe('https://mail.example.test/');
  });

  it('builds the real providers authorization URLs with their extra parameters', () => {
    const fields = { clientId: 'id', redirectUri: 'http://127.0.0.1:1234/callback', state: 's', challenge: 'c' };
    const google = new URL(authorizationUrl(PROVIDERS.google, fields));
    expect(google.origin + google.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(google.searchParams.get('access_type')).toBe('offline');
    expect(google.searchParams.get('scope')).toBe('https://mail.google.com/');
    const microsoft = new URL(authorizationUrl(PROVIDERS.microsoft, fields));
    expect(microsoft.searchParams.get('scope')).toContain('offline_access');
    expect(microsoft.searchParams.get('code_challenge_method')).toBe('S256');
  });
});
