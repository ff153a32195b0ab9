// Small rules the account store applies to profiles: validation messages, status changes, the insecure flag,
// and reading the address out of a From value.
import type { z } from 'zod';
import type { AccountProfile, AccountStatus, SmtpSettings } from '../../shared/account';
import { AppError } from '../../shared/errors';

const MAX_REASON = 2000; // the profile schema's limit on statusReason

// The insecure flag only means something for 'none'; clearing it otherwise makes a later switch to 'none' ask again.
export function normalizeSmtp(smtp: SmtpSettings): SmtpSettings {
  return { ...smtp, insecure: smtp.security === 'none' ? smtp.insecure : false };
}

/** The profile with a new status; a reason is kept only while the account needs attention. */
export function withStatus(profile: AccountProfile, status: AccountStatus, reason?: string): AccountProfile {
  const { statusReason: _dropped, ...rest } = profile;
  if (status === 'ok' || reason === undefined) return { ...rest, status };
  // Server replies can be long; a reply over the schema's limit must not make the file unreadable.
  return { ...rest, status, statusReason: reason.slice(0, MAX_REASON) };
}

export function checkSecret(secret: string | undefined): void {
  if (secret !== undefined && (typeof secret !== 'string' || secret.length === 0)) {
    throw new AppError('VALIDATION', { message: 'The password is empty.', next: 'Enter the password, or leave it out.' });
  }
}

export function validationError(error: z.ZodError): AppError {
  const detail = error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ');
  return new AppError('VALIDATION', { message: 'Some of the account settings are not valid.', detail, cause: error });
}

/** The bare address of "Ann <ann@example.com>" or "ann@example.com", lower-cased for comparison. */
export function bareAddress(from: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(from);
  return (angle?.[1] ?? from).trim().toLowerCase();
}
