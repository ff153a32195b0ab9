// Recipient parsing: what becomes a chip, and which chips are refused as not being a mailbox.
import { describe, expect, it } from 'vitest';
import { addressKey, formatMailbox, isValidMailbox, parseMailbox, splitAddresses } from '../../../renderer/src/compose/addresses';

describe('splitAddresses', () => {
  it('splits pasted text at commas, semicolons and line breaks', () => {
    expect(splitAddresses('a@x.com, Bob <b@y.org>; c@z\nd@w.net')).toEqual(['a@x.com', 'Bob <b@y.org>', 'c@z', 'd@w.net']);
  });

  it('keeps a quoted name with a comma in it as one mailbox', () => {
    expect(splitAddresses('"Doe, Jane" <jane@example.com>, b@y.org')).toEqual(['"Doe, Jane" <jane@example.com>', 'b@y.org']);
  });

  it('drops empty pieces and extra spaces', () => {
    expect(splitAddresses(' ,  a@x.com ;; ')).toEqual(['a@x.com']);
  });
});

describe('parseMailbox', () => {
  it('accepts a bare address and a named one', () => {
    expect(parseMailbox('bob@example.com')).toEqual({ address: 'bob@example.com', display: 'bob@example.com' });
    expect(parseMailbox('Bob Example <bob@example.com>')).toEqual({
      name: 'Bob Example',
      address: 'bob@example.com',
      display: 'Bob Example <bob@example.com>',
    });
    expect(parseMailbox('"Doe, Jane" <jane@example.com>')?.name).toBe('Doe, Jane');
  });

  it.each([
    'c@z',
    'bob',
    'bob@',
    '@example.com',
    'bob@@example.com',
    'bob smith@example.com',
    'Bob <bob@example>',
    'Bob <>',
    'bob@example.',
    'bob@.com',
  ])('refuses %s', (text) => {
    expect(isValidMailbox(text)).toBe(false);
  });

  it('compares addresses without case and without the name', () => {
    expect(addressKey('Bob <Bob@Example.com>')).toBe(addressKey('bob@example.com'));
  });

  it('quotes a name that holds a separator', () => {
    expect(formatMailbox({ name: 'Doe, Jane', address: 'j@x.org' })).toBe('"Doe, Jane" <j@x.org>');
    expect(formatMailbox({ address: 'j@x.org' })).toBe('j@x.org');
  });
});
