// Asserting OAuth failures by kind, shared by the OAuth tests: what failed matters, not the wording.
import { expect } from 'vitest';
import { isOAuthError, type OAuthErrorKind } from '../../../electron/core/oauth/oauth-error';

/** The promise's rejection, or an Error saying it did not fail. */
export async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
}

export function expectKind(error: unknown, kind: OAuthErrorKind): void {
  expect(isOAuthError(error, kind), `expected OAuthError '${kind}', got ${String(error)}`).toBe(true);
}

/** Awaits the promise and expects it to fail with an OAuthError of this kind. */
export async function expectFailure(promise: Promise<unknown>, kind: OAuthErrorKind): Promise<void> {
  expectKind(await failureOf(promise), kind);
}
