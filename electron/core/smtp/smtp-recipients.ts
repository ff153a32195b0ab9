// One attempt may take several SMTP transactions: a server that takes only so many recipients per
// transaction answers the rest "452 4.5.3 Too many recipients" (RFC 5321 §3.3, §4.5.3.1.10), and they go
// in further transactions at once. This merges those transactions into one result with every recipient.
import { domainToASCII } from 'node:url';
import type { RecipientResult } from '../../shared/message';
import type { SendResult } from '../ports';
import { someRecipientsError } from './smtp-classify';
import { parseReply } from './smtp-explain';

/** 452 with 4.5.3, or saying so: not a refusal of the address, only of this transaction's size. */
export function isTooManyRecipients(r: RecipientResult): boolean {
  if (r.accepted || r.responseCode !== 452 || !r.reply) return false;
  return /^452[ -]4\.5\.3\b/m.test(r.reply) || /too many recipients/i.test(r.reply);
}

/** The address as compared: the domain as its A-label, case folded (the wire may carry the punycode form). */
export function recipientKey(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase();
  const domain = address.slice(at + 1);
  // Letters, digits, dots and hyphens, ending in a label that starts with a letter (so never read as an IPv4
  // number), are their own A-label, case folded: no IDNA pass (this runs per recipient, per message).
  if (/^(?:[A-Za-z0-9-]*\.)*[A-Za-z][A-Za-z0-9-]*\.?$/.test(domain)) return `${address.slice(0, at)}@${domain.toLowerCase()}`;
  return `${address.slice(0, at)}@${(domainToASCII(domain) || domain).toLowerCase()}`;
}

/** Each of `to` as this transaction left it: its own reply when the server gave one, else the transaction's. */
export function transactionRecipients(result: SendResult, to: readonly string[]): RecipientResult[] {
  const listed = new Map((result.recipients ?? []).map((r) => [recipientKey(r.address), r]));
  return to.map((address): RecipientResult => {
    const own = listed.get(recipientKey(address));
    if (own) return { ...own, address };
    if (result.outcome === 'sent' || result.outcome === 'partial') {
      const code = result.reply ? parseReply(result.reply)?.code : undefined;
      return { address, accepted: true, ...(result.reply ? { reply: result.reply } : {}), ...(code ? { responseCode: code } : {}) };
    }
    const reply = result.error?.reply;
    const code = result.error?.responseCode;
    return {
      address,
      accepted: false,
      ...(reply ? { reply } : {}),
      ...(code ? { responseCode: code } : { retryable: result.outcome !== 'permanent' }),
    };
  });
}

/**
 * The recipients of `to` to send again at once: those refused as too many, when the transaction got
 * somewhere with the others (a server that takes none would answer the same again: they wait instead).
 */
export function overflowOf(result: SendResult, to: readonly string[]): string[] {
  const recipients = transactionRecipients(result, to);
  const overflow = recipients.filter(isTooManyRecipients);
  return overflow.length > 0 && overflow.length < recipients.length ? overflow.map((r) => r.address) : [];
}

/** The server's answers under the addresses as queued (the wire carries A-label domains). */
function asQueued(result: SendResult, to: readonly string[]): SendResult {
  if (!result.recipients) return result;
  const byKey = new Map(to.map((address) => [recipientKey(address), address]));
  return { ...result, recipients: result.recipients.map((r) => ({ ...r, address: byKey.get(recipientKey(r.address)) ?? r.address })) };
}

/** The transactions of one attempt as one result: every recipient once, with its last answer. */
export function mergeTransactions(parts: readonly { to: readonly string[]; result: SendResult }[], to: readonly string[]): SendResult {
  if (parts.length === 1) return asQueued(parts[0]!.result, to);
  const final = new Map<string, RecipientResult>();
  for (const part of parts) for (const r of transactionRecipients(part.result, part.to)) final.set(r.address, r);
  const recipients = to.map((address) => final.get(address) ?? { address, accepted: false, retryable: true });
  const transcript = parts.flatMap((p) => p.result.transcript);
  const reply = [...parts].reverse().find((p) => p.result.outcome === 'sent' || p.result.outcome === 'partial')?.result.reply;
  const accepted = recipients.filter((r) => r.accepted).length;
  if (accepted === recipients.length) return { outcome: 'sent', ...(reply ? { reply } : {}), recipients, transcript };
  if (accepted > 0)
    return { outcome: 'partial', ...(reply ? { reply } : {}), error: someRecipientsError(recipients), recipients, transcript };
  const failed = [...parts].reverse().find((p) => p.result.error)!.result;
  const deferred = recipients.some((r) => (r.responseCode !== undefined ? r.responseCode < 500 : r.retryable !== false));
  return { outcome: deferred ? 'temporary' : 'permanent', ...(failed.error ? { error: failed.error } : {}), recipients, transcript };
}
