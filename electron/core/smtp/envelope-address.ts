// Addresses as the SMTP envelope carries them: the domain always as its A-label (punycode, RFC 5890),
// whatever the header says, so a server without SMTPUTF8 routes `user@bücher.test` as `user@xn--bcher-kva.test`.
import { domainToASCII } from 'node:url';
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import { needsSmtpUtf8 } from '../../shared/intl-address';

export { needsSmtpUtf8 };

/** `local@domain` with an ASCII domain; domain literals ([192.0.2.1]) and ASCII domains stay as given. */
export function envelopeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const domain = address.slice(at + 1);
  if (domain.startsWith('[') || !/[\u0080-\uffff]/.test(domain)) return address;
  const ascii = domainToASCII(domain);
  if (!ascii) {
    throw new AppError('VALIDATION', {
      message: `The domain of "${address}" is not a valid internationalised domain name.`,
      next: 'Correct the address and try again.',
    });
  }
  return `${address.slice(0, at)}@${ascii}`;
}

/** Refused at once when the account's last connection test saw no SMTPUTF8: the send would be refused anyway. */
export function knownWithoutSmtpUtf8(account: Pick<AccountProfile, 'smtp'>): AppError {
  return new AppError('SMTP_UTF8_UNSUPPORTED', {
    message: `${account.smtp.host} cannot deliver to non-ASCII addresses: it did not offer SMTPUTF8 when the account was last tested.`,
    next: "Use ASCII addresses, or send from another account; if the server has changed, test the account again ('outbox account test').",
  });
}
