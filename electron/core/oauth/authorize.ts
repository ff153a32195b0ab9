// Interactive sign-in: authorization code + PKCE in the system browser with a loopback redirect
// (RFC 8252), then the code exchange (with the client secret of an "installed app" client, PKCE kept). The caller supplies how to open the browser; no web view.
import { systemClock, type Clock } from '../ports';
import { startLoopbackRedirect } from './loopback';
import { OAuthError } from './oauth-error';
import { createPkce, createState } from './pkce';
import type { OAuthProvider } from './providers';
import { requestTokens, type FetchLike, type OAuthTokens } from './token-endpoint';

export interface SignInOptions {
  provider: OAuthProvider;
  clientId: string;
  /** Sent with the code exchange for "installed app" clients (Google); never logged. */
  clientSecret?: string;
  /** The scopes to ask for (scopesFor()); the provider's sending scopes when absent. */
  scopes?: string[];
  /** Opens the URL in the system browser (Electron's shell.openExternal, xdg-open, …); may print it too. */
  openBrowser: (url: string) => Promise<void>;
  /** How long the user has to finish in the browser. */
  timeoutMs?: number;
  tokenTimeoutMs?: number;
  fetch?: FetchLike;
  clock?: Pick<Clock, 'now'>;
  signal?: AbortSignal;
  /** Hint for the account chooser (Google and Microsoft both honour login_hint). */
  loginHint?: string;
}

/** What a sign-in yields: tokens plus what a later refresh needs to reach the same grant. */
export interface SignInResult extends OAuthTokens {
  refreshToken: string;
  providerId: string;
  clientId: string;
  /** The scopes asked for, space-separated: a refresh asks for the same. */
  requested: string;
}

export const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

export function authorizationUrl(
  provider: OAuthProvider,
  fields: { clientId: string; redirectUri: string; state: string; challenge: string; loginHint?: string; scopes?: string[] },
): string {
  const url = new URL(provider.authorizationEndpoint);
  const params: Record<string, string> = {
    ...provider.extraAuthParams,
    response_type: 'code',
    client_id: fields.clientId,
    redirect_uri: fields.redirectUri,
    scope: (fields.scopes ?? provider.scopes).join(' '),
    state: fields.state,
    code_challenge: fields.challenge,
    code_challenge_method: 'S256',
  };
  if (fields.loginHint) params.login_hint = fields.loginHint;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.href;
}

export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const { provider, clientId } = options;
  if (clientId.trim().length === 0) throw new OAuthError('provider-error', { detail: `no client id configured for ${provider.name}` });
  const clock = options.clock ?? systemClock;
  const scopes = options.scopes ?? provider.scopes;
  const pkce = createPkce();
  const state = createState();
  const loopback = await startLoopbackRedirect({
    state,
    timeoutMs: options.timeoutMs ?? SIGN_IN_TIMEOUT_MS,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const url = authorizationUrl(provider, {
      clientId,
      redirectUri: loopback.redirectUri,
      state,
      challenge: pkce.challenge,
      scopes,
      ...(options.loginHint ? { loginHint: options.loginHint } : {}),
    });
    // Wait and open together: a fast browser may come back before openBrowser resolves.
    const code = loopback.waitForCode();
    await options.openBrowser(url);
    const tokens = await requestTokens({
      provider,
      grant: 'authorization_code',
      params: {
        code: await code,
        redirect_uri: loopback.redirectUri,
        client_id: clientId,
        code_verifier: pkce.verifier,
        ...(options.clientSecret ? { client_secret: options.clientSecret } : {}),
      },
      now: () => clock.now(),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.tokenTimeoutMs ? { timeoutMs: options.tokenTimeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!tokens.refreshToken) {
      // Without one the account would need the browser again within the hour.
      throw new OAuthError('provider-error', { detail: `${provider.name} returned no refresh token` });
    }
    return { ...tokens, refreshToken: tokens.refreshToken, providerId: provider.id, clientId, requested: scopes.join(' ') };
  } finally {
    await loopback.close();
  }
}
