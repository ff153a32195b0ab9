// OAuth tokens per account in the keychain (one JSON entry, never logged) and fresh access tokens on demand:
// refreshed shortly before expiry or when forced after an XOAUTH2 failure, one refresh at a time per account.
import { z } from 'zod';
import { silentLogger, systemClock, type Clock, type Logger, type SecretStore } from '../ports';
import { isOAuthError, OAuthError } from './oauth-error';
import { getProvider, type OAuthProvider } from './providers';
import { requestTokens, type FetchLike } from './token-endpoint';

const storedSchema = z.object({
  v: z.literal(1),
  providerId: z.string().min(1),
  clientId: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
  /** When the access token was obtained, so a forced refresh cannot loop. */
  obtainedAt: z.number(),
  scope: z.string().optional(),
  tokenType: z.literal('Bearer'),
  /** The provider refused the refresh token: no more requests until the user signs in again. */
  needsSignIn: z.boolean().optional(),
});
export type StoredOAuthTokens = z.infer<typeof storedSchema>;

export type OAuthStatus = 'signed-in' | 'needs-sign-in' | 'not-signed-in';

export interface OAuthTokenStoreOptions {
  secrets: SecretStore;
  clock?: Pick<Clock, 'now'>;
  fetch?: FetchLike;
  logger?: Logger;
  /** Looks a provider up by id; tests point it at a local server. */
  providers?: (id: string) => OAuthProvider | undefined;
  /** Refresh when the access token expires within this many ms. */
  refreshMarginMs?: number;
  /** A forced refresh within this long of the last one returns the token it got instead of asking again. */
  minForcedIntervalMs?: number;
  tokenTimeoutMs?: number;
}

export interface SaveTokensInput {
  providerId: string;
  clientId: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  scope?: string;
}

export const REFRESH_MARGIN_MS = 2 * 60_000;

export class OAuthTokenStore {
  private readonly secrets: SecretStore;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly fetch: FetchLike | undefined;
  private readonly logger: Logger;
  private readonly providers: (id: string) => OAuthProvider | undefined;
  private readonly refreshMarginMs: number;
  private readonly minForcedIntervalMs: number;
  private readonly tokenTimeoutMs: number | undefined;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(options: OAuthTokenStoreOptions) {
    this.secrets = options.secrets;
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch;
    this.logger = options.logger ?? silentLogger;
    this.providers = options.providers ?? getProvider;
    this.refreshMarginMs = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
    this.minForcedIntervalMs = options.minForcedIntervalMs ?? 30_000;
    this.tokenTimeoutMs = options.tokenTimeoutMs;
  }

  /** Stores a fresh sign-in, replacing whatever the account had (including a needs-sign-in mark). */
  async save(accountId: string, tokens: SaveTokensInput): Promise<void> {
    const stored: StoredOAuthTokens = {
      v: 1,
      providerId: tokens.providerId,
      clientId: tokens.clientId,
      accessToken: tokens.accessToken,
      refreshToken: tokens.refreshToken,
      expiresAt: tokens.expiresAt,
      obtainedAt: this.clock.now(),
      tokenType: 'Bearer',
      ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    };
    await this.write(accountId, stored);
  }

  /** The stored tokens, or null when there are none. Unreadable entries count as none. */
  async load(accountId: string): Promise<StoredOAuthTokens | null> {
    const raw = await this.secrets.get(accountId);
    if (raw === null) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = storedSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }

  async clear(accountId: string): Promise<boolean> {
    return this.secrets.delete(accountId);
  }

  async status(accountId: string): Promise<OAuthStatus> {
    const stored = await this.load(accountId);
    if (!stored) return 'not-signed-in';
    return stored.needsSignIn ? 'needs-sign-in' : 'signed-in';
  }

  /**
   * A valid access token for the account. forceRefresh after the server refused the token over XOAUTH2.
   * Throws OAuthError: 'not-signed-in', 'needs-sign-in' (tokens kept, account held), 'temporary' (retry later).
   */
  async accessTokenFor(accountId: string, options: { forceRefresh?: boolean } = {}): Promise<string> {
    // Every caller during a refresh shares it, forced or not: one request, whatever the queue does.
    const pending = this.inFlight.get(accountId);
    if (pending) return pending;
    const stored = await this.load(accountId);
    if (!stored) throw new OAuthError('not-signed-in');
    if (stored.needsSignIn) throw new OAuthError('needs-sign-in', { detail: 'the provider refused this sign-in earlier' });
    const now = this.clock.now();
    if (options.forceRefresh) {
      if (now - stored.obtainedAt < this.minForcedIntervalMs) return stored.accessToken;
    } else if (stored.expiresAt - now > this.refreshMarginMs) {
      return stored.accessToken;
    }
    const again = this.inFlight.get(accountId);
    if (again) return again;
    const refresh = this.refresh(accountId, stored).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, refresh);
    return refresh;
  }

  private async refresh(accountId: string, stored: StoredOAuthTokens): Promise<string> {
    const provider = this.providers(stored.providerId);
    if (!provider) throw new OAuthError('provider-error', { detail: `unknown OAuth provider '${stored.providerId}'` });
    const params: Record<string, string> = { refresh_token: stored.refreshToken, client_id: stored.clientId };
    if (provider.scopeOnRefresh) params.scope = provider.scopes.join(' ');
    try {
      const tokens = await requestTokens({
        provider,
        grant: 'refresh_token',
        params,
        now: () => this.clock.now(),
        ...(this.fetch ? { fetch: this.fetch } : {}),
        ...(this.tokenTimeoutMs ? { timeoutMs: this.tokenTimeoutMs } : {}),
      });
      const next: StoredOAuthTokens = {
        ...stored,
        accessToken: tokens.accessToken,
        // Google keeps the refresh token; Microsoft rotates it. Keep the old one unless a new one came.
        refreshToken: tokens.refreshToken ?? stored.refreshToken,
        expiresAt: tokens.expiresAt,
        obtainedAt: this.clock.now(),
        scope: tokens.scope ?? stored.scope,
      };
      await this.writeIfUnchanged(accountId, stored, next);
      this.logger.info(`[oauth] refreshed the access token of account ${accountId}`);
      return next.accessToken;
    } catch (error) {
      if (isOAuthError(error, 'needs-sign-in')) {
        this.logger.warn(`[oauth] ${provider.name} refused the refresh token of account ${accountId}; it needs a new sign-in`);
        await this.writeIfUnchanged(accountId, stored, { ...stored, needsSignIn: true });
      } else if (isOAuthError(error)) {
        this.logger.warn(`[oauth] could not refresh the token of account ${accountId}: ${error.detail ?? error.message}`);
      }
      throw error;
    }
  }

  // A sign-in that finished during the refresh wins over the refresh's result.
  private async writeIfUnchanged(accountId: string, before: StoredOAuthTokens, next: StoredOAuthTokens): Promise<void> {
    const current = await this.load(accountId);
    if (current && current.refreshToken !== before.refreshToken) return;
    await this.write(accountId, next);
  }

  private async write(accountId: string, stored: StoredOAuthTokens): Promise<void> {
    await this.secrets.set(accountId, JSON.stringify(storedSchema.parse(stored)));
  }
}
