// OAuth2 providers as data: endpoints, scopes, extra authorization parameters and the mail hosts
// that go with them. A new provider is one more validated entry here, not new code.
import * as z from 'zod';
import { SECURITY_MODES } from '../../shared/account';

const endpoint = z.url({ protocol: /^https?$/ });

const serverSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SECURITY_MODES),
});

export const oauthProviderSchema = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  name: z.string().min(1),
  authorizationEndpoint: endpoint,
  tokenEndpoint: endpoint,
  /** What sending needs plus a refresh token, asked for in one consent. */
  scopes: z.array(z.string().min(1)).min(1),
  /** Added only when the account reads or writes its mailbox over IMAP (the Sent copy, the duplicate check). */
  imapScopes: z.array(z.string().min(1)).default([]),
  /**
   * 'installed-app': the provider's "Desktop app" clients come with a secret that is not confidential (it ships
   * in every copy) and its token endpoint wants it (Google). 'none': a public client that must not send one
   * (Microsoft answers AADSTS700025 when a public client presents a secret).
   */
  clientSecret: z.enum(['installed-app', 'none']).default('none'),
  /** Added to the authorization request as is (e.g. Google's access_type=offline). */
  extraAuthParams: z.record(z.string(), z.string()).default({}),
  /** Some providers want the scopes repeated on a refresh. */
  scopeOnRefresh: z.boolean().default(false),
  smtp: serverSchema,
  imap: serverSchema,
  /** Domains of the mail servers that accept this provider's tokens: the wizard offers its sign-in for them. */
  serverDomains: z.array(z.string().min(3)).default([]),
});
export type OAuthProvider = z.infer<typeof oauthProviderSchema>;

const BUILT_IN = {
  google: {
    id: 'google',
    name: 'Google',
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenEndpoint: 'https://oauth2.googleapis.com/token',
    // One scope covers SMTP and IMAP.
    scopes: ['https://mail.google.com/'],
    clientSecret: 'installed-app',
    // Without both, Google returns no refresh token on a second sign-in.
    extraAuthParams: { access_type: 'offline', prompt: 'consent' },
    smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls' },
    imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
    serverDomains: ['gmail.com', 'googlemail.com'],
  },
  microsoft: {
    id: 'microsoft',
    name: 'Microsoft 365 / Outlook.com',
    authorizationEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenEndpoint: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    scopes: ['https://outlook.office.com/SMTP.Send', 'offline_access'],
    imapScopes: ['https://outlook.office.com/IMAP.AccessAsUser.All'],
    clientSecret: 'none',
    extraAuthParams: { prompt: 'select_account' },
    scopeOnRefresh: true,
    smtp: { host: 'smtp.office365.com', port: 587, security: 'starttls' },
    imap: { host: 'outlook.office365.com', port: 993, security: 'tls' },
    serverDomains: ['office365.com', 'outlook.com'],
  },
} as const;

export type ProviderId = keyof typeof BUILT_IN;
export const PROVIDER_IDS = Object.keys(BUILT_IN) as ProviderId[];

// Parsed once at load, so a broken entry fails every test instead of one user's sign-in.
export const PROVIDERS: Readonly<Record<ProviderId, OAuthProvider>> = Object.freeze(
  Object.fromEntries(Object.entries(BUILT_IN).map(([id, p]) => [id, oauthProviderSchema.parse(p)])) as Record<ProviderId, OAuthProvider>,
);

export function isProviderId(value: string): value is ProviderId {
  return Object.hasOwn(BUILT_IN, value);
}

export function getProvider(id: string): OAuthProvider | undefined {
  return isProviderId(id) ? PROVIDERS[id] : undefined;
}

/** Client ids per provider; public values for a desktop (public) client, never a secret. */
export type ClientIdConfig = Partial<Record<string, string>>;

/**
 * The client ids the build bakes in. The bundler replaces these `process.env.…` reads with literals
 * (esbuild `define`); in development they come from the environment.
 */
export function buildTimeClientIds(): ClientIdConfig {
  return {
    google: process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_ID,
    microsoft: process.env.OUTBOX_OAUTH_MICROSOFT_CLIENT_ID,
  };
}

/** The scopes one sign-in asks for: sending, plus the mailbox only when the account uses IMAP. */
export function scopesFor(provider: OAuthProvider, options: { imap: boolean }): string[] {
  if (!options.imap || provider.imapScopes.length === 0) return provider.scopes;
  // offline_access and the like stay last, as providers show them.
  const [first, ...rest] = provider.scopes;
  return [first!, ...provider.imapScopes, ...rest];
}

/**
 * Client secrets the build bakes in, beside the client ids. Only for "installed app" clients, whose secret
 * is public by design (RFC 8252 §8.5): never a confidential value, but still never logged or shown.
 */
export function buildTimeClientSecrets(): ClientIdConfig {
  return { google: process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_SECRET };
}

/**
 * The secret to send with the code exchange and every refresh, or undefined to send none. An account with
 * its own client id uses only its own secret: the build's belongs to the build's client id.
 */
export function resolveClientSecret(
  provider: OAuthProvider,
  account: { clientId?: string | null; clientSecret?: string | null },
  secrets: ClientIdConfig = buildTimeClientSecrets(),
  ids: ClientIdConfig = buildTimeClientIds(),
): string | undefined {
  if (provider.clientSecret === 'none') return undefined;
  const own = account.clientSecret?.trim();
  if (own) return own;
  const ownId = account.clientId?.trim();
  if (ownId && ownId !== ids[provider.id]?.trim()) return undefined;
  const built = secrets[provider.id]?.trim();
  return built ? built : undefined;
}

/** The account's own client id wins over the build's; undefined when neither is set. */
export function resolveClientId(
  providerId: string,
  override?: string | null,
  config: ClientIdConfig = buildTimeClientIds(),
): string | undefined {
  const own = override?.trim();
  if (own) return own;
  const built = config[providerId]?.trim();
  return built ? built : undefined;
}
