// `outbox account add`: a profile in the data folder, with the password read from standard input (never from argv)
// straight into the system keychain, or with --oauth a sign-in in the browser whose tokens go to the keychain.
import { defaultSentCopy } from '../../core/imap/files-own-copy';
import { isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../core/oauth/providers';
import { newAccountSchema, SECURITY_MODES, type NewAccount, type Security } from '../../shared/account';
import { AppError } from '../../shared/errors';
import { helpFor, type CliCommand, type HelpCommand } from '../command';
import type { CliContext } from '../context';
import { EX, UsageError } from '../exit-codes';
import { out, readAll, stripNewline } from '../io';
import { parse, str, type Options, type Values } from '../parse-options';
import { oauthProvider, openBrowser, requireClientId } from './account-sign-in';

type AccountAddCommand = { name: 'account-add'; args: AccountAddArgs };

export interface AccountAddArgs {
  name: string;
  email: string;
  host: string;
  port: number;
  security: Security;
  insecure: boolean;
  user: string;
  passwordStdin: boolean;
  /** --oauth PROVIDER: sign in in the browser; host, port and security come from the provider data. */
  oauth?: OAuthAddArgs;
  /** IMAP for the Sent copy, when --imap-host etc. were given. */
  imap?: ImapAddArgs;
  /** --sent-copy / --no-sent-copy; absent: on when IMAP settings are given, unless the service files its own copy. */
  sentCopy?: boolean;
}

export interface ImapAddArgs {
  host: string;
  port: number;
  security: Security;
  insecure: boolean;
  user?: string;
}

export interface OAuthAddArgs {
  provider: ProviderId;
  /** --client-id: overrides the client id built into this copy of Outbox. */
  clientId?: string;
  /** --client-secret: the secret of that client when it is a Google "Desktop app" client (not confidential). */
  clientSecret?: string;
}

export const accountAddCommand: CliCommand<AccountAddCommand> = {
  parse: (argv) => (argv.some((a) => a === '--oauth' || a.startsWith('--oauth=')) ? parseAccountAddOAuth(argv) : parseAccountAdd(argv)),
  run: (ctx, command) => runAccountAdd(ctx, command.args),
};

function parseAccountAdd(argv: readonly string[]): { command: AccountAddCommand | HelpCommand; dataDir?: string | undefined } {
  const { values, positionals } = parse('account add', argv, {
    name: { type: 'string' },
    email: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    security: { type: 'string' },
    insecure: { type: 'boolean' },
    user: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    password: { type: 'string' },
    ...IMAP_ADD_OPTIONS,
  });
  if (values.help) return { command: helpFor('account') };
  if (values.password !== undefined) {
    throw new UsageError('A password on the command line would be visible to other users', 'Pipe it in with --password-stdin instead.');
  }
  if (positionals.length > 0) throw new UsageError("'outbox account add' takes only options");
  const required = (key: string): string => {
    const v = str(values[key]);
    if (v === undefined) throw new UsageError(`'outbox account add' needs --${key}`);
    return v;
  };
  const name = required('name');
  const email = required('email');
  const host = required('host');
  const portText = required('port');
  const securityText = required('security');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
    throw new UsageError(`--port ${portText} is not a port number`, 'Use 465 for TLS, 587 for STARTTLS.');
  }
  if (!(SECURITY_MODES as readonly string[]).includes(securityText)) {
    throw new UsageError(`--security must be tls, starttls or none, not '${securityText}'`);
  }
  const security = securityText as Security;
  if (security === 'none' && values.insecure !== true) {
    throw new UsageError(
      '--security none sends the password and mail unencrypted',
      'Add --insecure to accept that, or use tls or starttls.',
    );
  }
  return {
    command: {
      name: 'account-add',
      args: {
        name,
        email,
        host,
        port: Number(portText),
        security,
        insecure: values.insecure === true,
        user: str(values.user) ?? '',
        passwordStdin: values['password-stdin'] === true,
        ...imapAddArgs(values),
      },
    },
    dataDir: str(values['data-dir']),
  };
}

const IMAP_ADD_OPTIONS: Options = {
  'imap-host': { type: 'string' },
  'imap-port': { type: 'string' },
  'imap-security': { type: 'string' },
  'imap-insecure': { type: 'boolean' },
  'imap-user': { type: 'string' },
  'sent-copy': { type: 'boolean' },
  'no-sent-copy': { type: 'boolean' },
};

function checkPort(option: string, text: string, hint: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535)
    throw new UsageError(`${option} ${text} is not a port number`, hint);
  return Number(text);
}

/** The IMAP options of `account add`, checked like the SMTP ones: all three of host, port and security, or none. */
function imapAddArgs(values: Values): { imap?: ImapAddArgs; sentCopy?: boolean } {
  const host = str(values['imap-host']);
  const portText = str(values['imap-port']);
  const securityText = str(values['imap-security']);
  const user = str(values['imap-user']);
  const given =
    host !== undefined || portText !== undefined || securityText !== undefined || user !== undefined || values['imap-insecure'] === true;
  if (values['sent-copy'] === true && values['no-sent-copy'] === true)
    throw new UsageError('Give either --sent-copy or --no-sent-copy, not both');
  const sentCopy = values['sent-copy'] === true ? true : values['no-sent-copy'] === true ? false : undefined;
  if (!given) {
    if (sentCopy === true) throw new UsageError('--sent-copy needs the IMAP settings', 'Add --imap-host, --imap-port and --imap-security.');
    return sentCopy === undefined ? {} : { sentCopy };
  }
  if (host === undefined || portText === undefined || securityText === undefined) {
    throw new UsageError('IMAP settings need --imap-host, --imap-port and --imap-security together');
  }
  const port = checkPort('--imap-port', portText, 'Use 993 for TLS, 143 for STARTTLS.');
  if (!(SECURITY_MODES as readonly string[]).includes(securityText)) {
    throw new UsageError(`--imap-security must be tls, starttls or none, not '${securityText}'`);
  }
  const security = securityText as Security;
  if (security === 'none' && values['imap-insecure'] !== true) {
    throw new UsageError(
      '--imap-security none sends the password and mail unencrypted',
      'Add --imap-insecure to accept that, or use tls or starttls.',
    );
  }
  const imap: ImapAddArgs = { host, port, security, insecure: values['imap-insecure'] === true };
  if (user !== undefined) imap.user = user;
  return sentCopy === undefined ? { imap } : { imap, sentCopy };
}

/** `outbox account add --name N --email E --oauth google|microsoft [--client-id ID [--client-secret S]]`: no server options, no password. */
function parseAccountAddOAuth(argv: readonly string[]): { command: AccountAddCommand | HelpCommand; dataDir?: string | undefined } {
  const { values, positionals } = parse('account add', argv, {
    name: { type: 'string' },
    email: { type: 'string' },
    oauth: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    password: { type: 'string' },
  });
  if (values.help) return { command: helpFor('account') };
  if (positionals.length > 0) throw new UsageError("'outbox account add' takes only options");
  if (values.password !== undefined) throw new UsageError('--oauth signs in in the browser: there is no password to give');
  const providerId = str(values.oauth) ?? '';
  if (!isProviderId(providerId)) {
    throw new UsageError(
      `--oauth must be ${PROVIDER_IDS.join(' or ')}, not '${providerId}'`,
      'For another provider, add the account with a password or app password.',
    );
  }
  const provider = PROVIDERS[providerId];
  const name = str(values.name);
  const email = str(values.email);
  if (name === undefined) throw new UsageError("'outbox account add' needs --name");
  if (email === undefined) throw new UsageError("'outbox account add' needs --email");
  const clientId = str(values['client-id'])?.trim();
  if (clientId === '') throw new UsageError('--client-id is empty');
  const clientSecret = str(values['client-secret'])?.trim();
  if (clientSecret !== undefined && !clientId)
    throw new UsageError('--client-secret goes with --client-id', "The secret built into Outbox belongs to Outbox's own client id.");
  return {
    command: {
      name: 'account-add',
      args: {
        name,
        email,
        host: provider.smtp.host,
        port: provider.smtp.port,
        security: provider.smtp.security,
        insecure: false,
        user: email,
        passwordStdin: false,
        oauth: { provider: providerId, ...(clientId ? { clientId } : {}), ...(clientSecret ? { clientSecret } : {}) },
      },
    },
    dataDir: str(values['data-dir']),
  };
}

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
  const parsed = newAccountSchema().safeParse(input);
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

/**
 * `account add --oauth`: the browser sign-in comes first, so nothing is saved when it fails; then the account
 * (servers from the provider data), then its tokens in the keychain under the account id.
 */
async function runAccountAddOAuth(ctx: CliContext, args: AccountAddArgs, oauth: OAuthAddArgs): Promise<number> {
  const provider = oauthProvider(ctx, oauth);
  requireClientId(provider, oauth.clientId);
  const { addOAuthAccount } = await import('../../core/oauth/oauth-accounts');
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
