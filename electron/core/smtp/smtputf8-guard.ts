// The envelope as it goes on the wire, for internationalised addresses (RFC 6531): domains always as
// A-labels, and a non-ASCII local part only to a server that offered SMTPUTF8 on this connection.
// nodemailer sends a non-ASCII address whatever the server offered, so the check is made here, once the
// pool's connection has greeted (its EHLO answered) and before MAIL FROM.
import type { Mail, SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer';
import { AppError } from '../../shared/errors';
import { envelopeAddress, needsSmtpUtf8 } from './envelope-address';

export interface WireEnvelope {
  from: string | false;
  to: string[];
  /** Any address that can only travel with SMTPUTF8. */
  needsSmtpUtf8: boolean;
  /** Wire form → the form the message was queued with, to report results in the queued form. */
  original: Map<string, string>;
}

export function wireEnvelope(envelope: { from: string; to: string[] }): WireEnvelope {
  const original = new Map<string, string>();
  const wire = (address: string): string => {
    const ascii = envelopeAddress(address);
    original.set(ascii, address);
    return ascii;
  };
  const from = envelope.from ? wire(envelope.from) : false;
  const to = envelope.to.map(wire);
  return { from, to, needsSmtpUtf8: [...(from ? [from] : []), ...to].some(needsSmtpUtf8), original };
}

/** nodemailer's pool internals read here: the slot carrying `message`, and its connection's EHLO keywords. */
interface PoolInternals {
  _connections?: { queueEntry?: { mail?: { message?: unknown } } | false; connection?: { _supportedExtensions?: string[] } }[];
}

/**
 * Whether the pooled connection about to carry `message` offered SMTPUTF8. Called from the message's
 * getEnvelope, which the pool calls after the connection is up and before MAIL FROM. False when the
 * slot or its keywords cannot be found: refusing is safe, sending a non-ASCII address blind is not.
 */
export function connectionOffersSmtpUtf8(mail: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>, message: unknown): boolean {
  const slots = (mail.transporter as unknown as PoolInternals)._connections ?? [];
  const slot = slots.find((s) => s.queueEntry && s.queueEntry.mail?.message === message);
  return slot?.connection?._supportedExtensions?.includes('SMTPUTF8') ?? false;
}

export function smtpUtf8Refusal(host: string): AppError {
  return new AppError('SMTP_UTF8_UNSUPPORTED', {
    message: `${host} cannot deliver to non-ASCII addresses: it does not offer SMTPUTF8, so the message was not sent (nothing went past the greeting).`,
  });
}

/** Puts the queued form back on the addresses a server result or error names (accepted, rejected, rejectedErrors). */
export function restoreQueuedForm(target: unknown, original: Map<string, string>): void {
  if (!target || typeof target !== 'object') return;
  const t = target as { accepted?: unknown; rejected?: unknown; rejectedErrors?: unknown };
  const back = (a: unknown): unknown => (typeof a === 'string' ? (original.get(a) ?? a) : a);
  if (Array.isArray(t.accepted)) t.accepted = t.accepted.map(back);
  if (Array.isArray(t.rejected)) t.rejected = t.rejected.map(back);
  if (Array.isArray(t.rejectedErrors)) {
    for (const e of t.rejectedErrors as { recipient?: unknown }[]) if (e && typeof e === 'object') e.recipient = back(e.recipient);
  }
}
