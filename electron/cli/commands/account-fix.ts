// Putting an account right after its sign-in failed, or changing how its sent mail is filed: a new
// password, a new OAuth sign-in, the Sent folder. Held messages then leave (told to whichever process sends).
import type { AccountProfile, SendingLimitsOverride } from '../../shared/account';
import { DEFAULT_PROFILE, limitsOf, profileById, profileIds } from '../../core/providers/sending-profiles';
import { AppError } from '../../shared/errors';
import { imapSecretKey } from '../../core/imap/imap-credentials';
import { isProviderId } from '../../core/oauth/providers';
import { helpFor, type CliCommand, type HelpCommand } from '../command';
import type { CliContext } from '../context';
import { EX, UsageError } from '../exit-codes';
import { note, out, readAll, stripNewline } from '../io';
import { str, type Options } from '../parse-options';
import { parseAccountId } from './account';
import { oauthProvider, openBrowser, requireClientId } from './account-sign-in';

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
  requireClientId(provider, account.signIn.clientId);
  const { signInAgain } = await import('../../core/oauth/oauth-accounts');
  const updated = await signInAgain(
    { accounts: ctx.accounts(), secrets: ctx.secrets(), openBrowser: (url) => openBrowser(ctx, url), logger: ctx.logger },
    account,
    provider,
  );
  await accountFixed(ctx, account, updated);
  out(ctx.io, `Signed ${account.id} in again.`);
  return EX.OK;
}

/** What the account now sends with: its provider's profile (picked or matched) and the user's own limits over it. */
function limitsLine(account: AccountProfile): string {
  const l = limitsOf(account);
  const named = l.name === DEFAULT_PROFILE.name ? 'the profile for any other server' : `${l.name}'s profile (${l.profileId})`;
  const profile = account.sendingProfile ? `${named}, as set` : l.name === DEFAULT_PROFILE.name ? named : `${named}, matched by its server`;
  const count = (n: number | null | undefined, what: string): string => (n == null ? `any number of ${what}` : `${n} ${what}`);
  const own = account.limits && Object.keys(account.limits).length > 0 ? 'your limits over ' : '';
  return `${account.id}: sends with at most ${l.maxConnections} connection${l.maxConnections === 1 ? '' : 's'}, ${count(l.messagesPerMinute, 'messages')} a minute, ${count(l.messagesPerDay, 'messages')} and ${count(l.recipientsPerDay, 'recipients')} a day, ${l.recipientsPerMessage} recipients a message (${own}${profile}).`;
}

interface AccountSetOptions {
  id: string;
  sentFolder?: string;
  sentCopy?: boolean;
  limits?: SendingLimitsOverride;
  resetLimits?: boolean;
  profile?: string;
}

/** `outbox account set ID [--sent-folder NAME] [--sent-copy | --no-sent-copy] [--profile ID|auto] [--reset-limits] [limits]` */
export async function runAccountSet(ctx: CliContext, options: AccountSetOptions): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  if (options.profile !== undefined && options.profile !== 'auto' && !profileById(options.profile))
    throw new UsageError(`There is no sending profile '${options.profile}'`, `Use one of: ${[...profileIds(), 'auto'].join(', ')}.`);
  if (options.limits || options.resetLimits || options.profile !== undefined) {
    let updated = account;
    // Back to the profile's figures first, then the new ones over them: --reset-limits with limits replaces them all.
    if (options.resetLimits) updated = await ctx.accounts().update(account.id, { limits: null });
    updated = await ctx.accounts().update(account.id, {
      ...(options.limits ? { limits: options.limits } : {}),
      ...(options.profile !== undefined ? { sendingProfile: options.profile === 'auto' ? null : options.profile } : {}),
    });
    out(ctx.io, limitsLine(updated));
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

type AccountFixCommand =
  | { name: 'account-password'; id: string; imap: boolean }
  | { name: 'account-signin'; id: string }
  | ({ name: 'account-set' } & AccountSetOptions);

const OPTIONS: Readonly<Record<'password' | 'signin' | 'set', Options>> = {
  password: { 'password-stdin': { type: 'boolean' }, imap: { type: 'boolean' }, password: { type: 'string' } },
  signin: {},
  set: {
    'sent-folder': { type: 'string' },
    'sent-copy': { type: 'boolean' },
    'no-sent-copy': { type: 'boolean' },
    'max-connections': { type: 'string' },
    'per-minute': { type: 'string' },
    'per-day': { type: 'string' },
    'recipients-per-day': { type: 'string' },
    'recipients-per-message': { type: 'string' },
    'reset-limits': { type: 'boolean' },
    profile: { type: 'string' },
  },
};

/** `account password ID --password-stdin [--imap]`, `account signin ID`, `account set ID [--sent-folder F] [--sent-copy|--no-sent-copy] [limits]`. */
function parseAccountFix(
  sub: 'password' | 'signin' | 'set',
  argv: readonly string[],
): { command: AccountFixCommand | HelpCommand; dataDir?: string | undefined } {
  const line = parseAccountId(sub, argv, OPTIONS[sub]);
  if (!line) return { command: helpFor('account') };
  const { values, id, dataDir } = line;
  if (sub === 'signin') return { command: { name: 'account-signin', id }, dataDir };
  if (sub === 'password') {
    if (values.password !== undefined)
      throw new UsageError('A password on the command line would be visible to other users', 'Pipe it in with --password-stdin instead.');
    if (values['password-stdin'] !== true)
      throw new UsageError("'outbox account password' reads the password from standard input: add --password-stdin");
    return { command: { name: 'account-password', id, imap: values.imap === true }, dataDir };
  }
  if (values['sent-copy'] === true && values['no-sent-copy'] === true)
    throw new UsageError('Give either --sent-copy or --no-sent-copy, not both');
  const sentFolder = str(values['sent-folder']);
  const sentCopy = values['sent-copy'] === true ? true : values['no-sent-copy'] === true ? false : undefined;
  // The account's own sending limits over its provider's profile (a paid plan, a company relay).
  const limits: SendingLimitsOverride = {};
  const LIMIT_FLAGS = {
    'max-connections': ['maxConnections', 20],
    'per-minute': ['messagesPerMinute', 10_000],
    'per-day': ['messagesPerDay', 10_000_000],
    'recipients-per-day': ['recipientsPerDay', 10_000_000],
    'recipients-per-message': ['recipientsPerMessage', 100_000],
  } as const;
  for (const [flag, [key, max]] of Object.entries(LIMIT_FLAGS)) {
    const raw = str(values[flag]);
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < 1 || n > max)
      throw new UsageError(`--${flag} must be a whole number from 1 to ${max}, not '${raw}'`);
    limits[key] = n;
  }
  const hasLimits = Object.keys(limits).length > 0;
  const resetLimits = values['reset-limits'] === true;
  const profile = str(values.profile)?.trim().toLowerCase();
  if (sentFolder === undefined && sentCopy === undefined && !hasLimits && !resetLimits && profile === undefined) {
    throw new UsageError(
      "'outbox account set' needs --sent-folder, --sent-copy, --no-sent-copy, --profile, --reset-limits or a limit (--max-connections, --per-minute, --per-day, --recipients-per-day, --recipients-per-message)",
    );
  }
  return {
    command: {
      name: 'account-set',
      id,
      ...(sentFolder !== undefined ? { sentFolder } : {}),
      ...(sentCopy !== undefined ? { sentCopy } : {}),
      ...(hasLimits ? { limits } : {}),
      ...(resetLimits ? { resetLimits } : {}),
      ...(profile !== undefined ? { profile } : {}),
    },
    dataDir,
  };
}

function fixCommand(sub: 'password' | 'signin' | 'set'): CliCommand<AccountFixCommand> {
  return {
    parse: (argv) => parseAccountFix(sub, argv),
    run(ctx, command) {
      if (command.name === 'account-password') return runAccountPassword(ctx, command);
      if (command.name === 'account-signin') return runAccountSignIn(ctx, command);
      return runAccountSet(ctx, command);
    },
  };
}

export const accountPasswordCommand = fixCommand('password');
export const accountSignInCommand = fixCommand('signin');
export const accountSetCommand = fixCommand('set');
