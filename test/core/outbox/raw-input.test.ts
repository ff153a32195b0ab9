// Raw (sendmail-style) input read as Postfix's sendmail reads it: each case reproduced an issue-9 report
// (`printf … | outbox send -t`) that today's reader got wrong.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountProfile } from '../../../electron/shared/account';
import { bareMessageId, prepareRawMessage } from '../../../electron/core/outbox/raw-message';
import { LineNormalizer } from '../../../electron/core/outbox/raw-input';
import { account } from './harness';

const date = new Date('2026-11-27T10:00:00Z');

async function bytesOf(r: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Feeds `input` in chunks of `size` bytes, so state across chunk borders is exercised too. */
function chunked(input: string | Buffer, size = 1 << 20): Readable {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

async function prepare(
  input: string | Buffer,
  o: { t?: boolean; rcpt?: string[]; i?: boolean; acct?: AccountProfile; from?: string; size?: number } = {},
) {
  const acct = o.acct ?? account();
  const prepared = await prepareRawMessage(
    {
      input: chunked(input, o.size),
      recipientsFromHeaders: o.t ?? true,
      ignoreDots: o.i ?? false,
      ...(o.rcpt ? { recipients: o.rcpt } : {}),
      ...(o.from ? { envelopeFrom: o.from } : {}),
    },
    async () => acct,
    date,
  );
  const out = await bytesOf(prepared.body);
  return { meta: prepared.meta, out, text: out.toString('utf8') };
}

function headBlock(text: string): string {
  return text.slice(0, text.indexOf('\r\n\r\n') + 2);
}

describe('raw input: line ends', () => {
  it('reads a bare CR in the header block as a line end: the Bcc after it is removed and bob stays in the envelope', async () => {
    const { meta, text } = await prepare('From: ann@acct.example.com\nTo: bob@example.test\rBcc: x@evil.test\n\nbody\n');
    expect(meta.envelope.to).toEqual(['bob@example.test', 'x@evil.test']);
    expect(text).not.toContain('x@evil.test');
    expect(text).not.toMatch(/^Bcc/im);
    expect(text).toContain('To: bob@example.test\r\n');
  });

  it('stores only CRLF line ends, whatever mix came in, at any chunk border', async () => {
    const input = 'From: ann@acct.example.com\r\nTo: a@example.org\nSubject: mixed\r\r\nX: y\n\none\rtwo\r\nthree\nfour\r';
    for (const size of [1, 2, 3, 7, 1000]) {
      const { out } = await prepare(input, { size });
      const text = out.toString('latin1');
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      // "\r\r\n" is two line ends, as nodemailer's DATA stream would also send it: an empty line ends the header.
      expect(text).toMatch(/Subject: mixed\r\n\r\nX: y\r\n\r\none\r\ntwo\r\nthree\r\nfour\r\n$/);
    }
  });

  it('ends the input at a lone dot however the line ends, and keeps "..." lines', async () => {
    const { text } = await prepare('To: a@example.org\n\nbefore\r..\r.\rafter\n', { size: 1 });
    expect(text.endsWith('before\r\n..\r\n')).toBe(true);
    const whole = await prepare('To: a@example.org\n\nbefore\r.\rafter\n', { i: true });
    expect(whole.text.endsWith('before\r\n.\r\nafter\r\n')).toBe(true);
  });
});

describe('raw input: the header block', () => {
  it('takes "Bcc : h@example.test" (RFC 5322 §4.5 obsolete syntax) as a header: removed, in the envelope, Subject kept', async () => {
    const { meta, text } = await prepare(
      'From: ann@acct.example.com\nTo: a@example.org\nBcc : h@example.test\nSubject: obsolete\n\nbody\n',
    );
    expect(meta.envelope.to).toEqual(['a@example.org', 'h@example.test']);
    expect(meta.subject).toBe('obsolete');
    expect(meta.bccCount).toBe(1);
    expect(text).not.toContain('h@example.test');
    expect(text).toMatch(/\r\nSubject: obsolete\r\n\r\nbody\r\n$/);
  });

  it('drops an mbox "From " first line, with -t and with recipients on the command line', async () => {
    const input =
      'From ann@acct.example.com Thu Nov 26 10:00:00 2026\nFrom: ann@acct.example.com\nTo: bob@example.org\nSubject: mbox\n\nFrom here on\n';
    const t = await prepare(input);
    expect(t.meta.envelope.to).toEqual(['bob@example.org']);
    expect(t.text).not.toContain('Thu Nov 26');
    expect(t.meta.subject).toBe('mbox');
    const args = await prepare(input, { t: false, rcpt: ['carol@example.org'] });
    expect(args.meta.envelope.to).toEqual(['carol@example.org']);
    expect(headBlock(args.text)).toContain('Subject: mbox\r\n');
    expect(args.text.endsWith('\r\n\r\nFrom here on\r\n')).toBe(true);
  });

  it('keeps header bytes that are not UTF-8 (latin-1) exactly, when it rebuilds the block around a removed Bcc', async () => {
    const input = Buffer.concat([
      Buffer.from('To: a@example.org\nBcc: b@example.org\nSubject: caf'),
      Buffer.from([0xe9, 0x20, 0xff]),
      Buffer.from('\nX-Folded: one\n\ttwo\n\nbody\n'),
    ]);
    const { out } = await prepare(input);
    const expected = Buffer.concat([
      Buffer.from('Subject: caf'),
      Buffer.from([0xe9, 0x20, 0xff]),
      Buffer.from('\r\nX-Folded: one\r\n\ttwo\r\n\r\nbody\r\n'),
    ]);
    expect(out.subarray(out.length - expected.length).equals(expected)).toBe(true);
    expect(out.includes(Buffer.from('b@example.org'))).toBe(false);
  });

  it('ends the header block at a line that is not a header, and puts the empty line in', async () => {
    const { meta, text } = await prepare('To: a@example.org\nSubject: no gap\nthis is the body: not a header\nmore\n');
    expect(meta.subject).toBe('no gap');
    expect(text).toMatch(/Subject: no gap\r\n\r\nthis is the body: not a header\r\nmore\r\n$/);
  });

  it('removes Resent-Bcc, and with Resent- headers -t reads Resent-To/Cc/Bcc instead of To/Cc/Bcc (as Postfix)', async () => {
    const input = [
      'Resent-From: ann@acct.example.com',
      'Resent-To: new@example.org',
      'Resent-Cc: copy@example.org',
      'Resent-Bcc: hidden@example.org',
      'From: someone@example.net',
      'To: original@example.net',
      'Bcc: old-hidden@example.net',
      'Subject: forwarded',
      '',
      'body',
      '',
    ].join('\n');
    const { meta, text } = await prepare(input);
    expect(meta.envelope.to).toEqual(['new@example.org', 'copy@example.org', 'hidden@example.org']);
    expect(meta.bccCount).toBe(1);
    expect(meta.to).toEqual(['new@example.org']);
    expect(text).not.toMatch(/hidden@|^Resent-Bcc|^Bcc/im);
    expect(text).toContain('To: original@example.net\r\n');
    // Without -t the Resent-Bcc header is still removed.
    const args = await prepare(input, { t: false, rcpt: ['x@example.org'] });
    expect(args.text).not.toMatch(/hidden@|^Resent-Bcc/im);
  });

  it('normalises a Message-ID with a comment to the bare msg-id, and refuses one that is not a msg-id', async () => {
    const { meta, text } = await prepare('Message-ID: <id@x> (comment)\nTo: a@example.org\n\nbody\n');
    expect(meta.messageId).toBe('<id@x>');
    expect(text).toContain('Message-ID: <id@x> (comment)\r\n');
    expect(bareMessageId(' (a (nested) <fake@x>)\r\n <real@y> (tail)')).toBe('<real@y>');
    expect(bareMessageId('no-brackets@x')).toBeNull();
    await expect(prepare('Message-ID: not an id\nTo: a@example.org\n\nbody\n')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('Message-ID'),
    });
  });
});

describe('raw input: what is refused', () => {
  it('refuses a header line over 998 bytes, naming the line', async () => {
    const long = `Subject: ${'x'.repeat(990)}`;
    await expect(prepare(`To: a@example.org\n${long}\n\nbody\n`)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/^Line 2 of the message is longer than 998 bytes/),
    });
    // 998 exactly is allowed.
    const ok = await prepare(`To: a@example.org\nSubject: ${'y'.repeat(998 - 9)}\n\nbody\n`);
    expect(ok.meta.subject).toHaveLength(989);
  });

  it('refuses a body line over 998 bytes and a NUL byte, naming the line', async () => {
    await expect(prepare(`To: a@example.org\n\nok\n${'z'.repeat(999)}\n`, { size: 100 })).rejects.toMatchObject({
      message: expect.stringMatching(/^Line 4 of/),
    });
    await expect(prepare(Buffer.from('To: a@example.org\n\nok\r\nbad\0byte\n'))).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/^Line 4 of the message contains a NUL byte/),
    });
    await expect(prepare(Buffer.from('To: a@example.org\nSubject: a\0b\n\nok\n'))).rejects.toMatchObject({
      message: expect.stringMatching(/^Line 2 of the message contains a NUL/),
    });
  });

  it('normalises any input split anywhere exactly as a line-by-line reading does (fast-check)', () => {
    /** The plain reading: split at CRLF, CR or LF; a lone "." ends the input unless dots are ignored. */
    const reference = (input: string, ignoreDots: boolean): string => {
      const lines = input.split(/\r\n|\r|\n/);
      const last = lines.pop()!;
      let out = '';
      for (const line of [...lines, ...(last ? [last] : [])]) {
        if (!ignoreDots && line === '.') return out;
        out += `${line}\r\n`;
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a.\r\n]{0,40}$/),
        fc.array(fc.nat(40), { maxLength: 6 }),
        fc.boolean(),
        (input, cuts, ignoreDots) => {
          const bytes = Buffer.from(input, 'latin1');
          const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const n = new LineNormalizer(ignoreDots);
          const out: Buffer[] = [];
          let from = 0;
          for (const p of [...points, bytes.length]) {
            out.push(n.push(bytes.subarray(from, p)));
            from = p;
          }
          out.push(n.end());
          expect(Buffer.concat(out).toString('latin1')).toBe(reference(input, ignoreDots));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('counts lines across chunk borders and line-end styles', () => {
    const n = new LineNormalizer(true);
    n.push(Buffer.from('a\r'));
    n.push(Buffer.from('\nb\rc\n'));
    expect(n.line).toBe(4);
    expect(() => n.push(Buffer.from('x'.repeat(999)))).toThrow(/Line 4 /);
  });
});

describe('raw input: headers Outbox adds', () => {
  it('writes the added From of a non-ASCII account as UTF-8 (the envelope needs SMTPUTF8 anyway), with an RFC 2047 name', async () => {
    const acct = account('intl', { email: '用户@example.test', name: 'Jörg Ünicode' });
    const { meta, out } = await prepare('To: a@example.org\nSubject: hi\n\nbody\n', { acct });
    const head = out.subarray(0, out.indexOf('\r\n\r\n')).toString('utf8');
    expect(head).toContain('From: =?UTF-8?Q?J=C3=B6rg_=C3=9Cnicode?= <用户@example.test>\r\n');
    expect(head).toMatch(/^Message-ID: <[0-9a-f-]+@example\.test>\r\n/);
    expect(meta.envelope.from).toBe('用户@example.test');
    // Valid UTF-8 throughout: no latin-1 bytes.
    expect(Buffer.from(out.toString('utf8'), 'utf8').equals(out)).toBe(true);
  });

  it('writes an internationalised domain as its A-label in the added From, Message-ID and the envelope', async () => {
    const acct = account('idn', { email: 'jorg@bücher.test', name: 'Jörg' });
    const { meta, text } = await prepare('To: Bob <bob@müller.test>\n\nbody\n', { acct });
    expect(text).toContain('From: =?UTF-8?Q?J=C3=B6rg?= <jorg@xn--bcher-kva.test>\r\n');
    expect(text).toMatch(/Message-ID: <[0-9a-f-]+@xn--bcher-kva\.test>/);
    expect(meta.envelope).toEqual({ from: 'jorg@xn--bcher-kva.test', to: ['bob@xn--mller-kva.test'] });
  });

  it("refuses a non-ASCII local part at once when the account's server was last seen without SMTPUTF8", async () => {
    const known = account('known', { smtp: { ...account().smtp, smtpUtf8: false } });
    await expect(prepare('To: 用户@example.test\n\nbody\n', { acct: known })).rejects.toMatchObject({
      code: 'SMTP_UTF8_UNSUPPORTED',
      retryable: false,
    });
    // An internationalised domain alone is fine: it goes as its A-label.
    expect((await prepare('To: bob@bücher.test\n\nbody\n', { acct: known })).meta.envelope.to).toEqual(['bob@xn--bcher-kva.test']);
    // Not known (never tested): queued; the sender decides on the live connection.
    expect((await prepare('To: 用户@example.test\n\nbody\n')).meta.envelope.to).toEqual(['用户@example.test']);
  });

  it('refuses to write a UTF-8 From when the envelope (-f) would not use SMTPUTF8', async () => {
    const acct = account('intl', { email: 'jörg@example.test' });
    await expect(prepare('To: a@example.org\n\nbody\n', { acct, from: 'bounce@example.test' })).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('SMTPUTF8'),
    });
  });
});
