// Internationalised addresses (RFC 6531/6532), the part every tier shares: whether an address can only
// travel with SMTPUTF8. A non-ASCII domain alone does not need it: the envelope carries its A-label.

/** True when the address's local part has a non-ASCII character, so only a server offering SMTPUTF8 can take it. */
export function needsSmtpUtf8(address: string): boolean {
  const at = address.lastIndexOf('@');
  return /[\u0080-\uffff]/.test(at < 0 ? address : address.slice(0, at));
}
