// OAuth2 providers as data: endpoints, scopes, extra authorization parameters and the mail hosts
// that go with them. A new provider is one more validated entry here, not new code.
import { z } from 'zod';
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
  /** Everything needed for SMTP and IMAP plus a refresh token, asked for in one consent. */
  scopes: z.array(z.string().min(1)).min(1),
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
    scopes: ['https://mail.google.com/'],
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
    scopes: [
      'https://outlook.office.com/SMTP.Send',
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'offline_access',
    ],
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
  Object.fromEntries(Object.entries(BUILT_IN).map(([id, p]) => [id, oauthProviderSchema.parse(p)])) as Record<
    ProviderId,
    OAuthProvider
  >,
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
