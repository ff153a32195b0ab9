import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findMailtoArg, MAX_MAILTO_LENGTH, parseMailto } from '../../electron/shared/mailto';

const empty = { to: [], cc: [], bcc: [], subject: '', body: '' };

describe('parseMailto', () => {
  it('takes the recipient from the path', () => {
    expect(parseMailto('mailto:chris@example.com')).toEqual({ ...empty, to: ['chris@example.com'] });
  });

  it('accepts the scheme in any case and a link with no recipient at all', () => {
    expect(parseMailto('MAILTO:chris@example.com')?.to).toEqual(['chris@example.com']);
    expect(parseMailto('mailto:?subject=Hi')).toEqual({ ...empty, subject: 'Hi' });
    expect(parseMailto('mailto:')).toEqual(empty);
  });

  it('splits comma-separated recipients and percent-decodes each (RFC 6068 §6.1)', () => {
    expect(parseMailto('mailto:joe@example.com,%22Doe%2C%20Jane%22%20%3Cjane@example.com%3E')?.to).toEqual([
      'joe@example.com',
      '"Doe, Jane" <jane@example.com>',
    ]);
  });

  it('keeps a quoted display name with a literal comma in one piece', () => {
    expect(parseMailto('mailto:"Doe, Jane" <jane@example.com>,bob@example.com')?.to).toEqual([
      '"Doe, Jane" <jane@example.com>',
      'bob@example.com',
    ]);
  });

  it('decodes an encoded question mark and percent sign in an address (RFC 6068 §6.1 examples)', () => {
    expect(parseMailto('mailto:%22not%40me%22@example.org')?.to).toEqual(['"not@me"@example.org']);
    expect(parseMailto('mailto:user%3Fquery@example.org')?.to).toEqual(['user?query@example.org']);
    expect(parseMailto('mailto:gorby%25kremvax@example.com')?.to).toEqual(['gorby%kremvax@example.com']);
  });

  it('reads to, cc, bcc, subject and body from the query, keys in any case', () => {
    const prefill = parseMailto('mailto:a@example.com?CC=b@example.com&Bcc=c@example.com&To=d@example.com&SUBJECT=Lunch%3F&Body=At%20noon');
    expect(prefill).toEqual({
      to: ['a@example.com', 'd@example.com'],
      cc: ['b@example.com'],
      bcc: ['c@example.com'],
      subject: 'Lunch?',
      body: 'At noon',
    });
  });

  it('joins repeated keys instead of keeping only the last', () => {
    const prefill = parseMailto(
      'mailto:?to=a@example.com&to=b@example.com,c@example.com&cc=d@example.com&cc=e@example.com&body=one&body=two',
    );
    expect(prefill?.to).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(prefill?.cc).toEqual(['d@example.com', 'e@example.com']);
    expect(prefill?.body).toBe('one\ntwo');
  });

  it('turns %0D%0A line breaks in the body into newlines', () => {
    expect(parseMailto('mailto:a@example.com?body=send%20current-issue%0D%0Asend%20index')?.body).toBe('send current-issue\nsend index');
    expect(parseMailto('mailto:a@example.com?body=one%0Atwo%0Dthree')?.body).toBe('one\ntwo\nthree');
  });

  it('leaves a plus sign as a plus (mailto is not an HTML form)', () => {
    const prefill = parseMailto('mailto:me+tag@example.com?subject=1+1%3D2');
    expect(prefill?.to).toEqual(['me+tag@example.com']);
    expect(prefill?.subject).toBe('1+1=2');
  });

  it('decodes UTF-8 in the subject and body', () => {
    expect(parseMailto('mailto:a@example.com?subject=%E2%82%AC%20caf%C3%A9&body=%F0%9F%93%AE')).toMatchObject({
      subject: '€ café',
      body: '📮',
    });
  });

  it('ignores other headers, so a link cannot set From, Reply-To or threading', () => {
    const prefill = parseMailto(
      'mailto:a@example.com?from=boss@example.com&reply-to=x@evil.example&In-Reply-To=%3C1@x%3E&X-Mailer=evil&subject=Hi',
    );
    expect(prefill).toEqual({ ...empty, to: ['a@example.com'], subject: 'Hi' });
  });

  it('drops empty recipients and empty pairs', () => {
    expect(parseMailto('mailto:a@example.com,,%20,?&&cc=&subject=')).toEqual({ ...empty, to: ['a@example.com'] });
  });

  it('ignores a fragment', () => {
    expect(parseMailto('mailto:a@example.com?subject=Hi#more')).toEqual({ ...empty, to: ['a@example.com'], subject: 'Hi' });
  });

  it('refuses header injection through a line break in the subject', () => {
    expect(parseMailto('mailto:a@example.com?subject=Hi%0D%0ABcc:%20all@example.com')).toBeNull();
    expect(parseMailto('mailto:a@example.com?subject=Hi%0ABcc:%20all@example.com')).toBeNull();
    expect(parseMailto('mailto:a@example.com?subject=Hi%0D')).toBeNull();
  });

  it('refuses header injection through a line break or NUL in an address', () => {
    expect(parseMailto('mailto:a@example.com%0D%0ABcc:%20all@example.com')).toBeNull();
    expect(parseMailto('mailto:?cc=b@example.com%0ASubject:%20spam')).toBeNull();
    expect(parseMailto('mailto:?bcc=b@example.com%00')).toBeNull();
  });

  it('refuses anything that is not a mailto: link', () => {
    for (const url of [
      'https://example.com/?to=a@example.com',
      'javascript:alert(1)',
      'mailto',
      ' file:///etc/passwd',
      'xmailto:a@example.com',
      '',
    ]) {
      expect(parseMailto(url), url).toBeNull();
    }
    expect(parseMailto(42 as never)).toBeNull();
  });

  it('refuses a malformed percent escape rather than guessing', () => {
    expect(parseMailto('mailto:a@example.com?subject=100%')).toBeNull();
    expect(parseMailto('mailto:a%ZZb@example.com')).toBeNull();
  });

  it('refuses a link longer than 64 KB instead of truncating it', () => {
    const body = 'x'.repeat(MAX_MAILTO_LENGTH);
    expect(parseMailto(`mailto:a@example.com?body=${body}`)).toBeNull();
    expect(parseMailto(`mailto:a@example.com?body=${'x'.repeat(MAX_MAILTO_LENGTH - 40)}`)?.body).toHaveLength(MAX_MAILTO_LENGTH - 40);
  });

  it('refuses more than a thousand recipients', () => {
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}@example.com`).join(',');
    expect(parseMailto(`mailto:${many}`)).toBeNull();
  });

  it('never throws and never lets a line break into an address or subject, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (a, b) => {
        const prefill = parseMailto(`mailto:${a}?subject=${b}&cc=${encodeURIComponent(b)}`);
        if (prefill === null) return;
        for (const value of [...prefill.to, ...prefill.cc, ...prefill.bcc, prefill.subject]) expect(value).not.toMatch(/[\r\n]/);
      }),
    );
  });

  it('reads back what was encoded', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 100 }).filter((s) => !/[\r\n\0]/.test(s) && s.trim() === s),
        fc.string({ maxLength: 500 }),
        (subject, body) => {
          const prefill = parseMailto(`mailto:a@example.com?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`);
          expect(prefill?.subject).toBe(subject);
          expect(prefill?.body).toBe(body.replace(/\0/g, '').replace(/\r\n?/g, '\n'));
        },
      ),
    );
  });
});

describe('findMailtoArg', () => {
  it('picks the mailto: link from a Windows or Linux command line', () => {
    expect(findMailtoArg(['C:\\Outbox\\Outbox.exe', '--allow-file-access-from-files', 'mailto:a@example.com?subject=Hi'])).toBe(
      'mailto:a@example.com?subject=Hi',
    );
    expect(findMailtoArg(['/usr/bin/outbox', 'MAILTO:a@example.com'])).toBe('MAILTO:a@example.com');
  });

  it('answers null when there is none, even if an argument merely mentions mailto', () => {
    expect(findMailtoArg(['/usr/bin/outbox', '--flag=mailto:a@example.com', 'notmailto:x'])).toBeNull();
    expect(findMailtoArg([])).toBeNull();
  });
});
