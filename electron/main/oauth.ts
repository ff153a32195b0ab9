// The app's OAuth sign-in: the shared core flow, with the OS browser opened through window.ts's validated openExternal
// (never an embedded web view) and only the provider's own https sign-in page ever opened.
import type { AccountStore } from '../core/accounts/account-store';
import { addOAuthAccount, signInAgain } from '../core/oauth/oauth-accounts';
import { getProvider, type OAuthProvider } from '../core/oauth/providers';
import type { Logger, SecretStore } from '../core/ports';
import { AppError } from '../shared/errors';
import type { OAuthSignIn } from './channels';
import { openExternalSafely } from './window';

function providerOf(id: string | undefined): OAuthProvider {
  const provider = id ? getProvider(id) : undefined;
  if (!provider)
    throw new AppError('VALIDATION', {
      message: `Outbox does not know the sign-in provider "${id ?? ''}".`,
      next: 'Choose Google or Microsoft, or use an app password.',
    });
  return provider;
}

export function createOAuthSignIn(accounts: AccountStore, secrets: SecretStore, logger: Logger): OAuthSignIn {
  const deps = {
    accounts,
    secrets,
    logger,
    openBrowser: async (url: string) => {
      // The app's one door to the OS browser (window.ts) checks the URL again; sign-in pages must be https.
      if (!url.startsWith('https://') || !(await openExternalSafely(url))) {
        throw new AppError('VALIDATION', { message: 'The sign-in page is not an https address, so it was not opened.' });
      }
    },
  };
  return {
    add: (request) =>
      addOAuthAccount(deps, {
        name: request.name,
        email: request.email,
        provider: providerOf(request.provider),
        ...(request.clientId ? { clientId: request.clientId } : {}),
        ...(request.clientSecret ? { clientSecret: request.clientSecret } : {}),
      }),
    async signInAgain(id) {
      const account = await accounts.get(id);
      if (!account) throw new AppError('ACCOUNT_NOT_FOUND');
      return signInAgain(deps, account, providerOf(account.signIn.provider));
    },
  };
}
