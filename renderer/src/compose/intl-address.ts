// Whether an address can only travel with SMTPUTF8 (its local part is not ASCII): the renderer's copy of
// electron/shared/intl-address.ts, since the renderer imports only types from electron/. A test keeps them equal.

export function needsSmtpUtf8(address: string): boolean {
  const at = address.lastIndexOf('@');
  return /[\u0080-\uffff]/.test(at < 0 ? address : address.slice(0, at));
}
