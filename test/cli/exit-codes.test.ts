// One table maps every catalogue code to a sysexits code, as sendmail and msmtp callers expect.
import { describe, expect, it } from 'vitest';
import { errorLine, EX, EXIT_CODE_FOR, exitCodeFor, UsageError } from '../../electron/cli/exit-codes';
import { HELP } from '../../electron/cli/usage';
import { AppError, ERROR_CODES } from '../../electron/shared/errors';

describe('exit codes', () => {
  it('maps every catalogue code', () => {
    for (const code of ERROR_CODES) expect(EXIT_CODE_FOR[code], code).toBeGreaterThan(0);
  });

  it.each([
    ['VALIDATION', 65],
    ['ATTACHMENT_UNREADABLE', 66],
    ['SMTP_RECIPIENT', 67],
    ['SMTP_REJECTED', 69],
    ['INTERNAL', 70],
    ['SPOOL_UNWRITABLE', 73],
    ['DISK_FULL', 73],
    ['KEYCHAIN_UNAVAILABLE', 75],
    ['LOCK_HELD', 75],
    ['SMTP_TEMPORARY', 75],
    ['SMTP_AUTH', 77],
    ['ACCOUNT_NEEDS_ATTENTION', 77],
    ['ACCOUNT_NOT_FOUND', 78],
    ['ACCOUNTS_CORRUPT', 78],
  ] as const)('%s exits %i', (code, exit) => {
    expect(exitCodeFor(new AppError(code))).toBe(exit);
  });

  it('outbox --help explains every exit code the command can return', () => {
    // The codes a failure can map to, usage and success: each must be on the help's exit-code list.
    const codes = new Set<number>([EX.OK, EX.USAGE, ...Object.values(EXIT_CODE_FOR)]);
    const list = HELP.main.slice(HELP.main.indexOf('Exit codes'));
    for (const code of codes) expect(list, `exit ${code}`).toMatch(new RegExp(`(^|\\s)${code} [a-z]`, 'm'));
    expect(list).toMatch(/74 the message's stored copy is damaged/);
    expect(list).toMatch(/66 [^\n]*no message with that id/);
  });

  it('exits 64 for a usage error and 70 for anything that is not an AppError', () => {
    expect(exitCodeFor(new UsageError('Unknown option -X'))).toBe(64);
    expect(exitCodeFor(new TypeError('boom'))).toBe(70);
    expect(exitCodeFor('boom')).toBe(70);
  });
});

describe('errorLine', () => {
  it('is one line: outbox, the cause, the server reply kept word for word, the next step', () => {
    const info = new AppError('SMTP_RECIPIENT', { reply: '550 5.1.1 <bob@example.org>: Recipient address rejected' }).toInfo();
    expect(errorLine(info)).toBe(
      'outbox: The mail server refused one or more recipients. Server said: "550 5.1.1 <bob@example.org>: Recipient address rejected". Check the spelling of the refused addresses and send again to them.',
    );
  });

  it('folds line breaks in a multi-line reply', () => {
    const info = new AppError('SMTP_REJECTED', { reply: '554-first\r\n554 second' }).toInfo();
    expect(errorLine(info)).not.toMatch(/[\r\n]/);
  });
});
