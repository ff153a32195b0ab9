// The one error catalogue: every code the app can show, with a plain cause and a next step.
// Core code wraps library errors into AppError; the renderer and the CLI only ever see these codes.

export const ERROR_CODES = [
  'SMTP_AUTH',
  'SMTP_TLS',
  'SMTP_REJECTED',
  'SMTP_RECIPIENT',
  'SMTP_TEMPORARY',
  'SMTP_SIZE',
  'SMTP_PROTOCOL',
  'SMTP_UTF8_UNSUPPORTED',
  'SMTP_THROTTLED',
  'SMTP_DAILY_LIMIT',
  'SMTP_PASSWORD_RETIRED',
  'NETWORK_OFFLINE',
  'NETWORK_REFUSED',
  'NETWORK_TIMEOUT',
  'NETWORK_DNS',
  'NETWORK_DROPPED',
  'KEYCHAIN_UNAVAILABLE',
  'SECRET_MISSING',
  'VALIDATION',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_NEEDS_ATTENTION',
  'ACCOUNTS_CORRUPT',
  'MESSAGE_NOT_FOUND',
  'MESSAGE_STATE',
  'ATTACHMENT_UNREADABLE',
  'SPOOL_CORRUPT',
  'SPOOL_UNWRITABLE',
  'DATA_DIR_INVALID',
  'DISK_FULL',
  'LIFETIME_EXPIRED',
  'LOCK_HELD',
  'CANCELLED',
  'IPC_FORBIDDEN',
  'IMAP_AUTH',
  'IMAP_TLS',
  'IMAP_UNAVAILABLE',
  'IMAP_NO_SENT_FOLDER',
  'IMAP_QUOTA',
  'IMAP_APPEND_REFUSED',
  'OAUTH_DENIED',
  'OAUTH_STATE_MISMATCH',
  'OAUTH_REDIRECT_MALFORMED',
  'OAUTH_TIMEOUT',
  'OAUTH_REFRESH_REVOKED',
  'OAUTH_PROVIDER_ERROR',
  'OAUTH_TEMPORARY',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface CatalogueEntry {
  /** What happened, in plain words. */
  readonly cause: string;
  /** What the user can do about it. */
  readonly next: string;
  /** Whether Outbox retries by itself. */
  readonly retryable: boolean;
}

export const CATALOGUE: Readonly<Record<ErrorCode, CatalogueEntry>> = {
  SMTP_AUTH: {
    cause: 'The mail server refused the user name or password.',
    next: 'Check the password in the account settings. If the account has two-step sign-in, create an app password and use that.',
    retryable: false,
  },
  SMTP_TLS: {
    cause: 'A secure (TLS) connection to the mail server could not be set up.',
    next: 'Check the server name, port and security setting; Outbox never falls back to an unencrypted connection by itself.',
    retryable: false,
  },
  SMTP_REJECTED: {
    cause: 'The mail server refused the message.',
    next: "The server's reply says why: change the message or contact the server's administrator.",
    retryable: false,
  },
  SMTP_RECIPIENT: {
    cause: 'The mail server refused one or more recipients.',
    next: 'Check the spelling of the refused addresses and send again to them.',
    retryable: false,
  },
  SMTP_TEMPORARY: {
    cause: 'The mail server could not take the message right now.',
    next: 'Nothing to do: Outbox will try again by itself.',
    retryable: true,
  },
  SMTP_SIZE: {
    cause: 'The message is larger than the mail server accepts.',
    next: 'Remove or shrink attachments, or share large files by link.',
    retryable: false,
  },
  SMTP_PROTOCOL: {
    cause: 'The mail server answered in a way Outbox did not expect.',
    next: 'Outbox will try again; if this keeps happening, check the server name and port.',
    retryable: true,
  },
  SMTP_UTF8_UNSUPPORTED: {
    cause: 'This server cannot deliver to non-ASCII addresses (it does not offer SMTPUTF8).',
    next: "Use the recipient's ASCII address if they have one, or send from an account whose server offers SMTPUTF8.",
    retryable: false,
  },
  SMTP_THROTTLED: {
    cause: 'The mail server asked Outbox to slow down.',
    next: 'Nothing to do: the messages wait and leave at a pace the server accepts.',
    retryable: true,
  },
  SMTP_DAILY_LIMIT: {
    cause: "The account reached its provider's sending limit for 24 hours.",
    next: 'Nothing to do: the messages wait and leave when the limit frees up. A higher limit (a paid plan) can be set in the account settings.',
    retryable: true,
  },
  SMTP_PASSWORD_RETIRED: {
    cause: 'The mail provider no longer accepts a password for sending from this account.',
    next: 'Sign in with the provider in the account settings; the held messages then leave by themselves.',
    retryable: false,
  },
  NETWORK_OFFLINE: {
    cause: 'This computer is offline.',
    next: 'Nothing to do: queued mail leaves by itself when the connection returns.',
    retryable: true,
  },
  NETWORK_REFUSED: {
    cause: 'The mail server refused the connection.',
    next: 'Check the server name and port. Many networks block port 25: use 587 (STARTTLS) or 465 (TLS).',
    retryable: true,
  },
  NETWORK_TIMEOUT: {
    cause: 'The mail server did not answer in time.',
    next: 'Outbox will try again. If it keeps timing out, the port may be blocked by your network: try 587 or 465.',
    retryable: true,
  },
  NETWORK_DNS: {
    cause: 'The mail server name could not be found.',
    next: 'Check the server name in the account settings, and your internet connection.',
    retryable: true,
  },
  NETWORK_DROPPED: {
    cause: 'The connection to the mail server was lost while sending.',
    next: 'Nothing to do: Outbox will try again by itself.',
    retryable: true,
  },
  KEYCHAIN_UNAVAILABLE: {
    cause: "The system keychain could not be reached, so the account's password cannot be read or stored.",
    next: 'Unlock or start your keychain (on Linux: GNOME Keyring or KWallet with the Secret Service), then try again. Outbox never stores passwords in a file.',
    retryable: false,
  },
  SECRET_MISSING: {
    cause: "The account's password is not in the system keychain.",
    next: 'Enter the password again in the account settings.',
    retryable: false,
  },
  VALIDATION: {
    cause: 'Some of the input is not valid.',
    next: 'Correct the highlighted value and try again.',
    retryable: false,
  },
  ACCOUNT_NOT_FOUND: {
    cause: 'There is no account with that id.',
    next: 'List the accounts and pick one of them.',
    retryable: false,
  },
  ACCOUNT_NEEDS_ATTENTION: {
    cause: "The account's sign-in failed, so its messages are held.",
    next: 'Fix the password or sign in again in the account settings; held messages then leave by themselves.',
    retryable: false,
  },
  ACCOUNTS_CORRUPT: {
    cause: 'The accounts file could not be read; it was kept aside unchanged.',
    next: 'Restore it from the kept copy or a backup, or add your accounts again.',
    retryable: false,
  },
  MESSAGE_NOT_FOUND: {
    cause: 'There is no message with that id in the outbox.',
    next: 'List the outbox and pick one of its messages.',
    retryable: false,
  },
  MESSAGE_STATE: {
    cause: 'That cannot be done to the message in its current state.',
    next: "Look at the message's state in the outbox first.",
    retryable: false,
  },
  ATTACHMENT_UNREADABLE: {
    cause: 'An attachment could not be read.',
    next: 'Check that the file exists and that you may read it, then try again.',
    retryable: false,
  },
  SPOOL_CORRUPT: {
    cause: "A message's stored copy changed on disk after it was queued, so it was not sent (it is kept as quarantined).",
    next: 'Write it again, or delete it.',
    retryable: false,
  },
  SPOOL_UNWRITABLE: {
    cause: 'The outbox folder cannot be written.',
    next: 'Check the permissions of the data folder, or point Outbox at another one.',
    retryable: false,
  },
  DATA_DIR_INVALID: {
    cause: 'The data folder Outbox was given is a file, not a folder.',
    next: 'Give a folder with --data-dir or OUTBOX_DATA_DIR, or move the file away.',
    retryable: false,
  },
  DISK_FULL: {
    cause: 'The disk is full, so the message could not be stored.',
    next: 'Free some disk space and try again. Messages already in the outbox are safe.',
    retryable: false,
  },
  LIFETIME_EXPIRED: {
    cause: 'The mail server kept refusing the message for too long, so Outbox stopped trying.',
    next: "The server's last reply says why: retry the message or contact the server's administrator.",
    retryable: false,
  },
  LOCK_HELD: {
    cause: 'Another Outbox process is sending the outbox.',
    next: 'Nothing to do: that process sends your message.',
    retryable: false,
  },
  CANCELLED: {
    cause: 'You cancelled this message, so it was not sent.',
    next: 'Retry it to send it after all, or delete it.',
    retryable: false,
  },
  IPC_FORBIDDEN: {
    cause: 'This request did not come from the Outbox window, so it was refused.',
    next: 'Nothing to do.',
    retryable: false,
  },
  IMAP_AUTH: {
    cause: 'The IMAP server refused the user name or password, so no copy was saved in Sent.',
    next: 'Check the IMAP password in the account settings. With two-step sign-in, create an app password and use that.',
    retryable: false,
  },
  IMAP_TLS: {
    cause: 'A secure (TLS) connection to the IMAP server could not be set up, so no copy was saved in Sent.',
    next: 'Check the IMAP server name, port and security setting; Outbox never falls back to an unencrypted connection by itself.',
    retryable: false,
  },
  IMAP_UNAVAILABLE: {
    cause: 'The IMAP server could not be reached, so no copy was saved in Sent yet.',
    next: 'Outbox will try again. If it keeps failing, check the IMAP server name and port (usually 993 for TLS, 143 for STARTTLS).',
    retryable: true,
  },
  IMAP_NO_SENT_FOLDER: {
    cause: 'The mailbox has no folder marked or named as Sent, so no copy was saved.',
    next: 'Create a Sent folder in your mail program or webmail, or choose the folder in the account settings.',
    retryable: false,
  },
  IMAP_QUOTA: {
    cause: 'The mailbox on the IMAP server is full, so no copy was saved in Sent. The message itself was sent.',
    next: 'Delete old mail or empty the trash on the server, then retry the copy.',
    retryable: false,
  },
  IMAP_APPEND_REFUSED: {
    cause: 'The IMAP server refused to store the copy in Sent. The message itself was sent.',
    next: "The server's reply says why: retry the copy or contact the server's administrator.",
    retryable: false,
  },
  OAUTH_DENIED: {
    cause: 'The sign-in was declined in the browser.',
    next: 'Start the sign-in again and allow Outbox to send mail for this account.',
    retryable: false,
  },
  OAUTH_STATE_MISMATCH: {
    cause: 'The browser returned from a different sign-in than the one Outbox started, so it was ignored.',
    next: 'Close old sign-in tabs and start the sign-in again.',
    retryable: false,
  },
  OAUTH_REDIRECT_MALFORMED: {
    cause: 'The browser came back from the provider without a sign-in code.',
    next: 'Start the sign-in again; if it keeps happening, check the client id in the account settings.',
    retryable: false,
  },
  OAUTH_TIMEOUT: {
    cause: 'The sign-in in the browser was not finished in time.',
    next: 'Start the sign-in again and complete it in the browser window that opens.',
    retryable: false,
  },
  OAUTH_REFRESH_REVOKED: {
    cause: 'The mail provider no longer accepts the saved sign-in (it was revoked or has expired), so the messages are held.',
    next: 'Sign in again in the account settings; held messages then leave by themselves.',
    retryable: false,
  },
  OAUTH_PROVIDER_ERROR: {
    cause: 'The mail provider refused the sign-in request.',
    next: 'Check the client id in the account settings, then sign in again.',
    retryable: false,
  },
  OAUTH_TEMPORARY: {
    cause: "The mail provider's sign-in service did not answer properly.",
    next: 'Nothing to do: Outbox will try again by itself.',
    retryable: true,
  },
  INTERNAL: {
    cause: 'Outbox hit an unexpected error.',
    next: 'Try again; if it keeps happening, report it with the message below.',
    retryable: false,
  },
};

/** An error as it crosses a boundary (IPC, JSON on disk, CLI): plain data. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  next: string;
  retryable: boolean;
  /** The server's own reply, kept word for word, when there was one. */
  reply?: string;
  /** SMTP reply code (e.g. 550) when there was one. */
  responseCode?: number;
  detail?: string;
}

export interface AppErrorOptions {
  /** Overrides the catalogue's plain cause. */
  message?: string;
  next?: string;
  retryable?: boolean;
  reply?: string;
  responseCode?: number;
  detail?: string;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly next: string;
  readonly retryable: boolean;
  readonly reply: string | undefined;
  readonly responseCode: number | undefined;
  readonly detail: string | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    const entry = CATALOGUE[code];
    super(options.message ?? entry.cause, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.next = options.next ?? entry.next;
    this.retryable = options.retryable ?? entry.retryable;
    this.reply = options.reply;
    this.responseCode = options.responseCode;
    this.detail = options.detail;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message, next: this.next, retryable: this.retryable };
    if (this.reply !== undefined) info.reply = this.reply;
    if (this.responseCode !== undefined) info.responseCode = this.responseCode;
    if (this.detail !== undefined) info.detail = this.detail;
    return info;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Any thrown value as ErrorInfo; unknown errors become INTERNAL with their message kept as detail. */
export function toErrorInfo(value: unknown): ErrorInfo {
  if (value instanceof AppError) return value.toInfo();
  const detail = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', { detail }).toInfo();
}

/** One line for a terminal or a log: cause, server reply, next step. */
export function formatErrorLine(info: ErrorInfo): string {
  const reply = info.reply ? ` Server said: "${info.reply}".` : '';
  const detail = info.detail && !info.reply ? ` (${info.detail})` : '';
  return `${info.message}${detail}${reply} ${info.next}`;
}
