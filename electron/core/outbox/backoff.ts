// When to try a temporarily failed message again: exponential backoff with jitter, the first retry
// within a minute, never more than an hour apart, so many clients do not hammer a server in step.

export const FIRST_RETRY_MS = 40_000;
export const MAX_RETRY_MS = 3_600_000;
export const DEFAULT_LIFETIME_MS = 5 * 24 * 3_600_000;

/**
 * Delay before attempt `failures + 1`, given `failures` temporary failures so far (>= 1).
 * Full base doubles each time; jitter picks uniformly in [base/2, base].
 */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failures - 1, 20));
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** exponent);
  return Math.round(base / 2 + (base / 2) * random());
}
