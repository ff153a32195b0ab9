// `outbox account`: its help (shared by every subcommand), `account list` and `account remove`. The other
// subcommands each have a file: account-add.ts, account-check.ts (test, trust), account-fix.ts (password, signin, set).
import { AppError, isAppError } from '../../shared/errors';
import { UNFINISHED_STATES } from '../../shared/message-states';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX, UsageError } from '../exit-codes';
import { json, out } from '../io';
import { accountsTable } from '../output';
import { parse, str, type Options, type Values } from '../parse-options';

export const HELP = `Usage:
  outbox account add --name N --email E --host H --port P --security tls|starttls|none [--insecure]
                     [--user U] [--password-stdin]
                     [--imap-host H --imap-port P --imap-security tls|starttls|none [--imap-insecure]
                      [--imap-user U]] [--sent-copy | --no-sent-copy]
  outbox account add --name N --email E --oauth google|microsoft [--client-id ID [--client-secret S]]
  outbox account list [--json]
  outbox account remove ID [--force]
  outbox account test ID [--json]
  outbox account trust ID --fingerprint SHA256 [--imap]
  outbox account password ID --password-stdin [--imap]
  outbox account signin ID
  outbox account set ID [--sent-folder NAME] [--sent-copy | --no-sent-copy]
                     [--max-connections N] [--per-minute N] [--per-day N]
                     [--recipients-per-day N] [--recipients-per-message N]
                     [--reset-limits] [--profile ID|auto]

When the server refuses an account's password (or the provider its sign-in), its messages are
held; 'password' or 'signin' fixes the account and they leave again. --imap sets a password of
IMAP's own. 'set' picks the Sent folder, or turns the copy on or off (Gmail files its own, so
the copy starts off there). The limits replace the provider's (Gmail, Microsoft 365,
iCloud …) for this account, e.g. for a paid plan or a company relay; Outbox paces sending
by them and waits, never fails, when a day's allowance is used. --reset-limits goes back to
the provider's figures. --profile picks the provider profile itself (google-workspace for a
Workspace plan, microsoft-365, default, …; auto: matched by the SMTP server again).

'remove' refuses while mail waits to be sent from the account (it would fail once the account
is gone): send it or delete it first, or give --force to cancel it (it stays listed as failed).

The password is read from standard input with --password-stdin (never from the command
line) and kept in the system keychain. --security none needs --insecure as well.

With --oauth, the servers come from the provider and you sign in in your browser: the
address is printed first, for a computer where no browser opens. The sign-in is kept in the
system keychain; --client-id replaces the client id built into Outbox (--client-secret gives
that client's secret, which Google's Desktop-app clients need; it is kept in the keychain).

With the --imap-... options, a copy of each sent message is saved in the Sent folder
(turn it off with --no-sent-copy); IMAP logs in with the same user name and password
unless --imap-user is given. --imap-security none needs --imap-insecure.

'test' connects to the SMTP server (and the IMAP server, if set), negotiates TLS, signs in
and prints a verdict with one next step, the server's capabilities, its certificate with
the SHA-256 fingerprint, timings and the transcript (no passwords). It exits 0 when every
check passed, else with the exit code of the problem found.

'trust' pins the server's certificate for this one account (--imap: the IMAP server's),
but only if the server presents exactly the certificate with that fingerprint.
`;

/** `outbox account SUB ID [options]`: the option values and the account id; null when it asks for help. */
export function parseAccountId(
  sub: string,
  argv: readonly string[],
  options: Options,
): { values: Values; id: string; dataDir: string | undefined } | null {
  const { values, positionals } = parse(`account ${sub}`, argv, options);
  if (values.help) return null;
  if (positionals.length !== 1) throw new UsageError(`'outbox account ${sub}' needs one account id`);
  return { values, id: positionals[0]!, dataDir: str(values['data-dir']) };
}

export async function runAccountList(ctx: CliContext, options: { json: boolean }): Promise<number> {
  const accounts = await ctx.accounts().list();
  if (options.json) json(ctx.io, accounts);
  else out(ctx.io, accountsTable(accounts));
  return EX.OK;
}

/**
 * Mail still waiting for the account would fail once it is gone: it is refused until that mail is sent or deleted,
 * or, with --force, cancelled first (it stays in the list as failed, "cancelled") and counted.
 */
export async function runAccountRemove(ctx: CliContext, options: { id: string; force?: boolean }): Promise<number> {
  const account = await ctx.resolveAccount(options.id);
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: false });
  const waiting = (await engine.list({ states: UNFINISHED_STATES })).filter((m) => m.accountId === account.id);
  if (waiting.length > 0 && !options.force) {
    throw new AppError('MESSAGE_STATE', {
      message: `Account ${account.id} has ${messages(waiting.length)} waiting to be sent; removing it would drop ${waiting.length === 1 ? 'it' : 'them'}.`,
      next: `Send ${waiting.length === 1 ? 'it' : 'them'} first ('outbox flush'), delete ${waiting.length === 1 ? 'it' : 'them'} ('outbox delete ID'; 'outbox queue' shows the ids), or add --force to remove the account and cancel ${waiting.length === 1 ? 'it' : 'them'}.`,
    });
  }
  let cancelled = 0;
  for (const m of waiting) {
    try {
      await engine.cancel(m.id);
      cancelled++;
    } catch (error) {
      // Sent or finished meanwhile, or being sent right now: nothing of it is dropped.
      if (!isAppError(error) || (error.code !== 'MESSAGE_STATE' && error.code !== 'MESSAGE_NOT_FOUND')) throw error;
    }
  }
  await ctx.accounts().remove(account.id);
  out(
    ctx.io,
    cancelled === 0
      ? `Removed account ${account.id}.`
      : `Removed account ${account.id}; dropped ${messages(cancelled)} waiting for it (cancelled: 'outbox queue --all' still lists ${cancelled === 1 ? 'it' : 'them'}).`,
  );
  return EX.OK;
}

function messages(n: number): string {
  return `${n} message${n === 1 ? '' : 's'}`;
}

export const accountListCommand: CliCommand<{ name: 'account-list'; json: boolean }> = {
  help: HELP,
  parse(argv) {
    const { values, positionals } = parse('account list', argv, { json: { type: 'boolean' } });
    if (values.help) return { command: helpFor('account') };
    if (positionals.length > 0) throw new UsageError("'outbox account list' takes no arguments");
    return { command: { name: 'account-list', json: values.json === true }, dataDir: str(values['data-dir']) };
  },
  run: (ctx, command) => runAccountList(ctx, command),
};

export const accountRemoveCommand: CliCommand<{ name: 'account-remove'; id: string; force?: boolean }> = {
  help: HELP,
  parse(argv) {
    const { values, positionals } = parse('account remove', argv, { force: { type: 'boolean' } });
    if (values.help) return { command: helpFor('account') };
    if (positionals.length !== 1) throw new UsageError("'outbox account remove' needs one account id");
    return {
      command: { name: 'account-remove', id: positionals[0]!, ...(values.force === true ? { force: true } : {}) },
      dataDir: str(values['data-dir']),
    };
  },
  run: (ctx, command) => runAccountRemove(ctx, command),
};
