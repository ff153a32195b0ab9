// Checks the addresses typed on the command line before anything is queued, so a typo is a clear
// EX_DATAERR line naming the option instead of a failed attempt later.
import { emailAddress } from '../shared/account';
import { AppError } from '../shared/errors';

const NEXT = 'Enter an address like name@example.com, or "Name <name@example.com>".';

/** Splits "a@b.c, \"Doe, J\" <j@d.e>" at the commas that separate addresses. */
export function splitAddressList(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = 0;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '<') angle++;
    else if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The address inside "Name <a@b.c>", or the whole value. */
export function bareAddress(mailbox: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(mailbox);
  return (angle ? angle[1]! : mailbox).trim();
}

/** Returns the mailbox trimmed, or throws AppError VALIDATION naming where it came from. */
export function checkMailbox(value: string, where: string): string {
  if (/[\r\n]/.test(value)) {
    throw new AppError('VALIDATION', { message: `The address given with ${where} contains a line break.`, next: NEXT });
  }
  const trimmed = value.trim();
  if (!emailAddress().safeParse(bareAddress(trimmed)).success) {
    throw new AppError('VALIDATION', { message: `"${trimmed}" given with ${where} is not a valid email address.`, next: NEXT });
  }
  return trimmed;
}

/** Every address in a list of (possibly comma-separated) values, each checked. */
export function checkMailboxes(values: readonly string[], where: string): string[] {
  return values.flatMap((v) => splitAddressList(v)).map((v) => checkMailbox(v, where));
}
