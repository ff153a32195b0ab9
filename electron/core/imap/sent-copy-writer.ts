// The engine's SentCopyWriter over IMAP: resolves an account's IMAP settings and login, saves the copy over
// one connection per account kept open for a batch (closed after a moment idle), remembers the Sent folder
// it found, and says whether a failure is worth another try.
import tls from 'node:tls';
import type { AccountProfile } from '../../shared/account';
import { AppError, toErrorInfo } from '../../shared/errors';
import { silentLogger, type Logger, type SecretStore, type SentCopyRequest, type SentCopyResult, type SentCopyWriter } from '../ports';
import { imapSecretForms, type ImapCredentials, type ImapTimeouts } from './imap-settings';
import { redactDeep } from '../smtp/smtp-transcript';
import { SentCopySession } from './sent-copy';
import { createHash } from 'node:crypto';
import { createImapCredentials } from './imap-credentials';
import type { AccountStore } from '../accounts/account-store';
import { named } from '../logging';

export interface ImapSentCopyWriterDeps {
  /** The IMAP login: the SMTP one unless the account keeps a separate IMAP secret. */
  credentials(account: AccountProfile): Promise<ImapCredentials>;
  /** Remembers the folder found for an account, so later copies go straight there. */
  rememberFolder?(accountId: string, folder: string): Promise<void>;
  /** Extra TLS options such as a private `ca` (tests); verification stays on. */
  tls?: tls.ConnectionOptions;
  timeouts?: Partial<ImapTimeouts>;
  logger?: Logger;
}

/** A session left idle this long logs out; the next copy logs in again. */
export const SESSION_IDLE_MS = 10_000;

interface OpenSession {
  /** The settings and login it was opened with: a change opens a new one. */
  key: string;
  session: SentCopySession;
  users: number;
  idle: NodeJS.Timeout | null;
}

export class ImapSentCopyWriter implements SentCopyWriter {
  private readonly logger: Logger;
  private readonly sessions = new Map<string, OpenSession>();

  constructor(private readonly deps: ImapSentCopyWriterDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  async append(request: SentCopyRequest): Promise<SentCopyResult> {
    const { account } = request;
    const imap = account.imap;
    if (!imap) {
      return {
        outcome: 'permanent',
        error: new AppError('IMAP_UNAVAILABLE', {
          message: 'The account has no IMAP server, so no copy can be saved in Sent.',
          next: 'Add the IMAP server in the account settings, or turn the Sent copy off.',
          retryable: false,
        }).toInfo(),
      };
    }
    let credentials: ImapCredentials;
    try {
      credentials = await this.deps.credentials(account);
    } catch (error) {
      const info = toErrorInfo(error);
      // A locked keychain or a provider hiccup passes; a missing password does not.
      const passes = info.retryable || info.code === 'KEYCHAIN_UNAVAILABLE';
      return { outcome: passes ? 'temporary' : 'permanent', error: info };
    }
    const pinned = imap.pinnedCertificate;
    const tlsOptions: tls.ConnectionOptions = {
      ...this.deps.tls,
      // The one certificate the user chose to trust for this server, beside the usual roots.
      ...(pinned ? { ca: [...(this.deps.tls?.ca ? [this.deps.tls.ca].flat() : tls.rootCertificates), pinned.pem] } : {}),
    };
    const folder = request.folder ?? account.sentCopy.folder;
    const settings = {
      host: imap.host,
      port: imap.port,
      security: imap.security,
      insecure: imap.insecure,
      user: imap.user ?? credentials.user,
    };
    const key = sessionKey(settings, credentials, pinned?.fingerprint256);
    const open = this.sessionFor(
      account.id,
      key,
      () =>
        new SentCopySession({ settings, credentials, tls: tlsOptions, ...(this.deps.timeouts ? { timeouts: this.deps.timeouts } : {}) }),
    );
    let result;
    try {
      result = await open.session.append({
        messageId: request.messageId,
        bytes: await request.openMessage().then((stream) => () => stream),
        size: request.size,
        ...(folder ? { folder } : {}),
      });
    } finally {
      this.release(account.id, open);
    }
    if (result.outcome === 'failed') {
      // A server that echoes the login in its NO reply must not get the password into the journal.
      const error = redactDeep(
        result.error ?? new AppError('IMAP_UNAVAILABLE', { detail: result.kind ?? 'unknown' }).toInfo(),
        imapSecretForms(credentials),
      );
      named(this.logger, 'sent-copy').warn(`${account.id}: ${error.code}${error.reply ? ` ${error.reply}` : ''}`);
      return { outcome: error.retryable ? 'temporary' : 'permanent', error, ...(result.folder ? { folder: result.folder } : {}) };
    }
    const saved = result.folder ?? folder ?? '';
    if (saved && saved !== account.sentCopy.folder) await this.deps.rememberFolder?.(account.id, saved).catch(() => {});
    return { outcome: result.outcome, folder: saved };
  }

  /** Logs every open session out (the engine is stopping). */
  async close(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(open.map((o) => this.shut(o)));
  }

  private sessionFor(accountId: string, key: string, create: () => SentCopySession): OpenSession {
    let open = this.sessions.get(accountId);
    if (open && (open.key !== key || open.session.broken)) {
      this.sessions.delete(accountId);
      void this.shut(open);
      open = undefined;
    }
    if (!open) {
      open = { key, session: create(), users: 0, idle: null };
      this.sessions.set(accountId, open);
    }
    if (open.idle) clearTimeout(open.idle);
    open.idle = null;
    open.users++;
    return open;
  }

  private release(accountId: string, open: OpenSession): void {
    open.users--;
    if (open.session.broken) {
      if (this.sessions.get(accountId) === open) this.sessions.delete(accountId);
      if (open.users === 0) void this.shut(open);
      return;
    }
    if (open.users > 0) return;
    open.idle = setTimeout(() => {
      if (this.sessions.get(accountId) === open) this.sessions.delete(accountId);
      void this.shut(open);
    }, SESSION_IDLE_MS);
    // An idle IMAP connection must not keep the command (or a test) running.
    open.idle.unref?.();
  }

  private async shut(open: OpenSession): Promise<void> {
    if (open.idle) clearTimeout(open.idle);
    open.idle = null;
    await open.session.close().catch(() => undefined);
  }
}

/** What makes a session reusable for the next copy: the same server, user and secret (hashed, never kept as text). */
function sessionKey(settings: object, credentials: ImapCredentials, pinned: string | undefined): string {
  const secret = credentials.kind === 'password' ? credentials.password : credentials.accessToken;
  return JSON.stringify([
    settings,
    credentials.kind,
    credentials.user,
    pinned ?? null,
    createHash('sha256').update(secret).digest('base64url'),
  ]);
}

/** The writer as the app and the command build it: logins from the account store, folders remembered in it. */
export function createSentCopyWriter(
  accounts: Pick<AccountStore, 'credentials' | 'get' | 'update'>,
  secrets: SecretStore,
  logger?: Logger,
): ImapSentCopyWriter {
  return new ImapSentCopyWriter({
    credentials: createImapCredentials({ accountCredentials: (id) => accounts.credentials(id), secrets }),
    rememberFolder: async (id, folder) => {
      const account = await accounts.get(id);
      if (account) await accounts.update(id, { sentCopy: { ...account.sentCopy, folder } });
    },
    ...(logger ? { logger } : {}),
  });
}
