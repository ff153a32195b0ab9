// The engine's SMTP sender and Sent-copy writer for the `outbox` command, loaded on their first use:
// `send --queue-only`, `queue` or `show` never send, so they never load nodemailer or imapflow
// (the build puts each in its own chunk). Once loaded, each behaves exactly as the real one.
import type { AccountStore } from '../core/accounts/account-store';
import type { Logger, MessageSender, SecretStore, SendRequest, SendResult, SentCopyRequest, SentCopyResult, SentCopyWriter } from '../core/ports';

export class LazySmtpSender implements MessageSender {
  private sender: Promise<MessageSender> | undefined;
  private loaded: MessageSender | undefined;

  constructor(private readonly logger: Logger) {}

  send(request: SendRequest): Promise<SendResult> {
    this.sender ??= import('../core/smtp/smtp-sender').then(({ SmtpSender }) => (this.loaded = new SmtpSender({ logger: this.logger })));
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

export function lazySentCopyWriter(accounts: Pick<AccountStore, 'credentials' | 'get' | 'update'>, secrets: SecretStore, logger: Logger): SentCopyWriter {
  let writer: Promise<SentCopyWriter> | undefined;
  return {
    append(request: SentCopyRequest): Promise<SentCopyResult> {
      writer ??= import('../core/imap/sent-copy-writer').then(({ createSentCopyWriter }) => createSentCopyWriter(accounts, secrets, logger));
      return writer.then((w) => w.append(request));
    },
    // Logs out the IMAP connection kept open between copies, if one was ever opened.
    async close(): Promise<void> {
      if (writer) await (await writer).close?.();
    },
  };
}
