// After a crash caught a message mid-send: does the account's Sent folder already hold it? Gmail and
// Microsoft 365 file every message they accept over SMTP there themselves, so a hit means it went out.
import tls from 'node:tls';
import { ImapFlow } from 'imapflow';
import type { AccountProfile } from '../../shared/account';
import { silentLogger, type Logger } from '../ports';
import { limitsOf } from '../providers/sending-profiles';
import { IMAP_DESKTOP_TIMEOUTS, type ImapCredentials, type ImapTimeouts } from './imap-settings';
import { findSentFolder } from './sent-folder';
import { named } from '../logging';

/** true: found (it went out); false: not there; null: could not tell (no IMAP, a failure): send as before. */
export type SentSearch = (account: AccountProfile, messageId: string) => Promise<boolean | null>;

export interface SentSearchDeps {
  credentials(account: AccountProfile): Promise<ImapCredentials>;
  /** Whether the account's server files its own copy of what it accepts (default: its provider's profile says). */
  filesOwnCopy?(account: AccountProfile): boolean;
  tls?: tls.ConnectionOptions;
  timeouts?: Partial<ImapTimeouts>;
  logger?: Logger;
}

export function createSentSearch(deps: SentSearchDeps): SentSearch {
  const logger = deps.logger ?? silentLogger;
  const filesOwnCopy = deps.filesOwnCopy ?? ((account: AccountProfile) => limitsOf(account).filesSentCopy);
  return async (account, messageId) => {
    const imap = account.imap;
    if (!imap || !filesOwnCopy(account) || (imap.security === 'none' && !imap.insecure)) return null;
    const id = `<${messageId.trim().replace(/^</, '').replace(/>$/, '')}>`;
    const timeouts = { ...IMAP_DESKTOP_TIMEOUTS, ...deps.timeouts };
    let client: ImapFlow | undefined;
    try {
      const credentials = await deps.credentials(account);
      const pinned = imap.pinnedCertificate;
      const tlsOptions: tls.ConnectionOptions = {
        ...deps.tls,
        ...(pinned ? { ca: [...(deps.tls?.ca ? [deps.tls.ca].flat() : tls.rootCertificates), pinned.pem] } : {}),
        rejectUnauthorized: true,
      };
      client = new ImapFlow({
        host: imap.host,
        port: imap.port,
        secure: imap.security === 'tls',
        doSTARTTLS: imap.security === 'starttls' ? true : imap.security === 'none' ? false : undefined,
        tls: tlsOptions,
        auth:
          credentials.kind === 'password'
            ? { user: credentials.user, pass: credentials.password }
            : { user: credentials.user, accessToken: credentials.accessToken },
        logger: false,
        disableAutoIdle: true,
        connectionTimeout: timeouts.connection,
        greetingTimeout: timeouts.greeting,
        socketTimeout: timeouts.socket,
      });
      client.on('error', () => undefined);
      await client.connect();
      const folder = account.sentCopy.folder ?? (await findSentFolder(client));
      const path = typeof folder === 'string' ? folder : folder.found ? folder.path : undefined;
      if (!path) return null;
      const lock = await client.getMailboxLock(path, { readOnly: true });
      try {
        const hits = await client.search({ header: { 'message-id': id } }, { uid: true });
        return Array.isArray(hits) ? hits.length > 0 : null;
      } finally {
        lock.release();
      }
    } catch (error) {
      named(logger, 'imap').warn(
        `${account.id}: could not look in the Sent folder for ${id}: ${error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    } finally {
      await client?.logout().catch(() => client?.close());
    }
  };
}
