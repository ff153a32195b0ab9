import { describe, expect, it } from 'vitest';
import { prepareRawMessage } from '../../../electron/core/outbox/raw-message';
import { account, stream } from './harness';

async function text(r: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('latin1');
}

const pick = async () => account();
const date = new Date('2026-11-27T10:00:00Z');

describe('sendmail-style input', () => {
  it('takes recipients from the headers with -t, removes Bcc from the bytes, and adds Message-ID and Date', async () => {
    const input =
      'From: Ann <ann@acct.example.com>\nTo: Bob <bob@example.org>, carol@example.org\nCc: dan@example.org\nBcc: eve@example.org,\n  fay@example.org\nSubject: Report\n\nLine one\nLine two\n';
    const prepared = await prepareRawMessage({ input: stream(input), recipientsFromHeaders: true, ignoreDots: true }, pick, date);
    expect(prepared.meta.envelope).toEqual({
      from: 'ann@acct.example.com',
      to: ['bob@example.org', 'carol@example.org', 'dan@example.org', 'eve@example.org', 'fay@example.org'],
    });
    expect(prepared.meta.subject).toBe('Report');
    expect(prepared.meta.bccCount).toBe(2);
    const out = await text(prepared.body);
    expect(out).not.toMatch(/eve@|fay@|^Bcc/im);
    expect(out).toMatch(/^Message-ID: <[0-9a-f-]+@acct\.example\.com>\r\n/);
    expect(out).toContain('Date: Fri, 27 Nov 2026 10:00:00 +0000\r\n');
    expect(out).toContain('Subject: Report\r\n\r\nLine one\r\nLine two\r\n');
    expect(out).not.toMatch(/[^\r]\n/);
  });

  it('keeps an existing Message-ID, and uses -f and command-line recipients for the envelope', async () => {
    const input = 'Message-ID: <keep@here>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nTo: listed@example.org\n\nbody';
    const prepared = await prepareRawMessage(
      { input: stream(input), envelopeFrom: 'bounce@acct.example.com', recipients: ['only@example.org'] },
      pick,
      date,
    );
    expect(prepared.meta.messageId).toBe('<keep@here>');
    expect(prepared.meta.envelope).toEqual({ from: 'bounce@acct.example.com', to: ['only@example.org'] });
    const out = await text(prepared.body);
    expect(out.match(/Message-ID/g)).toHaveLength(1);
    expect(out).toContain('From: Ann Example <ann@acct.example.com>\r\n');
    expect(out.endsWith('body\r\n')).toBe(true);
  });

  it('ends the input at a lone dot unless -i is given', async () => {
    const input = 'To: a@example.org\n\nbefore\n.\nafter\n';
    const plain = await prepareRawMessage({ input: stream(input), recipientsFromHeaders: true }, pick, date);
    expect(await text(plain.body)).toMatch(/before\r\n$/);
    const withI = await prepareRawMessage({ input: stream(input), recipientsFromHeaders: true, ignoreDots: true }, pick, date);
    expect(await text(withI.body)).toMatch(/before\r\n\.\r\nafter\r\n$/);
  });

  it('refuses a message without any recipient, and an invalid one', async () => {
    await expect(prepareRawMessage({ input: stream('Subject: x\n\nbody') }, pick, date)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('no recipients'),
    });
    await expect(prepareRawMessage({ input: stream('Subject: x\n\nbody'), recipients: ['bob'] }, pick, date)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      prepareRawMessage({ input: stream('Subject: x\n\nbody'), recipients: ['a@b.org\r\nRCPT TO:<x@y.z>'] }, pick, date),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('keeps 8-bit bytes exactly as given', async () => {
    const bytes = Buffer.concat([
      Buffer.from('To: a@example.org\nSubject: caf'),
      Buffer.from([0xc3, 0xa9]),
      Buffer.from('\n\n'),
      Buffer.from([0xff, 0x01, 0x80]),
      Buffer.from('\n'),
    ]);
    const { Readable } = await import('node:stream');
    const prepared = await prepareRawMessage({ input: Readable.from([bytes]), recipientsFromHeaders: true }, pick, date);
    expect(prepared.meta.subject).toBe('café');
    const chunks: Buffer[] = [];
    for await (const c of prepared.body) chunks.push(c as Buffer);
    const out = Buffer.concat(chunks);
    expect(out.includes(Buffer.from([0xff, 0x01, 0x80, 0x0d, 0x0a]))).toBe(true);
  });
});
