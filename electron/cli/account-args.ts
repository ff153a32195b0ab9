// `outbox account add|list|remove` command lines. The password is never an argument: --password is refused
// with a hint, because argv is visible to every user of the computer.
import { SECURITY_MODES, type Security, type SendingLimitsOverride } from '../shared/account';
import { UsageError } from './exit-codes';
import type { CommandName } from './usage';
import { isProviderId, PROVIDER_IDS, PROVIDERS, type ProviderId } from '../core/oauth/providers';
import { parse, str, type Options, type Values } from './parse-options';

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

export function parseAccount(argv: readonly string[]): { command: AccountCommand; dataDir?: string | undefined } {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') return { command: { name: 'help', topic: 'account' } };
  if (sub === 'list') {
    const { values, positionals } = parse('account list', rest, { json: { type: 'boolean' } });
    if (values.help) return { command: { name: 'help', topic: 'account' } };
    if (positionals.length > 0) throw new UsageError("'outbox account list' takes no arguments");
    return { command: { name: 'account-list', json: values.json === true }, dataDir: str(values['data-dir']) };
  }
  if (sub === 'remove') {
    const { values, positionals } = parse('account remove', rest, {});
    if (values.help) return { command: { name: 'help', topic: 'account' } };
    if (positionals.length !== 1) throw new UsageError("'outbox account remove' needs one account id");
    return { command: { name: 'account-remove', id: positionals[0]! }, dataDir: str(values['data-dir']) };
  }
  if (sub === 'add' && rest.some((a) => a === '--oauth' || a.startsWith('--oauth='))) return parseAccountAddOAuth(rest);
  if (sub === 'add') return parseAccountAdd(rest);
  if (sub === 'test' || sub === 'trust') return parseAccountDiagnostics(sub, rest);
  if (sub === 'password' || sub === 'signin' || sub === 'set') return parseAccountFix(sub, rest);
  throw new UsageError(
    `Unknown account command '${sub}'`,
    "Use 'outbox account add', 'list', 'remove', 'test', 'trust', 'password', 'signin' or 'set'.",
  );
}

function parseAccountAdd(argv: readonly string[]): { command: AccountCommand; dataDir?: string | undefined } {
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
  if (values.help) return { command: { name: 'help', topic: 'account' } };
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

/** Every `outbox account …` command, as parsed. */
export type AccountCommand =
  | { name: 'help'; topic: CommandName | 'main' }
  | { name: 'account-add'; args: AccountAddArgs }
  | { name: 'account-list'; json: boolean }
  | { name: 'account-remove'; id: string }
  | AccountDiagnosticsCommand;

/** `outbox account test ID [--json]` and `outbox account trust ID --fingerprint SHA256 [--imap]`. */
export type AccountDiagnosticsCommand =
  | { name: 'account-test'; id: string; json: boolean }
  | { name: 'account-trust'; id: string; fingerprint: string; server: 'smtp' | 'imap' }
  | { name: 'account-password'; id: string; imap: boolean }
  | { name: 'account-signin'; id: string }
  | { name: 'account-set'; id: string; sentFolder?: string; sentCopy?: boolean; limits?: SendingLimitsOverride };

/** `account password ID --password-stdin [--imap]`, `account signin ID`, `account set ID [--sent-folder F] [--sent-copy|--no-sent-copy]`. */
function parseAccountFix(
  sub: 'password' | 'signin' | 'set',
  argv: readonly string[],
): { command: AccountCommand; dataDir?: string | undefined } {
  const options: Options =
    sub === 'password'
      ? { 'password-stdin': { type: 'boolean' }, imap: { type: 'boolean' }, password: { type: 'string' } }
      : sub === 'set'
        ? {
            'sent-folder': { type: 'string' },
            'sent-copy': { type: 'boolean' },
            'no-sent-copy': { type: 'boolean' },
            'max-connections': { type: 'string' },
            'per-minute': { type: 'string' },
            'per-day': { type: 'string' },
            'recipients-per-day': { type: 'string' },
            'recipients-per-message': { type: 'string' },
          }
        : {};
  const { values, positionals } = parse(`account ${sub}`, argv, options);
  if (values.help) return { command: { name: 'help', topic: 'account' } };
  if (positionals.length !== 1) throw new UsageError(`'outbox account ${sub}' needs one account id`);
  const id = positionals[0]!;
  const dataDir = str(values['data-dir']);
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
  if (sentFolder === undefined && sentCopy === undefined && !hasLimits) {
    throw new UsageError(
      "'outbox account set' needs --sent-folder, --sent-copy, --no-sent-copy or a limit (--max-connections, --per-minute, --per-day, --recipients-per-day, --recipients-per-message)",
    );
  }
  return {
    command: {
      name: 'account-set',
      id,
      ...(sentFolder !== undefined ? { sentFolder } : {}),
      ...(sentCopy !== undefined ? { sentCopy } : {}),
      ...(hasLimits ? { limits } : {}),
    },
    dataDir,
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

function parseAccountDiagnostics(
  sub: 'test' | 'trust',
  argv: readonly string[],
): { command: AccountCommand; dataDir?: string | undefined } {
  const options: Options = sub === 'test' ? { json: { type: 'boolean' } } : { fingerprint: { type: 'string' }, imap: { type: 'boolean' } };
  const { values, positionals } = parse(`account ${sub}`, argv, options);
  if (values.help) return { command: { name: 'help', topic: 'account' } };
  if (positionals.length !== 1) throw new UsageError(`'outbox account ${sub}' needs one account id`);
  const id = positionals[0]!;
  const dataDir = str(values['data-dir']);
  if (sub === 'test') return { command: { name: 'account-test', id, json: values.json === true }, dataDir };
  const fingerprint = str(values.fingerprint);
  if (fingerprint === undefined)
    throw new UsageError("'outbox account trust' needs --fingerprint", "Copy the SHA-256 fingerprint 'outbox account test' printed.");
  if (!/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/.test(fingerprint.trim())) {
    throw new UsageError(
      '--fingerprint must be a SHA-256 fingerprint: 32 hex bytes, like AB:CD:…',
      "Copy the fingerprint 'outbox account test' printed.",
    );
  }
  return {
    command: { name: 'account-trust', id, fingerprint: fingerprint.trim(), server: values.imap === true ? 'imap' : 'smtp' },
    dataDir,
  };
}

export interface OAuthAddArgs {
  provider: ProviderId;
  /** --client-id: overrides the client id built into this copy of Outbox. */
  clientId?: string;
  /** --client-secret: the secret of that client when it is a Google "Desktop app" client (not confidential). */
  clientSecret?: string;
}

/** `outbox account add --name N --email E --oauth google|microsoft [--client-id ID [--client-secret S]]`: no server options, no password. */
function parseAccountAddOAuth(argv: readonly string[]): { command: AccountCommand; dataDir?: string | undefined } {
  const { values, positionals } = parse('account add', argv, {
    name: { type: 'string' },
    email: { type: 'string' },
    oauth: { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    password: { type: 'string' },
  });
  if (values.help) return { command: { name: 'help', topic: 'account' } };
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
