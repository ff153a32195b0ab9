// `outbox account add|list|remove|test|trust`: profiles in the data folder, the password read from standard input
// (never from argv) straight into the system keychain.
import { defaultSentCopy } from '../../core/imap/files-own-copy';
import { newAccountSchema, type NewAccount } from '../../shared/account';
import { AppError } from '../../shared/errors';
import { createAccountDiagnostics, failedCode, type AccountDiagnostics, type ServerKind } from '../../core/diagnostics/account-check';
import { spawn } from 'node:child_process';
import { addOAuthAccount } from '../../core/oauth/oauth-accounts';
import { PROVIDERS, type OAuthProvider } from '../../core/oauth/providers';
import type { OAuthAddArgs } from '../account-args';
import type { AccountAddArgs } from '../args';
import type { CliContext } from '../context';
import { EX, EXIT_CODE_FOR } from '../exit-codes';
import { json, out, readAll } from '../io';
import { accountReportText, accountsTable } from '../output';

const FIELD_OPTIONS: Readonly<Record<string, string>> = {
  name: '--name',
  email: '--email',
  host: '--host',
  port: '--port',
  security: '--security',
  insecure: '--insecure',
  user: '--user',
};

export async function runAccountAdd(ctx: CliContext, args: AccountAddArgs): Promise<number> {
  if (args.oauth) return runAccountAddOAuth(ctx, args, args.oauth);
  const password = args.passwordStdin ? stripNewline(await readAll(ctx.io.stdin)) : undefined;
  if (password === '') {
    throw new AppError('VALIDATION', {
      message: 'No password was read from standard input.',
      next: 'Pipe it in, e.g. printf \'%s\' "$PASSWORD" | outbox account add ... --password-stdin.',
    });
  }
  // A password without a user name would never be used: most servers take the address as the user name.
  const user = args.user || (password !== undefined ? args.email : '');
  const input: NewAccount = {
    name: args.name,
    email: args.email,
    smtp: { host: args.host, port: args.port, security: args.security, insecure: args.insecure, user, authMethod: 'auto' },
    ...imapInput(args),
  };
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[issue.path.length - 1] ?? '');
    const option = (issue.path[0] === 'imap' ? IMAP_FIELD_OPTIONS[field] : FIELD_OPTIONS[field]) ?? 'an option';
    throw new AppError('VALIDATION', {
      message: `The value of ${option} is not valid: ${issue.message.replace(/\.$/, '')}.`,
      next: `Correct ${option} and run the command again.`,
    });
  }
  await ctx.ensureDataDir();
  const account = await ctx.accounts().add(parsed.data, password);
  out(ctx.io, account.id);
  return EX.OK;
}

export async function runAccountList(ctx: CliContext, options: { json: boolean }): Promise<number> {
  const accounts = await ctx.accounts().list();
  if (options.json) json(ctx.io, accounts);
  else out(ctx.io, accountsTable(accounts));
  return EX.OK;
}

export async function runAccountRemove(ctx: CliContext, options: { id: string }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  await ctx.accounts().remove(account.id);
  out(ctx.io, `Removed account ${account.id}.`);
  return EX.OK;
}

/** One trailing newline (LF or CRLF) is how `echo` and here-strings end a line, not part of the password. */
export function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

const IMAP_FIELD_OPTIONS: Readonly<Record<string, string>> = {
  host: '--imap-host',
  port: '--imap-port',
  security: '--imap-security',
  insecure: '--imap-insecure',
  user: '--imap-user',
};

/** The IMAP part of a new account: the same secret as SMTP (no IMAP password of its own from the command line yet). */
function imapInput(args: AccountAddArgs): Pick<NewAccount, 'imap' | 'sentCopy'> {
  if (!args.imap) return args.sentCopy === undefined ? {} : { sentCopy: { enabled: args.sentCopy } };
  const { host, port, security, insecure, user } = args.imap;
  return {
    imap: { host, port, security, insecure, separateSecret: false, ...(user !== undefined ? { user } : {}) },
    sentCopy: { enabled: args.sentCopy ?? defaultSentCopy(args.host, true) },
  };
}

function diagnostics(ctx: CliContext): AccountDiagnostics {
  return createAccountDiagnostics({ accounts: ctx.accounts(), secrets: ctx.secrets() });
}

/** `outbox account test ID [--json]`: exit 0 when every check passed, else the exit code of the first verdict. */
export async function runAccountTest(ctx: CliContext, options: { id: string; json: boolean }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  const report = await diagnostics(ctx).test(account.id);
  if (options.json) json(ctx.io, report);
  else out(ctx.io, accountReportText(account, report, report.notes));
  const code = failedCode(report);
  return code === null ? EX.OK : EXIT_CODE_FOR[code];
}

/** `outbox account trust ID --fingerprint SHA256 [--imap]`: pins the server's certificate only if it is exactly that one. */
export async function runAccountTrust(ctx: CliContext, options: { id: string; fingerprint: string; server: ServerKind }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  const updated = await diagnostics(ctx).trust(account.id, options.fingerprint, options.server);
  const pinned = options.server === 'imap' ? updated.imap?.pinnedCertificate : updated.smtp.pinnedCertificate;
  out(
    ctx.io,
    `Trusted this one ${options.server.toUpperCase()} certificate for account ${account.id}: SHA-256 ${pinned?.fingerprint256 ?? ''}`,
  );
  return EX.OK;
}

/**
 * `account add --oauth`: the browser sign-in comes first, so nothing is saved when it fails; then the account
 * (servers from the provider data), then its tokens in the keychain under the account id.
 */
async function runAccountAddOAuth(ctx: CliContext, args: AccountAddArgs, oauth: OAuthAddArgs): Promise<number> {
  const provider = oauthProvider(ctx, oauth);
  await ctx.ensureDataDir();
  const account = await addOAuthAccount(
    { accounts: ctx.accounts(), secrets: ctx.secrets(), openBrowser: (url) => openBrowser(ctx, url), logger: ctx.logger },
    {
      name: args.name,
      email: args.email,
      provider,
      ...(oauth.clientId ? { clientId: oauth.clientId } : {}),
      ...(oauth.clientSecret ? { clientSecret: oauth.clientSecret } : {}),
    },
  );
  out(ctx.io, account.id);
  return EX.OK;
}

/**
 * The provider's data, with its endpoints moved to a local test server when OUTBOX_OAUTH_TEST_BASE is set.
 * Only a loopback http URL is taken, so the variable can never send a sign-in to another machine.
 */
export function oauthProvider(ctx: CliContext, oauth: OAuthAddArgs): OAuthProvider {
  const provider = PROVIDERS[oauth.provider];
  const base = ctx.io.env.OUTBOX_OAUTH_TEST_BASE;
  if (base === undefined || base === '') return provider;
  let url: URL | undefined;
  try {
    url = new URL(base);
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'http:' || !['127.0.0.1', '[::1]', 'localhost'].includes(url.hostname) || url.username || url.password) {
    throw new AppError('VALIDATION', {
      message: 'OUTBOX_OAUTH_TEST_BASE must be an http URL on this computer (127.0.0.1, [::1] or localhost).',
      next: 'Unset it to sign in with the real provider.',
    });
  }
  const root = url.href.replace(/\/+$/, '');
  ctx.io.stderr.write(`outbox: signing in against the test server ${root}\n`);
  return { ...provider, authorizationEndpoint: `${root}/authorize`, tokenEndpoint: `${root}/token` };
}

/** Prints the address first (a machine without a browser, or over ssh), then tries the system browser. */
export async function openBrowser(ctx: CliContext, url: string): Promise<void> {
  ctx.io.stderr.write(`outbox: sign in in your browser; if none opens, open this address:\n  ${url}\n`);
  // rundll32 rather than `start`: cmd.exe would split the URL at every '&'.
  const [command, ...argv] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['rundll32', 'url.dll,FileProtocolHandler', url]
        : ['xdg-open', url];
  try {
    const child = spawn(command!, argv, { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser here: the printed address is the way.
  }
}
