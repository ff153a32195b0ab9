// Exit codes as sendmail and msmtp use them (sysexits.h), mapped from the error catalogue in one table,
// and the one-line `outbox: <cause>. <next step>` every failure prints.
import { statSync } from 'node:fs';
import path from 'node:path';
import { printable } from './output';
import { AppError, CATALOGUE, formatErrorLine, isAppError, toErrorInfo, type ErrorCode, type ErrorInfo } from '../shared/errors';

export const EX = {
  OK: 0,
  USAGE: 64,
  DATAERR: 65,
  NOINPUT: 66,
  NOUSER: 67,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  CANTCREAT: 73,
  IOERR: 74,
  TEMPFAIL: 75,
  PROTOCOL: 76,
  NOPERM: 77,
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EX)[keyof typeof EX];

/** Every catalogue code has an exit code, so a new code fails the type check until it is placed here. */
export const EXIT_CODE_FOR: Readonly<Record<ErrorCode, ExitCode>> = {
  SMTP_AUTH: EX.NOPERM,
  SMTP_TLS: EX.UNAVAILABLE,
  SMTP_REJECTED: EX.UNAVAILABLE,
  SMTP_RECIPIENT: EX.NOUSER,
  SMTP_TEMPORARY: EX.TEMPFAIL,
  SMTP_THROTTLED: EX.TEMPFAIL,
  SMTP_DAILY_LIMIT: EX.TEMPFAIL,
  SMTP_PASSWORD_RETIRED: EX.NOPERM,
  SMTP_SIZE: EX.DATAERR,
  SMTP_PROTOCOL: EX.PROTOCOL,
  SMTP_UTF8_UNSUPPORTED: EX.UNAVAILABLE,
  NETWORK_OFFLINE: EX.TEMPFAIL,
  NETWORK_REFUSED: EX.TEMPFAIL,
  NETWORK_TIMEOUT: EX.TEMPFAIL,
  NETWORK_DNS: EX.TEMPFAIL,
  NETWORK_DROPPED: EX.TEMPFAIL,
  KEYCHAIN_UNAVAILABLE: EX.TEMPFAIL,
  SECRET_MISSING: EX.CONFIG,
  VALIDATION: EX.DATAERR,
  ACCOUNT_NOT_FOUND: EX.CONFIG,
  ACCOUNT_NEEDS_ATTENTION: EX.NOPERM,
  ACCOUNTS_CORRUPT: EX.CONFIG,
  MESSAGE_NOT_FOUND: EX.NOINPUT,
  MESSAGE_STATE: EX.DATAERR,
  ATTACHMENT_UNREADABLE: EX.NOINPUT,
  SPOOL_CORRUPT: EX.IOERR,
  SPOOL_UNWRITABLE: EX.CANTCREAT,
  DATA_DIR_INVALID: EX.CONFIG,
  DISK_FULL: EX.CANTCREAT,
  LIFETIME_EXPIRED: EX.UNAVAILABLE,
  LOCK_HELD: EX.TEMPFAIL,
  CANCELLED: EX.UNAVAILABLE,
  IPC_FORBIDDEN: EX.SOFTWARE,
  IMAP_AUTH: EX.NOPERM,
  IMAP_TLS: EX.UNAVAILABLE,
  IMAP_UNAVAILABLE: EX.TEMPFAIL,
  IMAP_NO_SENT_FOLDER: EX.CONFIG,
  IMAP_QUOTA: EX.CANTCREAT,
  IMAP_APPEND_REFUSED: EX.UNAVAILABLE,
  OAUTH_DENIED: EX.NOPERM,
  OAUTH_STATE_MISMATCH: EX.PROTOCOL,
  OAUTH_REDIRECT_MALFORMED: EX.PROTOCOL,
  OAUTH_TIMEOUT: EX.TEMPFAIL,
  OAUTH_REFRESH_REVOKED: EX.NOPERM,
  OAUTH_PROVIDER_ERROR: EX.UNAVAILABLE,
  OAUTH_TEMPORARY: EX.TEMPFAIL,
  INTERNAL: EX.SOFTWARE,
};

/** A wrong command line: reported like any other error, but exits 64 (EX_USAGE). */
export class UsageError extends AppError {
  constructor(message: string, next = "Run 'outbox --help' for usage.") {
    super('VALIDATION', { message: sentence(message), next });
    this.name = 'UsageError';
  }
}

/** A setting the command needs is missing (an OAuth client id this copy of Outbox lacks): exits 78 (EX_CONFIG). */
export class ConfigError extends AppError {
  constructor(message: string, next: string) {
    super('VALIDATION', { message: sentence(message), next });
    this.name = 'ConfigError';
  }
}

export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof UsageError) return EX.USAGE;
  if (error instanceof ConfigError) return EX.CONFIG;
  return EXIT_CODE_FOR[toErrorInfo(error).code];
}

export function exitCodeForInfo(info: ErrorInfo): ExitCode {
  return EXIT_CODE_FOR[info.code];
}

/** `outbox: <cause>. <next step>` on one line, the server's reply kept word for word. */
export function errorLine(info: ErrorInfo): string {
  return `outbox: ${printable(formatErrorLine(info).replace(/[\r\n]+/g, ' '))}`;
}

const FS_WHY: Readonly<Record<string, string>> = {
  ENOTDIR: 'a file is where a folder should be',
  EEXIST: 'a file is where a folder should be',
  EISDIR: 'a folder is where a file should be',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
};

/**
 * A file-system failure said in one clear line with its path, instead of "unexpected error": a file where the
 * spool expects a folder, a read-only folder. Other errors pass unchanged.
 */
export function explainFsFailure(error: unknown): unknown {
  // An error already worded for its case (a message of its own) is kept as it is.
  if (
    isAppError(error) &&
    ((error.code !== 'INTERNAL' && error.code !== 'SPOOL_UNWRITABLE') || error.message !== CATALOGUE[error.code].cause)
  )
    return error;
  const errno = (isAppError(error) ? error.cause : error) as NodeJS.ErrnoException | undefined;
  const code = errno?.code;
  if (!code || !(errno instanceof Error)) return error;
  const where = errno.path ?? 'the data folder';
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new AppError('DISK_FULL', { message: `The disk holding ${where} is full.`, cause: errno });
  const why = FS_WHY[code];
  if (!why) return error;
  const blocker = code === 'ENOTDIR' || code === 'EEXIST' ? fileInTheWay(where) : undefined;
  return new AppError('SPOOL_UNWRITABLE', {
    message: blocker ? `Outbox cannot use its folder ${blocker}: it is a file, not a folder.` : `Outbox cannot use ${where} (${why}).`,
    next: 'Fix its permissions or move what is in the way, or give another data folder with --data-dir or OUTBOX_DATA_DIR.',
    cause: errno,
  });
}

/** The first part of `target`'s path that exists and is not a folder. */
function fileInTheWay(target: string): string | undefined {
  const parts = path.resolve(target).split(path.sep);
  for (let i = 2; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join(path.sep);
    try {
      if (!statSync(prefix).isDirectory()) return prefix;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export function errorLineFor(error: unknown): string {
  return errorLine(toErrorInfo(error));
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
