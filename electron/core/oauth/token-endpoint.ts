// One POST to a provider's token endpoint (code exchange or refresh), form-encoded (a client secret only when
// the caller puts one in the params: never logged, never in an error),
// bounded by a timeout; every answer becomes tokens or a typed OAuthError saying whether to retry.
import type { OAuthProvider } from './providers';
import { OAuthError } from './oauth-error';

export interface OAuthTokens {
  accessToken: string;
  /** Absent when the provider did not return one (refreshes often don't: keep the old one). */
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope?: string;
  tokenType: 'Bearer';
}

export type FetchLike = typeof fetch;

export interface TokenRequestOptions {
  provider: OAuthProvider;
  params: Record<string, string>;
  /** Which grant this is: a refused refresh means "sign in again", a refused code exchange does not. */
  grant: 'authorization_code' | 'refresh_token';
  now: () => number;
  fetch?: FetchLike;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export const TOKEN_TIMEOUT_MS = 15_000;
/** When a provider omits expires_in, assume a short life rather than a long one. */
const DEFAULT_EXPIRES_IN_S = 300;
/** Errors that no retry can fix: the grant or the client is no longer accepted. */
const REFUSED = new Set(['invalid_grant', 'invalid_client', 'unauthorized_client', 'invalid_scope']);

export async function requestTokens(options: TokenRequestOptions): Promise<OAuthTokens> {
  const { provider, params, grant, now } = options;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? TOKEN_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;

  let status: number;
  let text: string;
  try {
    const res = await doFetch(provider.tokenEndpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ grant_type: grant, ...params }).toString(),
      signal,
      redirect: 'error',
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    if (options.signal?.aborted) throw new OAuthError('cancelled', { cause: error });
    const detail = timeout.aborted
      ? `${provider.name} token endpoint did not answer within ${timeoutMs} ms`
      : `${provider.name} token endpoint unreachable: ${error instanceof Error ? error.message : String(error)}`;
    throw new OAuthError('temporary', { detail, cause: error });
  }

  const body = parseJsonObject(text);
  if (status >= 200 && status < 300) {
    const tokens = body && readTokens(body, now());
    if (!tokens)
      throw new OAuthError('temporary', { responseCode: status, detail: `${provider.name} token endpoint sent an unreadable answer` });
    return tokens;
  }
  const errorCode = body && typeof body.error === 'string' ? body.error : undefined;
  const description = body && typeof body.error_description === 'string' ? body.error_description : undefined;
  const reply = errorCode ? (description ? `${errorCode}: ${description}` : errorCode).slice(0, 500) : undefined;
  const common = { responseCode: status, ...(reply ? { reply } : {}) };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && errorCode) {
    if (grant === 'refresh_token' && REFUSED.has(errorCode)) throw new OAuthError('needs-sign-in', common);
    throw new OAuthError('provider-error', common);
  }
  // 5xx, 408, 429, and 4xx without an OAuth error body (a proxy's page): worth another try later.
  throw new OAuthError('temporary', { ...common, detail: `${provider.name} token endpoint answered HTTP ${status}` });
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function readTokens(body: Record<string, unknown>, now: number): OAuthTokens | undefined {
  const { access_token: accessToken, refresh_token: refreshToken, token_type: tokenType, scope } = body;
  if (typeof accessToken !== 'string' || accessToken.length === 0) return undefined;
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') return undefined;
  // Some Microsoft endpoints send expires_in as a string.
  const expiresIn = body.expires_in === undefined ? DEFAULT_EXPIRES_IN_S : Number(body.expires_in);
  if (!Number.isFinite(expiresIn) || expiresIn <= 0) return undefined;
  const tokens: OAuthTokens = { accessToken, expiresAt: now + expiresIn * 1000, tokenType: 'Bearer' };
  if (typeof refreshToken === 'string' && refreshToken.length > 0) tokens.refreshToken = refreshToken;
  if (typeof scope === 'string') tokens.scope = scope;
  return tokens;
}
