// Compose's warning for a message with more recipients than the account's provider takes in one message
// (its profile's figure, or the account's own override). The engine then hands the same message over in
// several SMTP transactions of at most that many recipients each (smtp-sender's recipientBatches): every
// recipient still gets one copy, so this says what will happen rather than refusing to send.
import type { AccountSending } from '../../../electron/shared/account';
import { addressKey } from './addresses';
import { recipientsOf, type ComposeFields } from './compose-state';

/** Every distinct recipient of To, Cc and Bcc, typed text included: each is one RCPT TO. */
export function recipientCount(f: ComposeFields): number {
  const { to, cc, bcc } = recipientsOf(f);
  return new Set([...to, ...cc, ...bcc].map(addressKey)).size;
}

/** The warning to show before Send, or null when the message fits in one. */
export function recipientLimitWarning(count: number, sending: AccountSending | undefined): string | null {
  if (!sending) return null;
  const max = sending.effective.recipientsPerMessage;
  if (count <= max) return null;
  const parts = Math.ceil(count / max);
  const own = max !== sending.profile.recipientsPerMessage;
  const who = own
    ? `This account is set to at most ${max} recipients in one message`
    : `${sending.provider} takes at most ${max} recipients in one message`;
  const daily = sending.effective.recipientsPerDay;
  return (
    `${who}; this one has ${count}. Outbox will hand it over in ${parts} parts of at most ${max} recipients each: ` +
    `the same message, one copy per recipient${daily !== null ? `, all ${count} counted toward the ${daily.toLocaleString('en-US')} recipients a day` : ''}.`
  );
}
