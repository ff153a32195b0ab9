// The IMAP login of an account: by default the SMTP one (password or OAuth token), with the IMAP user
// name when it differs; or a password of its own, kept in the keychain under "<account id>:imap".
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { Credentials, SecretStore } from '../ports';
import type { ImapCredentials } from './imap-settings';

export function imapSecretKey(accountId: string): string {
  return `${accountId}:imap`;
}

export function createImapCredentials(deps: {
  accountCredentials(accountId: string): Promise<Credentials | null>;
  secrets: SecretStore;
}): (account: AccountProfile) => Promise<ImapCredentials> {
  return async (account) => {
    const user = account.imap?.user;
    if (account.imap?.separateSecret) {
      const password = await deps.secrets.get(imapSecretKey(account.id));
      if (password === null) {
        throw new AppError('SECRET_MISSING', { message: `The IMAP password of account "${account.name}" is not in the system keychain.` });
      }
      return { kind: 'password', user: user ?? account.smtp.user, password };
    }
    const smtp = await deps.accountCredentials(account.id);
    if (!smtp) {
      throw new AppError('SECRET_MISSING', {
        message: `Account "${account.name}" has no sign-in for IMAP.`,
        next: 'Enter the user name and password in the account settings, or turn the Sent copy off.',
      });
    }
    return smtp.kind === 'oauth2'
      ? { kind: 'oauth2', user: user ?? smtp.user, accessToken: smtp.accessToken }
      : { kind: 'password', user: user ?? smtp.user, password: smtp.password };
  };
}
