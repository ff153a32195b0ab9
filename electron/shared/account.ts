// Account profiles: the schema shared by the accounts file, the IPC contract and the CLI.
// Profiles never hold a secret; passwords live in the OS keychain under the account's id.
import { z } from 'zod';

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export const AUTH_METHODS = ['auto', 'PLAIN', 'LOGIN', 'CRAM-MD5'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

const hostname = z
  .string()
  .trim()
  .min(1, 'Enter the server name')
  .max(253)
  .regex(/^[A-Za-z0-9.\-:[\]_]+$/, 'A server name has only letters, digits, dots and dashes');

/** A single address, no display name: what SMTP envelopes and logins carry. */
export const emailAddress = z
  .string()
  .trim()
  .max(320)
  .regex(/^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/, 'Enter an address like name@example.com');

export const smtpSettingsSchema = z
  .object({
    host: hostname,
    port: z.number().int().min(1).max(65535),
    security: z.enum(SECURITY_MODES),
    /** Must be true for security 'none': the user explicitly accepted an unencrypted connection. */
    insecure: z.boolean().default(false),
    user: z.string().max(320),
    authMethod: z.enum(AUTH_METHODS).default('auto'),
  })
  .refine((s) => s.security !== 'none' || s.insecure, {
    message: 'An unencrypted connection needs the explicit insecure flag',
    path: ['insecure'],
  });
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

/** Placeholder for the IMAP Sent-folder copy, filled in by a later issue. */
export const sentCopySchema = z.object({ enabled: z.boolean().default(false) }).default({ enabled: false });

export const ACCOUNT_STATUSES = ['ok', 'needs-attention'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const accountProfileSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
  name: z.string().trim().min(1).max(200),
  email: emailAddress,
  smtp: smtpSettingsSchema,
  sentCopy: sentCopySchema,
  status: z.enum(ACCOUNT_STATUSES).default('ok'),
  /** Why the account needs attention (the server's reply to AUTH), when it does. */
  statusReason: z.string().max(2000).optional(),
  createdAt: z.string(),
});
export type AccountProfile = z.infer<typeof accountProfileSchema>;

/** What a user supplies to add an account: no id, no status. */
export const newAccountSchema = z.object({
  name: z.string().trim().min(1).max(200),
  email: emailAddress,
  smtp: smtpSettingsSchema,
  sentCopy: sentCopySchema.optional(),
});
export type NewAccount = z.infer<typeof newAccountSchema>;

export const ACCOUNTS_SCHEMA_VERSION = 1;

export const accountsFileSchema = z.object({
  schemaVersion: z.literal(ACCOUNTS_SCHEMA_VERSION),
  accounts: z.array(accountProfileSchema),
});
export type AccountsFile = z.infer<typeof accountsFileSchema>;
