// `outbox account add|list|remove`: profiles in the data folder, the password read from standard input
// (never from argv) straight into the system keychain.
import { newAccountSchema, type NewAccount } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { AccountAddArgs } from '../args';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { json, out, readAll } from '../io';
import { accountsTable } from '../output';

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
  const password = args.passwordStdin ? stripNewline(await readAll(ctx.io.stdin)) : undefined;
  if (password === '') {
    throw new AppError('VALIDATION', { message: 'No password was read from standard input.', next: "Pipe it in, e.g. printf '%s' \"$PASSWORD\" | outbox account add ... --password-stdin." });
  }
  // A password without a user name would never be used: most servers take the address as the user name.
  const user = args.user || (password !== undefined ? args.email : '');
  const input: NewAccount = {
    name: args.name,
    email: args.email,
    smtp: { host: args.host, port: args.port, security: args.security, insecure: args.insecure, user, authMethod: 'auto' },
  };
  const parsed = newAccountSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[issue.path.length - 1] ?? '');
    const option = FIELD_OPTIONS[field] ?? 'an option';
    throw new AppError('VALIDATION', { message: `The value of ${option} is not valid: ${issue.message.replace(/\.$/, '')}.`, next: `Correct ${option} and run the command again.` });
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
