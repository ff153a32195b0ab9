// The IMAP side of an account, as the Sent-folder copy needs it: where to connect, how securely,
// and the credentials to log in with. Settings never hold a secret; credentials come from the keychain.
import { z } from 'zod';
import { SECURITY_MODES } from '../../shared/account';

export const imapSettingsSchema = z
  .object({
    host: z
      .string()
      .trim()
      .min(1, 'Enter the server name')
      .max(253)
      .regex(/^[A-Za-z0-9.\-:[\]_]+$/, 'A server name has only letters, digits, dots and dashes'),
    port: z.number().int().min(1).max(65535),
    security: z.enum(SECURITY_MODES),
    /** Must be true for security 'none': the user explicitly accepted an unencrypted connection. */
    insecure: z.boolean().default(false),
    user: z.string().max(320),
  })
  .refine((s) => s.security !== 'none' || s.insecure, {
    message: 'An unencrypted connection needs the explicit insecure flag',
    path: ['insecure'],
  });
export type ImapSettings = z.infer<typeof imapSettingsSchema>;

export type ImapCredentials =
  | { kind: 'password'; user: string; password: string }
  | { kind: 'oauth2'; user: string; accessToken: string };

export interface ImapTimeouts {
  /** TCP connect (and the TLS handshake for implicit TLS). */
  connection: number;
  /** From connected to the server's greeting. */
  greeting: number;
  /** Inactivity on an open connection. */
  socket: number;
}

/** A desktop on a flaky network: fail fast enough to show something, slow enough for a big upload. */
export const IMAP_DESKTOP_TIMEOUTS: ImapTimeouts = { connection: 15_000, greeting: 15_000, socket: 60_000 };
