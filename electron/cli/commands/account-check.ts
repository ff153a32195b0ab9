// `outbox account test ID [--json]` checks an account's servers and says what is wrong; `outbox account trust ID
// --fingerprint SHA256 [--imap]` pins the one certificate the server presents, only if it has that fingerprint.
import { createAccountDiagnostics, failedCode, type AccountDiagnostics, type ServerKind } from '../../core/diagnostics/account-check';
import type { CliContext } from '../context';
import { EX, EXIT_CODE_FOR, UsageError } from '../exit-codes';
import { json, out } from '../io';
import { str } from '../parse-options';
import { accountReportText } from '../output';
import { helpFor, type CliCommand } from '../command';
import { parseAccountId } from './account';

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

export const accountTestCommand: CliCommand<{ name: 'account-test'; id: string; json: boolean }> = {
  parse(argv) {
    const line = parseAccountId('test', argv, { json: { type: 'boolean' } });
    if (!line) return { command: helpFor('account') };
    return { command: { name: 'account-test', id: line.id, json: line.values.json === true }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runAccountTest(ctx, command),
};

export const accountTrustCommand: CliCommand<{ name: 'account-trust'; id: string; fingerprint: string; server: ServerKind }> = {
  parse(argv) {
    const line = parseAccountId('trust', argv, { fingerprint: { type: 'string' }, imap: { type: 'boolean' } });
    if (!line) return { command: helpFor('account') };
    const { values, id, dataDir } = line;
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
  },
  run: (ctx, command) => runAccountTrust(ctx, command),
};
