// OAuth sign-ins per account in the keychain (the refresh token and small metadata, never logged) and fresh
// access tokens on demand, kept in memory only: refreshed shortly before expiry or when forced after an
// XOAUTH2 failure, one refresh at a time per account. Every keychain record stays within Windows Credential
// Manager's 2,560-byte blob limit: Microsoft's access tokens alone are longer, so they are never stored.
import * as z from 'zod';
import { silentLogger, systemClock, type Clock, type Logger, type SecretStore } from '../ports';
import { isOAuthError, OAuthError } from './oauth-error';
import { getProvider, resolveClientSecret, type OAuthProvider } from './providers';
import { requestTokens, type FetchLike } from './token-endpoint';
import { named } from '../logging';

/** CRED_MAX_CREDENTIAL_BLOB_SIZE: what one Windows credential can hold, in bytes (keytar stores UTF-8). */
export const KEYCHAIN_RECORD_MAX_BYTES = 2_560;

const persistedSchema = z.object({
  v: z.literal(2),
  providerId: z.string().min(1),
  clientId: z.string().min(1),
  /** The account's own "installed app" client secret, when it has its own client (not confidential, still not in files). */
  clientSecret: z.string().min(1).optional(),
  refreshToken: z.string().min(1),
  /** The scopes the sign-in asked for, space-separated: a refresh asks for the same. */
  requested: z.string().optional(),
  /** The scopes the provider granted, as it last said. */
  scope: z.string().optional(),
  /** The provider refused the refresh token: no more requests until the user signs in again. */
  needsSignIn: z.boolean().optional(),
  /** The refresh token continues in this many more records (`<id>:oauth:1`…); only for very long tokens. */
  more: z.number().int().min(1).max(8).optional(),
});

/** The first version kept the access token in the keychain too; still read, rewritten as v2 at the next change. */
const legacySchema = z.object({
  v: z.literal(1),
  providerId: z.string().min(1),
  clientId: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.number(),
  obtainedAt: z.number(),
  scope: z.string().optional(),
  tokenType: z.literal('Bearer'),
  needsSignIn: z.boolean().optional(),
});

type Persisted = Omit<z.infer<typeof persistedSchema>, 'more'>;

/** An access token held in memory: lost with the process, obtained again with the refresh token. */
interface LiveToken {
  accessToken: string;
  expiresAt: number;
  /** When it was obtained, so a forced refresh cannot loop. */
  obtainedAt: number;
}

/** What load() returns: the keychain record, plus the access token this process holds, if any. */
export type StoredOAuthTokens = Persisted & Partial<LiveToken>;

export type OAuthStatus = 'signed-in' | 'needs-sign-in' | 'not-signed-in';

export interface OAuthTokenStoreOptions {
  secrets: SecretStore;
  clock?: Pick<Clock, 'now'>;
  fetch?: FetchLike;
  logger?: Logger;
  /** Looks a provider up by id; tests point it at a local server. */
  providers?: (id: string) => OAuthProvider | undefined;
  /** The build's client secrets and ids (tests give their own). */
  buildSecrets?: Partial<Record<string, string>>;
  buildClientIds?: Partial<Record<string, string>>;
  /** Refresh when the access token expires within this many ms. */
  refreshMarginMs?: number;
  /** A forced refresh within this long of the last one returns the token it got instead of asking again. */
  minForcedIntervalMs?: number;
  tokenTimeoutMs?: number;
}

export interface SaveTokensInput {
  providerId: string;
  clientId: string;
  clientSecret?: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  scope?: string;
  requested?: string;
}

export const REFRESH_MARGIN_MS = 2 * 60_000;

/** The keychain id of the n-th continuation record of a long refresh token. */
export function continuationId(accountId: string, n: number): string {
  return `${accountId}:oauth:${n}`;
}

export class OAuthTokenStore {
  private readonly secrets: SecretStore;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly fetch: FetchLike | undefined;
  private readonly logger: Logger;
  private readonly providers: (id: string) => OAuthProvider | undefined;
  private readonly buildSecrets: Partial<Record<string, string>> | undefined;
  private readonly buildClientIds: Partial<Record<string, string>> | undefined;
  private readonly refreshMarginMs: number;
  private readonly minForcedIntervalMs: number;
  private readonly tokenTimeoutMs: number | undefined;
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly live = new Map<string, LiveToken>();

  constructor(options: OAuthTokenStoreOptions) {
    this.secrets = options.secrets;
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch;
    this.logger = options.logger ?? silentLogger;
    this.providers = options.providers ?? getProvider;
    this.buildSecrets = options.buildSecrets;
    this.buildClientIds = options.buildClientIds;
    this.refreshMarginMs = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
    this.minForcedIntervalMs = options.minForcedIntervalMs ?? 30_000;
    this.tokenTimeoutMs = options.tokenTimeoutMs;
  }

  /** Stores a fresh sign-in, replacing whatever the account had (including a needs-sign-in mark). */
  async save(accountId: string, tokens: SaveTokensInput): Promise<void> {
    const persisted: Persisted = {
      v: 2,
      providerId: tokens.providerId,
      clientId: tokens.clientId,
      refreshToken: tokens.refreshToken,
      ...(tokens.clientSecret ? { clientSecret: tokens.clientSecret } : {}),
      ...(tokens.requested ? { requested: tokens.requested } : {}),
      ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
    };
    await this.write(accountId, persisted);
    this.live.set(accountId, { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, obtainedAt: this.clock.now() });
  }

  /** The stored sign-in (with this process's access token, if any), or null. Unreadable entries count as none. */
  async load(accountId: string): Promise<StoredOAuthTokens | null> {
    const persisted = await this.read(accountId);
    if (!persisted) return null;
    const live = this.live.get(accountId);
    return live ? { ...persisted, ...live } : persisted;
  }

  async clear(accountId: string): Promise<boolean> {
    this.live.delete(accountId);
    const raw = await this.secrets.get(accountId);
    const more = raw ? (this.parse(raw)?.more ?? 0) : 0;
    for (let n = 1; n <= more; n++) await this.secrets.delete(continuationId(accountId, n));
    return this.secrets.delete(accountId);
  }

  async status(accountId: string): Promise<OAuthStatus> {
    const stored = await this.read(accountId);
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
    const stored = await this.read(accountId);
    if (!stored) throw new OAuthError('not-signed-in');
    if (stored.needsSignIn) throw new OAuthError('needs-sign-in', { detail: 'the provider refused this sign-in earlier' });
    const live = this.live.get(accountId);
    const now = this.clock.now();
    if (live) {
      if (options.forceRefresh) {
        if (now - live.obtainedAt < this.minForcedIntervalMs) return live.accessToken;
      } else if (live.expiresAt - now > this.refreshMarginMs) {
        return live.accessToken;
      }
    }
    const again = this.inFlight.get(accountId);
    if (again) return again;
    const refresh = this.refresh(accountId, stored).finally(() => this.inFlight.delete(accountId));
    this.inFlight.set(accountId, refresh);
    return refresh;
  }

  private async refresh(accountId: string, stored: Persisted): Promise<string> {
    const provider = this.providers(stored.providerId);
    if (!provider) throw new OAuthError('provider-error', { detail: `unknown OAuth provider '${stored.providerId}'` });
    const params: Record<string, string> = { refresh_token: stored.refreshToken, client_id: stored.clientId };
    const secret = resolveClientSecret(provider, stored, this.buildSecrets, this.buildClientIds);
    if (secret) params.client_secret = secret;
    if (provider.scopeOnRefresh) params.scope = stored.requested ?? provider.scopes.join(' ');
    try {
      const tokens = await requestTokens({
        provider,
        grant: 'refresh_token',
        params,
        now: () => this.clock.now(),
        ...(this.fetch ? { fetch: this.fetch } : {}),
        ...(this.tokenTimeoutMs ? { timeoutMs: this.tokenTimeoutMs } : {}),
      });
      this.live.set(accountId, { accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, obtainedAt: this.clock.now() });
      // Google keeps the refresh token; Microsoft rotates it. The keychain is written only when something kept changed.
      const next: Persisted = {
        ...stored,
        refreshToken: tokens.refreshToken ?? stored.refreshToken,
        ...(tokens.scope ? { scope: tokens.scope } : {}),
      };
      if (next.refreshToken !== stored.refreshToken || next.scope !== stored.scope || this.wasLegacy.has(accountId)) {
        await this.writeIfUnchanged(accountId, stored, next);
      }
      named(this.logger, 'oauth').info(`refreshed the access token of account ${accountId}`);
      return tokens.accessToken;
    } catch (error) {
      if (isOAuthError(error, 'needs-sign-in')) {
        named(this.logger, 'oauth').warn(`${provider.name} refused the refresh token of account ${accountId}; it needs a new sign-in`);
        await this.writeIfUnchanged(accountId, stored, { ...stored, needsSignIn: true });
      } else if (isOAuthError(error)) {
        named(this.logger, 'oauth').warn(`could not refresh the token of account ${accountId}: ${error.detail ?? error.message}`);
      }
      throw error;
    }
  }

  // A sign-in that finished during the refresh wins over the refresh's result.
  private async writeIfUnchanged(accountId: string, before: Persisted, next: Persisted): Promise<void> {
    const current = await this.read(accountId);
    if (current && current.refreshToken !== before.refreshToken) return;
    await this.write(accountId, next);
  }

  /** Accounts whose record is still v1 (with an access token inside): rewritten at the next refresh. */
  private readonly wasLegacy = new Set<string>();

  private parse(raw: string): (Persisted & { more?: number }) | null {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const parsed = persistedSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }

  private async read(accountId: string): Promise<Persisted | null> {
    const raw = await this.secrets.get(accountId);
    if (raw === null) return null;
    const current = this.parse(raw);
    if (current) {
      const { more, ...persisted } = current;
      for (let n = 1; n <= (more ?? 0); n++) {
        const part = await this.secrets.get(continuationId(accountId, n));
        if (part === null) return null;
        persisted.refreshToken += part;
      }
      return persisted;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return null;
    }
    const legacy = legacySchema.safeParse(json);
    if (!legacy.success) return null;
    const old = legacy.data;
    this.wasLegacy.add(accountId);
    if (!this.live.has(accountId))
      this.live.set(accountId, { accessToken: old.accessToken, expiresAt: old.expiresAt, obtainedAt: old.obtainedAt });
    return {
      v: 2,
      providerId: old.providerId,
      clientId: old.clientId,
      refreshToken: old.refreshToken,
      ...(old.scope === undefined ? {} : { scope: old.scope }),
      ...(old.needsSignIn ? { needsSignIn: true } : {}),
    };
  }

  /**
   * One record when it fits; a refresh token too long for one record continues in `<id>:oauth:n` records
   * (written first, so the main record never points at parts that are not there yet).
   */
  private async write(accountId: string, persisted: Persisted): Promise<void> {
    const valid = persistedSchema.parse(persisted);
    const previousMore = await this.secrets
      .get(accountId)
      .then((raw) => (raw ? (this.parse(raw)?.more ?? 0) : 0))
      .catch(() => 0);
    const whole = JSON.stringify(valid);
    let more = 0;
    if (byteLength(whole) <= KEYCHAIN_RECORD_MAX_BYTES) {
      await this.secrets.set(accountId, whole);
    } else {
      const token = valid.refreshToken;
      // Room left for the token in the main record, with `more` present; tokens are ASCII (base64url and dots).
      const head = Math.max(256, KEYCHAIN_RECORD_MAX_BYTES - byteLength(JSON.stringify({ ...valid, refreshToken: '', more: 8 })));
      const parts = [token.slice(0, head)];
      for (let at = head; at < token.length; at += KEYCHAIN_RECORD_MAX_BYTES) parts.push(token.slice(at, at + KEYCHAIN_RECORD_MAX_BYTES));
      more = parts.length - 1;
      if (more > 8) throw new OAuthError('provider-error', { detail: 'the refresh token is too long for the system keychain' });
      for (let n = 1; n <= more; n++) await this.secrets.set(continuationId(accountId, n), parts[n]!);
      await this.secrets.set(accountId, JSON.stringify({ ...valid, refreshToken: parts[0], more }));
    }
    for (let n = more + 1; n <= previousMore; n++) await this.secrets.delete(continuationId(accountId, n)).catch(() => false);
    this.wasLegacy.delete(accountId);
  }
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
