// The SASL XOAUTH2 initial response that SMTP (AUTH XOAUTH2) and IMAP (AUTHENTICATE XOAUTH2) send.
// Format per Google and Microsoft: base64("user=" user ^A "auth=Bearer " token ^A ^A).

function hasControlCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

export function xoauth2String(user: string, accessToken: string): string {
  // A control character (^A above all) would end a field early and let a value smuggle in another one.
  if (hasControlCharacter(user) || hasControlCharacter(accessToken)) {
    throw new Error('xoauth2String: user or token contains a control character');
  }
  return Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`, 'utf8').toString('base64');
}
