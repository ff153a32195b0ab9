// The IMAP side of an account, as the Sent-folder copy needs it: where to connect, how securely,
// and the credentials to log in with. Settings never hold a secret; credentials come from the keychain.
import type { ImapSettings as AccountImapSettings } from '../../shared/account';

/** An account's IMAP settings with the user name resolved (the SMTP one unless set apart). */
export type ImapSettings = Pick<AccountImapSettings, 'host' | 'port' | 'security' | 'insecure'> & { user: string };

export type ImapCredentials = { kind: 'password'; user: string; password: string } | { kind: 'oauth2'; user: string; accessToken: string };

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

/** Every form an IMAP login's secret takes on the wire (LOGIN's quoted string, AUTHENTICATE PLAIN, XOAUTH2), to redact from replies. */
export function imapSecretForms(c: ImapCredentials): string[] {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  if (c.kind === 'oauth2') return [c.accessToken, b64(`user=${c.user}\u0001auth=Bearer ${c.accessToken}\u0001\u0001`)];
  return [c.password, b64(c.password), b64(`\u0000${c.user}\u0000${c.password}`), `"${c.password.replace(/["\\]/g, (m) => `\\${m}`)}"`];
}
