// The XOAUTH2 SASL string, checked byte for byte after decoding.
import { describe, expect, it } from 'vitest';
import { xoauth2String } from '../../../electron/core/oauth/xoauth2';

describe('xoauth2String', () => {
  it('encodes user and bearer token with ^A separators', () => {
    const encoded = xoauth2String('someuser@example.com', 'ya29.token-value');
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('user=someuser@example.com\x01auth=Bearer ya29.token-value\x01\x01');
  });

  it('refuses values with control characters instead of sending a forged field', () => {
    expect(() => xoauth2String('a@example.com\x01auth=Bearer x', 'token')).toThrow(/control character/);
    expect(() => xoauth2String('a@example.com', 'tok\nen')).toThrow(/control character/);
  });
});
