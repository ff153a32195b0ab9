// Typed OAuth failures: each kind says what state the sign-in or the account is in and whether to retry.
// Each kind has its catalogue code (OAUTH_*), with texts that can be more precise than the catalogue's.
import { AppError, type ErrorCode } from '../../shared/errors';

export type OAuthErrorKind =
  /** The user (or the provider's policy) refused consent in the browser. */
  | 'denied'
  /** The redirect carried a state we did not send: a stale tab or a forged request. */
  | 'state-mismatch'
  /** The redirect reached us without a code or with unexpected parameters. */
  | 'malformed-redirect'
  /** No redirect arrived in time. */
  | 'timeout'
  /** The sign-in was cancelled by the caller. */
  | 'cancelled'
  /** The provider refused the refresh token (revoked or expired grant): sign in again. */
  | 'needs-sign-in'
  /** The token endpoint failed in a way that may pass: 5xx, garbage, timeout, network. */
  | 'temporary'
  /** The provider answered with an error that retrying will not fix (wrong client id, bad request). */
  | 'provider-error'
  /** No tokens are stored for the account. */
  | 'not-signed-in';

interface KindText {
  code: ErrorCode;
  message: string;
  next: string;
  retryable: boolean;
}

const TEXTS: Record<OAuthErrorKind, KindText> = {
  denied: {
    code: 'OAUTH_DENIED',
    message: 'The sign-in was declined in the browser.',
    next: 'Start the sign-in again and allow Outbox to send mail for this account.',
    retryable: false,
  },
  'state-mismatch': {
    code: 'OAUTH_STATE_MISMATCH',
    message: 'The browser returned from a different sign-in than the one Outbox started, so it was ignored.',
    next: 'Close old sign-in tabs and start the sign-in again.',
    retryable: false,
  },
  'malformed-redirect': {
    code: 'OAUTH_REDIRECT_MALFORMED',
    message: 'The browser came back from the provider without a sign-in code.',
    next: 'Start the sign-in again; if it keeps happening, check the client id in the account settings.',
    retryable: false,
  },
  timeout: {
    code: 'OAUTH_TIMEOUT',
    message: 'The sign-in in the browser was not finished in time.',
    next: 'Start the sign-in again and complete it in the browser window that opens.',
    retryable: false,
  },
  cancelled: {
    code: 'CANCELLED',
    message: 'The sign-in was cancelled.',
    next: 'Start the sign-in again when you are ready.',
    retryable: false,
  },
  'needs-sign-in': {
    code: 'OAUTH_REFRESH_REVOKED',
    message: 'The mail provider no longer accepts the saved sign-in (it was revoked or has expired), so the messages are held.',
    next: 'Sign in again in the account settings; held messages then leave by themselves.',
    retryable: false,
  },
  temporary: {
    code: 'OAUTH_TEMPORARY',
    message: "The mail provider's sign-in service did not answer properly.",
    next: 'Nothing to do: Outbox will try again by itself.',
    retryable: true,
  },
  'provider-error': {
    code: 'OAUTH_PROVIDER_ERROR',
    message: 'The mail provider refused the sign-in request.',
    next: 'Check the client id in the account settings, then sign in again.',
    retryable: false,
  },
  'not-signed-in': {
    code: 'SECRET_MISSING',
    message: 'This account has no saved sign-in in the system keychain.',
    next: 'Sign in in the account settings.',
    retryable: false,
  },
};

export interface OAuthErrorOptions {
  /** The provider's own error code and description, kept word for word. */
  reply?: string;
  detail?: string;
  cause?: unknown;
  responseCode?: number;
}

export class OAuthError extends AppError {
  readonly kind: OAuthErrorKind;

  constructor(kind: OAuthErrorKind, options: OAuthErrorOptions = {}) {
    const text = TEXTS[kind];
    super(text.code, { ...options, message: text.message, next: text.next, retryable: text.retryable });
    this.name = 'OAuthError';
    this.kind = kind;
  }
}

export function isOAuthError(value: unknown, kind?: OAuthErrorKind): value is OAuthError {
  return value instanceof OAuthError && (kind === undefined || value.kind === kind);
}
