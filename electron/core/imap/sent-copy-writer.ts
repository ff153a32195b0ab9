// The engine's SentCopyWriter over IMAP: resolves an account's IMAP settings and login, saves the copy,
// remembers the Sent folder it found, and says whether a failure is worth another try.
import tls from 'node:tls';
import type { AccountProfile } from '../../shared/account';
import { AppError, toErrorInfo } from '../../shared/errors';
import { silentLogger, type Logger, type SecretStore, type SentCopyRequest, type SentCopyResult, type SentCopyWriter } from '../ports';
import type { ImapCredentials, ImapTimeouts } from './imap-settings';
import { appendSentCopy } from './sent-copy';
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

export class ImapSentCopyWriter implements SentCopyWriter {
  private readonly logger: Logger;

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
    const result = await appendSentCopy({
      settings: { host: imap.host, port: imap.port, security: imap.security, insecure: imap.insecure, user: imap.user ?? credentials.user },
      credentials,
      messageId: request.messageId,
      bytes: await request.openMessage().then((stream) => () => stream),
      size: request.size,
      ...(folder ? { folder } : {}),
      tls: tlsOptions,
      ...(this.deps.timeouts ? { timeouts: this.deps.timeouts } : {}),
    });
    if (result.outcome === 'failed') {
      const error = result.error ?? new AppError('IMAP_UNAVAILABLE', { detail: result.kind ?? 'unknown' }).toInfo();
      named(this.logger, 'sent-copy').warn(`${account.id}: ${error.code}${result.reply ? ` ${result.reply}` : ''}`);
      return { outcome: error.retryable ? 'temporary' : 'permanent', error, ...(result.folder ? { folder: result.folder } : {}) };
    }
    const saved = result.folder ?? folder ?? '';
    if (saved && saved !== account.sentCopy.folder) await this.deps.rememberFolder?.(account.id, saved).catch(() => {});
    return { outcome: result.outcome, folder: saved };
  }
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
