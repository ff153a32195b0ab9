// Addresses as the SMTP envelope carries them: the domain always as its A-label (punycode, RFC 5890),
// whatever the header says, so a server without SMTPUTF8 routes `user@bücher.test` as `user@xn--bcher-kva.test`.
import { domainToASCII } from 'node:url';
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
    throw new AppError('VALIDATION', { message: `The domain of "${address}" is not a valid internationalised domain name.`, next: 'Correct the address and try again.' });
  }
  return `${address.slice(0, at)}@${ascii}`;
}
