// Putting an account right after its sign-in failed, or changing how its sent mail is filed: a new
// password, a new OAuth sign-in, the Sent folder. Held messages then leave (told to whichever process sends).
import type { AccountProfile, SendingLimitsOverride } from '../../shared/account';
import { DEFAULT_PROFILE, limitsOf } from '../../core/providers/sending-profiles';
import { AppError } from '../../shared/errors';
import { imapSecretKey } from '../../core/imap/imap-credentials';
import { signInAgain } from '../../core/oauth/oauth-accounts';
import { isProviderId } from '../../core/oauth/providers';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { note, out, readAll } from '../io';
import { oauthProvider, openBrowser, stripNewline } from './account';

/** The engine releases the account's held messages: here if this process sends, else in the one that does. */
async function accountFixed(ctx: CliContext, before: AccountProfile, after: AccountProfile): Promise<void> {
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  engine.accountChanged(after);
  if (before.status !== 'ok' && after.status === 'ok') {
    note(
      ctx.io,
      engine.role === 'sender'
        ? `messages held for ${after.id} are queued again; they leave with 'outbox flush' or when the app runs.`
        : `messages held for ${after.id} are queued again in the Outbox process that is running.`,
    );
  }
}

/** `outbox account password ID --password-stdin [--imap]` */
export async function runAccountPassword(ctx: CliContext, options: { id: string; imap: boolean }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  const password = stripNewline(await readAll(ctx.io.stdin));
  if (!password)
    throw new AppError('VALIDATION', {
      message: 'No password came in on standard input.',
      next: 'Pipe it in: printf \'%s\' "$PASSWORD" | outbox account password ID --password-stdin',
    });
  let updated: AccountProfile;
  if (options.imap) {
    if (!account.imap)
      throw new AppError('VALIDATION', { message: `Account ${account.id} has no IMAP server.`, next: 'Add the IMAP settings first.' });
    await ctx.secrets().set(imapSecretKey(account.id), password);
    updated = await ctx.accounts().update(account.id, { imap: { separateSecret: true } });
  } else {
    if (account.signIn.kind === 'oauth2')
      throw new AppError('VALIDATION', {
        message: `Account ${account.id} signs in with ${account.signIn.provider}.`,
        next: `Run 'outbox account signin ${account.id}' instead.`,
      });
    updated = await ctx.accounts().update(account.id, {}, password);
  }
  await accountFixed(ctx, account, updated);
  out(ctx.io, `Saved the ${options.imap ? 'IMAP ' : ''}password of ${account.id} in the system keychain.`);
  return EX.OK;
}

/** `outbox account signin ID`: a new OAuth sign-in in the browser, after the provider revoked the old one. */
export async function runAccountSignIn(ctx: CliContext, options: { id: string }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  const providerId = account.signIn.provider;
  if (account.signIn.kind !== 'oauth2' || !providerId || !isProviderId(providerId)) {
    throw new AppError('VALIDATION', {
      message: `Account ${account.id} signs in with a password.`,
      next: `Run 'outbox account password ${account.id} --password-stdin' instead.`,
    });
  }
  const provider = oauthProvider(ctx, { provider: providerId, ...(account.signIn.clientId ? { clientId: account.signIn.clientId } : {}) });
  const updated = await signInAgain(
    { accounts: ctx.accounts(), secrets: ctx.secrets(), openBrowser: (url) => openBrowser(ctx, url), logger: ctx.logger },
    account,
    provider,
  );
  await accountFixed(ctx, account, updated);
  out(ctx.io, `Signed ${account.id} in again.`);
  return EX.OK;
}

/** `outbox account set ID [--sent-folder NAME] [--sent-copy | --no-sent-copy]` */
export async function runAccountSet(
  ctx: CliContext,
  options: { id: string; sentFolder?: string; sentCopy?: boolean; limits?: SendingLimitsOverride },
): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  if (options.limits) {
    const updated = await ctx.accounts().update(account.id, { limits: options.limits });
    const l = limitsOf(updated);
    const profile = l.name === DEFAULT_PROFILE.name ? 'the profile for any other server' : `${l.name}'s profile`;
    const count = (n: number | null | undefined, what: string): string => (n == null ? `any number of ${what}` : `${n} ${what}`);
    out(
      ctx.io,
      `${account.id}: sends with at most ${l.maxConnections} connection${l.maxConnections === 1 ? '' : 's'}, ${count(l.messagesPerMinute, 'messages')} a minute, ${count(l.messagesPerDay, 'messages')} and ${count(l.recipientsPerDay, 'recipients')} a day, ${l.recipientsPerMessage} recipients a message (your limits over ${profile}).`,
    );
    if (options.sentCopy === undefined && options.sentFolder === undefined) return EX.OK;
  }
  const enabled = options.sentCopy ?? (options.sentFolder !== undefined ? true : account.sentCopy.enabled);
  if (enabled && !account.imap)
    throw new AppError('VALIDATION', {
      message: `Account ${account.id} has no IMAP server, so there is no Sent folder to file copies in.`,
      next: 'Add its IMAP server in the app (Accounts), or remove the account and add it again with --imap-host, --imap-port and --imap-security.',
    });
  const folder = options.sentFolder ?? account.sentCopy.folder;
  const updated = await ctx.accounts().update(account.id, { sentCopy: { enabled, ...(folder ? { folder } : {}) } });
  out(
    ctx.io,
    `${account.id}: copies of sent mail ${updated.sentCopy.enabled ? `go to ${updated.sentCopy.folder ?? 'the Sent folder Outbox finds'}` : 'are not filed by Outbox'}.`,
  );
  return EX.OK;
}
