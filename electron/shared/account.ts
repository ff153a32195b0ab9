// Account profiles: the schema shared by the accounts file, the IPC contract and the CLI.
// Profiles never hold a secret; passwords live in the OS keychain under the account's id. Each schema is
// built at its first use (lazy.ts): call it, as in accountsFileSchema().parse(…).
import * as z from 'zod';
import { lazy } from './lazy';

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export const AUTH_METHODS = ['auto', 'PLAIN', 'LOGIN', 'CRAM-MD5'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

const hostname = lazy(() =>
  z
    .string()
    .trim()
    .min(1, 'Enter the server name')
    .max(253)
    .regex(/^[A-Za-z0-9.\-:[\]_]+$/, 'A server name has only letters, digits, dots and dashes'),
);

/** A single address, no display name: what SMTP envelopes and logins carry. */
export const emailAddress = lazy(() =>
  z
    .string()
    .trim()
    .max(320)
    .regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/, 'Enter an address like name@example.com'),
);

/**
 * One exact server certificate the user chose to trust for one account (there is no switch that turns
 * certificate checks off): its SHA-256 fingerprint, and the certificate itself so TLS can verify against it.
 */
export const pinnedCertificateSchema = lazy(() =>
  z.object({
    fingerprint256: z.string().regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'A SHA-256 fingerprint is 32 hex bytes separated by colons'),
    pem: z
      .string()
      .max(20_000)
      .regex(/-----BEGIN CERTIFICATE-----/),
  }),
);
export type PinnedCertificate = z.infer<ReturnType<typeof pinnedCertificateSchema>>;

const insecureNeedsFlag = {
  message: 'An unencrypted connection needs the explicit insecure flag',
  path: ['insecure'],
};

export const smtpSettingsSchema = lazy(() =>
  z
    .object({
      host: hostname(),
      port: z.number().int().min(1).max(65535),
      security: z.enum(SECURITY_MODES),
      /** Must be true for security 'none': the user explicitly accepted an unencrypted connection. */
      insecure: z.boolean().default(false),
      user: z.string().max(320),
      authMethod: z.enum(AUTH_METHODS).default('auto'),
      pinnedCertificate: pinnedCertificateSchema().optional(),
      /** The server's SIZE limit in bytes, as last seen (connection test, wizard); Compose warns against it. */
      maxSize: z.number().int().positive().optional(),
      /** Whether the server offered SMTPUTF8 (RFC 6531) when last seen; false: Compose warns about non-ASCII addresses. */
      smtpUtf8: z.boolean().optional(),
    })
    .refine((s) => s.security !== 'none' || s.insecure, insecureNeedsFlag),
);
export type SmtpSettings = z.infer<ReturnType<typeof smtpSettingsSchema>>;

/** IMAP, for the copy in the Sent folder. The user and secret are the SMTP ones unless set apart. */
export const imapSettingsSchema = lazy(() =>
  z
    .object({
      host: hostname(),
      port: z.number().int().min(1).max(65535),
      security: z.enum(SECURITY_MODES),
      insecure: z.boolean().default(false),
      /** Absent: the SMTP user name. */
      user: z.string().max(320).optional(),
      /** True when IMAP has a password of its own in the keychain (under "<account id>:imap"). */
      separateSecret: z.boolean().default(false),
      pinnedCertificate: pinnedCertificateSchema().optional(),
    })
    .refine((s) => s.security !== 'none' || s.insecure, insecureNeedsFlag),
);
export type ImapSettings = z.infer<ReturnType<typeof imapSettingsSchema>>;

/** Whether sent mail is also filed in the Sent folder, and which folder was found or chosen. */
export const sentCopySchema = lazy(() =>
  z.object({ enabled: z.boolean().default(false), folder: z.string().min(1).max(1000).optional() }).default({ enabled: false }),
);

/** How the account signs in: a password (or app password), or OAuth2 with a provider from the provider data. */
export const signInSchema = lazy(() =>
  z
    .object({
      kind: z.enum(['password', 'oauth2']).default('password'),
      /** A provider id from the OAuth provider data ('google', 'microsoft', …). */
      provider: z
        .string()
        .regex(/^[a-z0-9-]{1,40}$/)
        .optional(),
      /** Overrides the build-time client id for this account. */
      clientId: z.string().max(500).optional(),
    })
    .refine((s) => s.kind !== 'oauth2' || s.provider !== undefined, { message: 'OAuth2 sign-in needs a provider', path: ['provider'] })
    .default({ kind: 'password' }),
);
export type SignIn = z.infer<ReturnType<typeof signInSchema>>;

/** ok; needs-attention: the server refused the password; needs-sign-in: the OAuth grant was revoked or expired. */
export const ACCOUNT_STATUSES = ['ok', 'needs-attention', 'needs-sign-in'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** The user's own sending limits, over the provider's profile (a Workspace tier, a paid plan, a company relay). */
export const sendingLimitsOverrideSchema = lazy(() =>
  z.strictObject({
    maxConnections: z.number().int().min(1).max(20).optional(),
    messagesPerMinute: z.number().int().min(1).max(10_000).optional(),
    messagesPerDay: z.number().int().min(1).max(10_000_000).optional(),
    recipientsPerDay: z.number().int().min(1).max(10_000_000).optional(),
    recipientsPerMessage: z.number().int().min(1).max(100_000).optional(),
  }),
);
export type SendingLimitsOverride = z.infer<ReturnType<typeof sendingLimitsOverrideSchema>>;

/** One set of sending figures: a provider profile's, or what the engine paces by (the profile with the overrides). */
export interface SendingFigures {
  maxConnections: number;
  messagesPerMinute: number | null;
  messagesPerDay: number | null;
  recipientsPerDay: number | null;
  recipientsPerMessage: number;
}

/** An account's sending limits as the renderer sees them (Compose's recipient warning, the settings' override form). */
export interface AccountSending {
  /** The provider as people know it ("Gmail"); "Your mail server" for the default profile. */
  provider: string;
  /** The provider's own figures. */
  profile: SendingFigures;
  /** What the engine paces by: the profile's figures with the account's overrides. */
  effective: SendingFigures;
}

/** An account as the IPC contract sends it: the stored profile and, from main, its sending limits. */
export type AccountSummary = AccountProfile & { sending?: AccountSending };

export const accountProfileSchema = lazy(() =>
  z.object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    name: z.string().trim().min(1).max(200),
    email: emailAddress(),
    smtp: smtpSettingsSchema(),
    imap: imapSettingsSchema().optional(),
    sentCopy: sentCopySchema(),
    signIn: signInSchema(),
    status: z.enum(ACCOUNT_STATUSES).default('ok'),
    /** Why the account needs attention (the server's reply to AUTH), when it does. */
    statusReason: z.string().max(2000).optional(),
    /** The provider sending profile matched when the account was added (absent: matched by SMTP host at run time). */
    sendingProfile: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/)
      .optional(),
    /** The user's own limits over the profile's. */
    limits: sendingLimitsOverrideSchema().optional(),
    createdAt: z.string(),
  }),
);
export type AccountProfile = z.infer<ReturnType<typeof accountProfileSchema>>;

/** What a user supplies to add an account: no id, no status. */
export const newAccountSchema = lazy(() =>
  z.object({
    name: z.string().trim().min(1).max(200),
    email: emailAddress(),
    smtp: smtpSettingsSchema(),
    imap: imapSettingsSchema().optional(),
    sentCopy: sentCopySchema().optional(),
    signIn: signInSchema().optional(),
  }),
);
export type NewAccount = z.infer<ReturnType<typeof newAccountSchema>>;

export const ACCOUNTS_SCHEMA_VERSION = 1;

export const accountsFileSchema = lazy(() =>
  z.object({
    schemaVersion: z.literal(ACCOUNTS_SCHEMA_VERSION),
    accounts: z.array(accountProfileSchema()),
  }),
);
export type AccountsFile = z.infer<ReturnType<typeof accountsFileSchema>>;
