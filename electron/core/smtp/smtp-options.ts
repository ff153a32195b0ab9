// Maps an account's SMTP settings onto nodemailer pool options: TLS is never downgraded, certificate
// checks are always on, and AUTH crosses plaintext only when the account explicitly allows it.
import { createHash, X509Certificate } from 'node:crypto';
import type tls from 'node:tls';
import { tlsModule } from '../lazy-builtins';
import type { SMTPPoolOptions } from 'nodemailer';
import type { AccountProfile, PinnedCertificate } from '../../shared/account';
import { xoauth2String } from '../oauth/xoauth2';
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

function verifiedTls(extra: tls.ConnectionOptions | undefined, pinned: PinnedCertificate | undefined): tls.ConnectionOptions {
  // The spread keeps the caller's `ca`, `servername`, ciphers...; the two keys after it cannot be overridden.
  const options: tls.ConnectionOptions = { ...extra, rejectUnauthorized: true };
  delete options.checkServerIdentity;
  if (pinned && pinMatches(pinned)) Object.assign(options, pinnedTls(pinned, extra?.ca));
  return options;
}

/**
 * Trusts one exact certificate besides the usual ones: its PEM joins the CA list (so its chain verifies,
 * self-signed included) and only a peer with its fingerprint skips the host-name check. Any other
 * certificate is verified exactly as without a pin.
 */
export function pinnedTls(
  pinned: PinnedCertificate,
  ca: tls.ConnectionOptions['ca'],
): Pick<tls.ConnectionOptions, 'ca' | 'checkServerIdentity'> {
  // `ca` replaces Node's roots: keep them (or the caller's own list) next to the pinned certificate.
  const base = ca === undefined ? [...tlsModule().rootCertificates] : Array.isArray(ca) ? [...ca] : [ca];
  const wanted = normalizeFingerprint(pinned.fingerprint256);
  return {
    ca: [...base, pinned.pem],
    checkServerIdentity: (host, cert) =>
      normalizeFingerprint(cert.fingerprint256 ?? '') === wanted ? undefined : tlsModule().checkServerIdentity(host, cert),
  };
}

/** A pin whose PEM is not the certificate it names is ignored: only that exact certificate may be trusted. */
export function pinMatches(pinned: PinnedCertificate): boolean {
  try {
    return normalizeFingerprint(new X509Certificate(pinned.pem).fingerprint256) === normalizeFingerprint(pinned.fingerprint256);
  } catch {
    return false;
  }
}

function normalizeFingerprint(value: string): string {
  return value.replace(/:/g, '').toUpperCase();
}

type SecurityOptions = Pick<SMTPPoolOptions, 'secure' | 'requireTLS' | 'ignoreTLS' | 'opportunisticTLS' | 'tls'>;

function security(account: AccountProfile, extraTls: tls.ConnectionOptions | undefined): SecurityOptions {
  switch (account.smtp.security) {
    case 'tls':
      return { secure: true, tls: verifiedTls(extraTls, account.smtp.pinnedCertificate) };
    case 'starttls':
      // requireTLS sends STARTTLS whatever EHLO says and fails (ETLS) when the server refuses it.
      return {
        secure: false,
        requireTLS: true,
        ignoreTLS: false,
        opportunisticTLS: false,
        tls: verifiedTls(extraTls, account.smtp.pinnedCertificate),
      };
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
  if (credentials?.kind === 'oauth2') {
    // A bare access token: nodemailer cannot refresh it, SmtpSender does (once) after a refusal.
    options.auth = { type: 'OAuth2', user: credentials.user || account.smtp.user, accessToken: credentials.accessToken };
    options.authMethod = 'XOAUTH2';
    options.forceAuth = true;
  } else if (credentials) {
    options.auth = { user: credentials.user || account.smtp.user, pass: credentials.password };
    if (account.smtp.authMethod !== 'auto') options.authMethod = account.smtp.authMethod;
    // Sign in even when EHLO does not list AUTH, so "AUTH not offered" surfaces as the server's reply
    // instead of an unauthenticated send.
    options.forceAuth = true;
  }
  return options;
}

/**
 * Everything a pool depends on, as one string: a change of server, security, pinned certificate, user,
 * password or access token gives a different one, so the account gets a new pool (a refreshed token
 * signs in on new connections). Compared on every send, hashed only for a new pool.
 */
export function poolSettings(account: AccountProfile, credentials: Credentials | null): string {
  const { host, port, security: mode, insecure, user, authMethod, pinnedCertificate } = account.smtp;
  const secret = credentials === null ? null : credentials.kind === 'oauth2' ? `oauth2:${credentials.accessToken}` : credentials.password;
  return JSON.stringify([
    host,
    port,
    mode,
    insecure,
    user,
    authMethod,
    pinnedCertificate?.fingerprint256 ?? null,
    credentials?.user ?? null,
    secret,
  ]);
}

/** A pool's name for logs: the account id and a hash of its settings (never the settings themselves). */
export function poolKey(accountId: string, settings: string): string {
  return `${accountId}:${createHash('sha256').update(settings).digest('base64url').slice(0, 12)}`;
}

/** The forms a password or token could take on the wire (plain, and base64 as AUTH PLAIN, LOGIN and XOAUTH2 send it). */
export function secretForms(credentials: Credentials | null): string[] {
  if (credentials?.kind === 'oauth2') {
    if (!credentials.accessToken) return [];
    return [credentials.accessToken, xoauth2String(credentials.user, credentials.accessToken)];
  }
  if (!credentials?.password) return [];
  const { user, password } = credentials;
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  return [password, b64(password), b64(`\u0000${user}\u0000${password}`), b64(`${user}\u0000${user}\u0000${password}`)];
}
