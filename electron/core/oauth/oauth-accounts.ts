// Adding an account that signs in with OAuth, and signing it in again after the provider revoked the
// grant: one flow for the `outbox` command and the app. The browser sign-in comes first, so nothing is
// saved when it fails; tokens go to the keychain only.
import { newAccountSchema, type AccountProfile, type NewAccount } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { AccountStore } from '../accounts/account-store';
import type { SecretStore, Logger } from '../ports';
import { signIn, type SignInOptions } from './authorize';
import { resolveClientId, resolveClientSecret, scopesFor, type OAuthProvider } from './providers';
import { OAuthTokenStore } from './token-store';

export interface OAuthFlowDeps {
  accounts: Pick<AccountStore, 'add' | 'remove' | 'setStatus'>;
  secrets: SecretStore;
  openBrowser: SignInOptions['openBrowser'];
  logger?: Logger;
  /** Test seams: another fetch, a shorter wait. */
  signInOptions?: Partial<Pick<SignInOptions, 'fetch' | 'timeoutMs' | 'tokenTimeoutMs' | 'signal'>>;
}

function clientIdFor(provider: OAuthProvider, override: string | undefined): string {
  const clientId = resolveClientId(provider.id, override);
  if (!clientId) {
    throw new AppError('VALIDATION', {
      message: `This copy of Outbox has no OAuth client id for ${provider.name}.`,
      next: "Give your app registration's client id (--client-id with 'outbox account add', or in the account settings), or add the account with an app password.",
    });
  }
  return clientId;
}

interface SignInFor {
  clientId: string;
  /** The account's own client secret (kept in its keychain record, never in accounts.json). */
  ownSecret?: string;
  /** Whether the account reads its mailbox over IMAP (Microsoft asks a separate consent for it). */
  imap: boolean;
}

type SignedIn = Awaited<ReturnType<typeof signIn>>;

async function signInAndKeep(
  deps: OAuthFlowDeps,
  provider: OAuthProvider,
  who: SignInFor,
  email: string,
  save: (store: OAuthTokenStore, tokens: SignedIn) => Promise<void>,
): Promise<void> {
  const clientSecret = resolveClientSecret(provider, { clientId: who.clientId, clientSecret: who.ownSecret ?? null });
  const tokens = await signIn({
    provider,
    clientId: who.clientId,
    ...(clientSecret ? { clientSecret } : {}),
    scopes: scopesFor(provider, { imap: who.imap }),
    loginHint: email,
    openBrowser: deps.openBrowser,
    ...deps.signInOptions,
  });
  await save(new OAuthTokenStore({ secrets: deps.secrets, ...(deps.logger ? { logger: deps.logger } : {}) }), tokens);
}

function tokenRecord(provider: OAuthProvider, who: SignInFor, tokens: SignedIn) {
  return {
    providerId: provider.id,
    clientId: who.clientId,
    ...(who.ownSecret ? { clientSecret: who.ownSecret } : {}),
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: tokens.expiresAt,
    requested: tokens.requested,
    ...(tokens.scope === undefined ? {} : { scope: tokens.scope }),
  };
}

/** Signs in in the browser, then adds the account with the provider's servers and keeps its tokens. */
export async function addOAuthAccount(
  deps: OAuthFlowDeps,
  request: { name: string; email: string; provider: OAuthProvider; clientId?: string; clientSecret?: string },
): Promise<AccountProfile> {
  const { provider } = request;
  const clientId = clientIdFor(provider, request.clientId);
  const ownSecret = request.clientSecret?.trim();
  const who: SignInFor = { clientId, ...(ownSecret ? { ownSecret } : {}), imap: false };
  const input: NewAccount = {
    name: request.name,
    email: request.email,
    smtp: { ...provider.smtp, insecure: false, user: request.email, authMethod: 'auto' },
    imap: { ...provider.imap, insecure: false, separateSecret: false },
    // Gmail and Microsoft 365 file submitted mail in Sent themselves: a copy of ours would be a duplicate.
    sentCopy: { enabled: false },
    signIn: { kind: 'oauth2', provider: provider.id, ...(request.clientId ? { clientId: request.clientId } : {}) },
  };
  const parsed = newAccountSchema().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError('VALIDATION', { message: `${issue.path.join('.') || 'The account'}: ${issue.message}.` });
  }
  let added: AccountProfile | undefined;
  await signInAndKeep(deps, provider, who, request.email, async (store, tokens) => {
    added = await deps.accounts.add(parsed.data);
    try {
      await store.save(added.id, tokenRecord(provider, who, tokens));
    } catch (error) {
      // An account without its tokens could never send: take it out again.
      await deps.accounts.remove(added.id).catch(() => undefined);
      throw error;
    }
  });
  return added!;
}

/** Signs an OAuth account in again (after a revoked or expired grant) and marks it ok. */
export async function signInAgain(deps: OAuthFlowDeps, account: AccountProfile, provider: OAuthProvider): Promise<AccountProfile> {
  if (account.signIn.kind !== 'oauth2') {
    throw new AppError('VALIDATION', {
      message: `Account ${account.id} signs in with a password.`,
      next: 'Enter the password again instead.',
    });
  }
  const clientId = clientIdFor(provider, account.signIn.clientId);
  // The account's own client secret, from its keychain record, is kept across sign-ins.
  const before = await new OAuthTokenStore({ secrets: deps.secrets }).load(account.id).catch(() => null);
  const ownSecret = before?.clientId === clientId ? before.clientSecret : undefined;
  const who: SignInFor = { clientId, ...(ownSecret ? { ownSecret } : {}), imap: account.sentCopy.enabled };
  await signInAndKeep(deps, provider, who, account.email, (store, tokens) => store.save(account.id, tokenRecord(provider, who, tokens)));
  return deps.accounts.setStatus(account.id, 'ok');
}
