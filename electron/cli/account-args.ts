// `outbox account add|list|remove` command lines. The password is never an argument: --password is refused
// with a hint, because argv is visible to every user of the computer.
import { SECURITY_MODES, type Security } from '../shared/account';
import type { Command } from './args';
import { UsageError } from './exit-codes';
import { parse, str } from './parse-options';

export interface AccountAddArgs {
  name: string;
  email: string;
  host: string;
  port: number;
  security: Security;
  insecure: boolean;
  user: string;
  passwordStdin: boolean;
}

export function parseAccount(argv: readonly string[]): { command: Command; dataDir?: string | undefined } {
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
  if (sub === 'add') return parseAccountAdd(rest);
  throw new UsageError(`Unknown account command '${sub}'`, "Use 'outbox account add', 'list' or 'remove'.");
}

function parseAccountAdd(argv: readonly string[]): { command: Command; dataDir?: string | undefined } {
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
    throw new UsageError('--security none sends the password and mail unencrypted', 'Add --insecure to accept that, or use tls or starttls.');
  }
  return {
    command: {
      name: 'account-add',
      args: { name, email, host, port: Number(portText), security, insecure: values.insecure === true, user: str(values.user) ?? '', passwordStdin: values['password-stdin'] === true },
    },
    dataDir: str(values['data-dir']),
  };
}

