// Maps an account's SMTP settings onto nodemailer pool options: TLS is never downgraded, certificate
// checks are always on, and AUTH crosses plaintext only when the account explicitly allows it.
import { createHash } from 'node:crypto';
import type tls from 'node:tls';
import type { SMTPPoolOptions } from 'nodemailer';
import type { AccountProfile } from '../../shared/account';
import type { Credentials } from '../ports';

export interface SmtpTimeouts {
  /** TCP connect, DNS included (and the TLS handshake for implicit TLS). */
  connection: number;
  /** From connected to the server's 220 greeting (and to the end of a STARTTLS upgrade). */
  greeting: number;
  /** Inactivity on an open connection. */
  socket: number;
}

/** A desktop on a flaky network: fail fast enough to show something, slow enough for a big upload. */
export const DESKTOP_TIMEOUTS: SmtpTimeouts = { connection: 15_000, greeting: 15_000, socket: 60_000 };

export interface PoolSettings {
  maxConnections: number;
  timeouts: SmtpTimeouts;
  /** Extra TLS options (e.g. `ca`); verification cannot be switched off through them. */
  tls?: tls.ConnectionOptions;
}

/** True when the account asks for an unencrypted connection without having explicitly allowed one. */
export function refusesPlaintext(account: AccountProfile): boolean {
  return account.smtp.security === 'none' && !account.smtp.insecure;
}

function verifiedTls(extra: tls.ConnectionOptions | undefined): tls.ConnectionOptions {
  // The spread keeps the caller's `ca`, `servername`, ciphers...; the two keys after it cannot be overridden.
  const options: tls.ConnectionOptions = { ...extra, rejectUnauthorized: true };
  delete options.checkServerIdentity;
  return options;
}

type SecurityOptions = Pick<SMTPPoolOptions, 'secure' | 'requireTLS' | 'ignoreTLS' | 'opportunisticTLS' | 'tls'>;

function security(account: AccountProfile, extraTls: tls.ConnectionOptions | undefined): SecurityOptions {
  switch (account.smtp.security) {
    case 'tls':
      return { secure: true, tls: verifiedTls(extraTls) };
    case 'starttls':
      // requireTLS sends STARTTLS whatever EHLO says and fails (ETLS) when the server refuses it.
      return { secure: false, requireTLS: true, ignoreTLS: false, opportunisticTLS: false, tls: verifiedTls(extraTls) };
    case 'none':
      if (!account.smtp.insecure) throw new Error('refusesPlaintext() must be checked before building options');
      return { secure: false, requireTLS: false, ignoreTLS: true };
  }
}

/** The options of one account's pool; `logger` receives the transaction log (commands and replies, no message data). */
export function poolOptions(
  account: AccountProfile,
  credentials: Credentials | null,
  settings: PoolSettings,
  logger: NonNullable<SMTPPoolOptions['logger']>,
): SMTPPoolOptions & { pool: true } {
  const options: SMTPPoolOptions & { pool: true } = {
    pool: true,
    host: account.smtp.host,
    port: account.smtp.port,
    ...security(account, settings.tls),
    maxConnections: settings.maxConnections,
    // No per-connection message limit: a connection is only replaced when it fails or idles out.
    maxMessages: Infinity,
    // One requeue lets a message move off a pooled connection the server had just closed (nodemailer
    // only requeues when no byte of it was sent); every other retry is the outbox scheduler's call.
    maxRequeues: 1,
    connectionTimeout: settings.timeouts.connection,
    greetingTimeout: settings.timeouts.greeting,
    socketTimeout: settings.timeouts.socket,
    dnsTimeout: settings.timeouts.connection,
    logger,
    // transactionLog passes commands and replies to the logger; debug would also pass every message byte.
    transactionLog: true,
    debug: false,
  };
  if (credentials) {
    options.auth = { user: credentials.user || account.smtp.user, pass: credentials.password };
    if (account.smtp.authMethod !== 'auto') options.authMethod = account.smtp.authMethod;
    // Sign in even when EHLO does not list AUTH, so "AUTH not offered" surfaces as the server's reply
    // instead of an unauthenticated send.
    options.forceAuth = true;
  }
  return options;
}

/**
 * Everything a pool depends on, as one string: a change of server, security, user or password gives a
 * different one, so the account gets a new pool. Compared on every send, hashed only for a new pool.
 */
export function poolSettings(account: AccountProfile, credentials: Credentials | null): string {
  const { host, port, security: mode, insecure, user, authMethod } = account.smtp;
  return JSON.stringify([host, port, mode, insecure, user, authMethod, credentials?.user ?? null, credentials?.password ?? null]);
}

/** A pool's name for logs: the account id and a hash of its settings (never the settings themselves). */
export function poolKey(accountId: string, settings: string): string {
  return `${accountId}:${createHash('sha256').update(settings).digest('base64url').slice(0, 12)}`;
}

/** The forms a password could take on the wire (plain, and base64 as AUTH PLAIN and LOGIN send it). */
export function secretForms(credentials: Credentials | null): string[] {
  if (!credentials?.password) return [];
  const { user, password } = credentials;
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), b64(`\u0000${user}\u0000${password}`), b64(`${user}\u0000${user}\u0000${password}`)];
}
