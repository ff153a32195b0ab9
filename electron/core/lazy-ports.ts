// The engine's SMTP sender, Sent-copy writer and the accounts' OAuth tokens, loaded on their first use: a
// queue-only `outbox send`, `queue` or `show` never sends, so it never loads nodemailer, imapflow or the token
// endpoint (the CLI build puts each in its own chunk). Once loaded, each behaves exactly as the real one.
import type { AccountStore, OAuthAccessTokens } from './accounts/account-store';
import type { Logger, MessageSender, SecretStore, SendRequest, SendResult, SentCopyRequest, SentCopyResult, SentCopyWriter } from './ports';

export class LazySmtpSender implements MessageSender {
  private sender: Promise<MessageSender> | undefined;
  private loaded: MessageSender | undefined;

  constructor(private readonly logger: Logger) {}

  send(request: SendRequest): Promise<SendResult> {
    this.sender ??= import('./smtp/smtp-sender').then(({ SmtpSender }) => (this.loaded = new SmtpSender({ logger: this.logger })));
    return this.sender.then((sender) => sender.send(request));
  }

  /** Nothing is pooled before the first send. */
  reset(accountId?: string): void {
    this.loaded?.reset(accountId);
  }

  async close(): Promise<void> {
    if (this.sender) await (await this.sender).close();
  }
}

export function lazySentCopyWriter(
  accounts: Pick<AccountStore, 'credentials' | 'get' | 'update'>,
  secrets: SecretStore,
  logger: Logger,
): SentCopyWriter {
  let writer: Promise<SentCopyWriter> | undefined;
  return {
    append(request: SentCopyRequest): Promise<SentCopyResult> {
      writer ??= import('./imap/sent-copy-writer').then(({ createSentCopyWriter }) => createSentCopyWriter(accounts, secrets, logger));
      return writer.then((w) => w.append(request));
    },
    // Logs out the IMAP connection kept open between copies, if one was ever opened.
    async close(): Promise<void> {
      if (writer) await (await writer).close?.();
    },
  };
}

/** One OAuthTokenStore, made when an OAuth2 account first needs an access token (it keeps them in memory). */
export function lazyOAuthTokens(secrets: SecretStore, logger: Logger): OAuthAccessTokens {
  let store: Promise<OAuthAccessTokens> | undefined;
  return {
    accessTokenFor(accountId, options) {
      store ??= import('./oauth/token-store').then(({ OAuthTokenStore }) => new OAuthTokenStore({ secrets, logger }));
      return store.then((tokens) => tokens.accessTokenFor(accountId, options));
    },
  };
}
