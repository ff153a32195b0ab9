// Typed OAuth failures: each kind says what state the sign-in or the account is in and whether to retry.
// Each kind has its catalogue code (OAUTH_*) and the catalogue's texts; two kinds say more than their general code.
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

/** The catalogue's code per kind; its cause, next step and retry flag are the catalogue's own. */
const CODES: Record<OAuthErrorKind, ErrorCode> = {
  denied: 'OAUTH_DENIED',
  'state-mismatch': 'OAUTH_STATE_MISMATCH',
  'malformed-redirect': 'OAUTH_REDIRECT_MALFORMED',
  timeout: 'OAUTH_TIMEOUT',
  cancelled: 'CANCELLED',
  'needs-sign-in': 'OAUTH_REFRESH_REVOKED',
  temporary: 'OAUTH_TEMPORARY',
  'provider-error': 'OAUTH_PROVIDER_ERROR',
  'not-signed-in': 'SECRET_MISSING',
};

/** Only where the catalogue's general text would be vaguer than what is known here. */
const OWN_TEXT: Partial<Record<OAuthErrorKind, { message: string; next: string }>> = {
  cancelled: { message: 'The sign-in was cancelled.', next: 'Start the sign-in again when you are ready.' },
  'not-signed-in': { message: 'This account has no saved sign-in in the system keychain.', next: 'Sign in in the account settings.' },
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
    const own = OWN_TEXT[kind];
    super(CODES[kind], { ...options, ...(own ? { message: own.message, next: own.next, retryable: false } : {}) });
    this.name = 'OAuthError';
    this.kind = kind;
  }
}

export function isOAuthError(value: unknown, kind?: OAuthErrorKind): value is OAuthError {
  return value instanceof OAuthError && (kind === undefined || value.kind === kind);
}
