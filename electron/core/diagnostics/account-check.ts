// The connection test for one account: SMTP and, when configured, IMAP, checked side by side with the
// account's own settings and pinned certificates; and the probe behind "trust this one certificate".
import type tls from 'node:tls';
import type { AccountProfile, PinnedCertificate } from '../../shared/account';
import { AppError, isAppError, type ErrorCode } from '../../shared/errors';
import type { AccountStore } from '../accounts/account-store';
import { createImapCredentials } from '../imap/imap-credentials';
import type { ImapCredentials } from '../imap/imap-settings';
import type { Credentials, SecretStore } from '../ports';
import type { CertificateInfo, ConnectionReport } from './connection-report';
import { checkImap, type ImapReport } from './imap-check';
import { checkSmtp, type CheckTimeouts, type Resolver } from './smtp-check';
import { normalizeFingerprint } from './tls-probe';

export type ServerKind = 'smtp' | 'imap';

/** How to connect: the same for a full check and for the certificate probe. */
export interface ConnectOptions {
  /** Extra TLS options such as `ca`; they cannot switch verification off. */
  tls?: tls.ConnectionOptions;
  timeouts?: Partial<CheckTimeouts>;
  resolver?: Resolver;
}

export interface AccountCheckOptions extends ConnectOptions {
  /** The SMTP login; null for a relay without one. */
  credentials: Credentials | null;
  /** The IMAP login; absent: the SMTP one with the IMAP user name. */
  imapCredentials?: ImapCredentials | null;
}

export interface AccountReport {
  /** Every check passed. */
  ok: boolean;
  smtp: ConnectionReport;
  /** Present when the account has IMAP settings. */
  imap?: ImapReport;
}

function imapLogin(account: AccountProfile, options: AccountCheckOptions): ImapCredentials | null {
  if (options.imapCredentials !== undefined) return options.imapCredentials;
  const smtp = options.credentials;
  if (!smtp) return null;
  const user = account.imap?.user || smtp.user || account.smtp.user;
  return smtp.kind === 'oauth2'
    ? { kind: 'oauth2', user, accessToken: smtp.accessToken }
    : { kind: 'password', user, password: smtp.password };
}

function runSmtp(account: AccountProfile, options: ConnectOptions, credentials: Credentials | null): Promise<ConnectionReport> {
  const { smtp } = account;
  return checkSmtp({
    host: smtp.host,
    port: smtp.port,
    security: smtp.security,
    insecure: smtp.insecure,
    user: smtp.user,
    authMethod: smtp.authMethod,
    credentials,
    ...(smtp.pinnedCertificate ? { pinnedFingerprint: smtp.pinnedCertificate.fingerprint256 } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
}

function runImap(account: AccountProfile, options: ConnectOptions, credentials: ImapCredentials | null): Promise<ImapReport> | undefined {
  const imap = account.imap;
  if (!imap) return undefined;
  return checkImap({
    host: imap.host,
    port: imap.port,
    security: imap.security,
    insecure: imap.insecure,
    credentials,
    ...(account.sentCopy.folder ? { folder: account.sentCopy.folder } : {}),
    ...(imap.pinnedCertificate ? { pinnedFingerprint: imap.pinnedCertificate.fingerprint256 } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    ...(options.resolver ? { resolver: options.resolver } : {}),
  });
}

/** Checks SMTP and IMAP at the same time; failures are in the reports, never thrown. */
export async function checkAccount(account: AccountProfile, options: AccountCheckOptions): Promise<AccountReport> {
  const [smtp, imap] = await Promise.all([
    runSmtp(account, options, options.credentials),
    runImap(account, options, imapLogin(account, options)),
  ]);
  const report: AccountReport = { ok: smtp.ok && (imap?.ok ?? true), smtp };
  if (imap) report.imap = imap;
  return report;
}

/** The first failure's catalogue code (SMTP before IMAP), or null when everything passed. */
export function failedCode(report: AccountReport): ErrorCode | null {
  return report.smtp.verdict?.code ?? report.imap?.verdict?.code ?? null;
}

/**
 * Connects to the account's SMTP or IMAP server without signing in and returns the certificate to pin, but
 * only when it is exactly the one the user named by fingerprint; anything else throws and nothing is trusted.
 */
export async function certificateToTrust(
  account: AccountProfile,
  server: ServerKind,
  fingerprint: string,
  options: ConnectOptions = {},
): Promise<PinnedCertificate> {
  const tlsCode: ErrorCode = server === 'smtp' ? 'SMTP_TLS' : 'IMAP_TLS';
  const settings = server === 'smtp' ? account.smtp : account.imap;
  if (!settings) {
    throw new AppError('VALIDATION', {
      message: `Account "${account.id}" has no IMAP settings, so there is no IMAP certificate to trust.`,
      next: 'Add the IMAP settings first, or leave out --imap.',
    });
  }
  if (settings.security === 'none') {
    throw new AppError(tlsCode, {
      message: `The ${server.toUpperCase()} connection of account "${account.id}" is not encrypted, so it has no certificate to trust.`,
      next: 'Set the security to TLS or STARTTLS first.',
    });
  }
  const wanted = normalizeFingerprint(fingerprint);
  if (wanted.length !== 64) {
    throw new AppError('VALIDATION', {
      message: 'A SHA-256 fingerprint is 32 bytes: 64 hex digits, usually written in pairs separated by colons.',
      next: "Copy the fingerprint 'outbox account test' printed.",
    });
  }
  const probe = { ...account, sentCopy: { enabled: false } } as AccountProfile;
  const cert: CertificateInfo | undefined =
    server === 'smtp' ? (await runSmtp(probe, options, null)).certificate : (await runImap(probe, options, null))?.certificate;
  if (!cert) {
    throw new AppError(tlsCode, {
      message: `No certificate could be read from ${settings.host}:${settings.port}; nothing was trusted.`,
      next: "Run 'outbox account test' to see why the connection fails.",
    });
  }
  if (normalizeFingerprint(cert.fingerprint256) !== wanted) {
    throw new AppError(tlsCode, {
      message: `The server at ${settings.host}:${settings.port} presents a certificate with SHA-256 fingerprint ${cert.fingerprint256}, not the one given; nothing was trusted.`,
      next: 'Compare the fingerprint with the one your server administrator gave you. A different certificate may mean someone is intercepting the connection.',
    });
  }
  // A pin vouches for who the server is, never for a certificate past its dates (see certificateVerdict).
  if (Date.parse(cert.validTo) < Date.now() || Date.parse(cert.validFrom) > Date.now()) {
    throw new AppError(tlsCode, {
      message: `The certificate at ${settings.host}:${settings.port} is valid only from ${cert.validFrom} to ${cert.validTo}; trusting it would not help.`,
      next: "Ask the server's administrator to renew the certificate.",
    });
  }
  return { fingerprint256: cert.fingerprint256, pem: cert.pem };
}

/** A report as the CLI and the settings screen get it: the checks, and notes on what could not be checked. */
export interface AccountTestResult extends AccountReport {
  account: string;
  notes: string[];
}

export interface AccountDiagnostics {
  /** Tests the account's servers; throws only when the account or its SMTP password cannot be found. */
  test(id: string): Promise<AccountTestResult>;
  /** Pins the certificate the server presents, if it has exactly this fingerprint; returns the updated profile. */
  trust(id: string, fingerprint: string, server: ServerKind): Promise<AccountProfile>;
}

export interface AccountDiagnosticsDeps {
  accounts: Pick<AccountStore, 'get' | 'credentials' | 'update'>;
  /** The keychain, for an IMAP password of its own; without it such a login is not checked. */
  secrets?: SecretStore;
  connect?: ConnectOptions;
}

/** The connection test and the certificate pin as one service, shared by the `outbox` command and the window. */
export function createAccountDiagnostics({ accounts, secrets, connect = {} }: AccountDiagnosticsDeps): AccountDiagnostics {
  const find = async (id: string): Promise<AccountProfile> => {
    const account = await accounts.get(id);
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND', { message: `There is no account with id "${id}".` });
    return account;
  };
  const noSecrets: SecretStore = {
    get: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
    set: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
    delete: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
  };
  const imapLogin = createImapCredentials({ accountCredentials: (id) => accounts.credentials(id), secrets: secrets ?? noSecrets });

  return {
    async test(id) {
      const account = await find(id);
      const credentials = await accounts.credentials(id);
      const notes: string[] = [];
      let imapCredentials: ImapCredentials | null | undefined;
      if (account.imap) {
        try {
          imapCredentials = await imapLogin(account);
        } catch (error) {
          if (!isAppError(error)) throw error;
          // The rest of IMAP (connection, TLS, capabilities) is still worth checking.
          notes.push(`IMAP login not checked: ${error.message}`);
          imapCredentials = null;
        }
      }
      const report = await checkAccount(account, {
        ...connect,
        credentials,
        ...(imapCredentials !== undefined ? { imapCredentials } : {}),
      });
      return { account: id, ...report, notes };
    },
    async trust(id, fingerprint, server) {
      const account = await find(id);
      const pinned = await certificateToTrust(account, server, fingerprint, connect);
      if (server === 'imap') return accounts.update(id, { imap: { pinnedCertificate: pinned } });
      return accounts.update(id, { smtp: { pinnedCertificate: pinned } });
    },
  };
}
