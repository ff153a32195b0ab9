// Issue 9's raw-input reproductions, sent as a user would: `outbox send -t --wait` through a real Postfix submission
// service (STARTTLS) into real Dovecot mailboxes. Every recipient gets exactly one copy, no copy shows a Bcc or
// Resent-Bcc, and each delivered copy (less the trace headers the servers add) is byte for byte what Outbox stored.
// Postfix's own sendmail reading the same input into the same Postfix is the reference for who receives it; msmtp
// submitting a well-formed message side by side is the reference for what arrives.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { copies, describePostfix, headerBlock, newCopies, type Outbox, type RealWorld } from './suite';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/raw');
const BCC_HEADER = /^(resent-)?bcc\s*:/im;

/** Sends `input` with `outbox send ARGS --wait`, waits for Postfix to file it, and returns the id and who got a copy. */
async function outboxSend(world: RealWorld, outbox: Outbox, input: string | Buffer, args: string[]) {
  const before = world.snapshot();
  const r = await outbox.run(['send', ...args, '--wait'], { input });
  await world.peer.settled();
  return { r, id: r.stdout.trim(), got: newCopies(before, world.snapshot()) };
}

/** Who Postfix's own sendmail delivers the same input to. */
async function referenceRecipients(world: RealWorld, input: string | Buffer, args: string[]): Promise<Record<string, number>> {
  const before = world.snapshot();
  const r = world.sendmail(['-i', '-f', 'ann@example.com', ...args], input);
  expect(r.code, `Postfix's sendmail: ${r.stderr}`).toBe(0);
  await world.peer.settled();
  return newCopies(before, world.snapshot());
}

/**
 * The one change Postfix itself makes to a header block it passes on: its cleanup writes an obsolete "Name :" field
 * (RFC 5322 §4.5.) as "Name:" (seen with msmtp and Postfix's own sendmail alike).
 */
function asPostfixWrites(message: string): string {
  const end = message.indexOf('\r\n\r\n');
  const head = end < 0 ? message : message.slice(0, end);
  return head.replace(/(^|\r\n)([!-9;-~]+)[ \t]+:/g, '$1$2:') + (end < 0 ? '' : message.slice(end));
}

/** Each recipient's newest copy is the bytes Outbox stored (after the trace headers) and shows no Bcc. */
async function expectStoredBytesDelivered(world: RealWorld, outbox: Outbox, id: string, recipients: string[], hidden: string[] = []) {
  const stored = await outbox.stored(id);
  expect(stored.toString('latin1')).not.toMatch(/[^\r]\n|\r(?!\n)/);
  for (const address of recipients) {
    const copy = world.delivered(address).at(-1)!;
    expect(copy.trace.length, address).toBeGreaterThan(0);
    expect(copy.message.toString('latin1'), address).toBe(asPostfixWrites(stored.toString('latin1')));
    expect(headerBlock(copy.message), address).not.toMatch(BCC_HEADER);
    for (const h of hidden) expect(copy.message.toString('latin1'), `${address} sees ${h}`).not.toContain(h);
  }
}

// Postfix reads a lone CR as part of its line, not as a line end: its sendmail delivers "To: bob\rBcc: x" to bob and
// to a mailbox named "Bcc:x@…". Outbox normalises line ends once at enqueue, as issue 9 requires, so there Postfix is
// no reference for who receives it.
const CR_NOT_A_LINE_END = 'Postfix reads a lone CR as part of the line';

const REPRODUCTIONS: {
  name: string;
  input: string;
  args: string[];
  recipients: string[];
  hidden: string[];
  header?: RegExp;
  noReference?: string;
}[] = [
  {
    name: 'a bare CR inside the header block',
    input: 'From: ann@example.com\nTo: cr-bob@example.test\rBcc: cr-hidden@example.test\nSubject: cr\n\nbody\n',
    args: ['-t'],
    recipients: ['cr-bob@example.test', 'cr-hidden@example.test'],
    hidden: ['cr-hidden'],
    noReference: CR_NOT_A_LINE_END,
  },
  {
    name: '"Bcc : x" (obsolete space before the colon)',
    input: 'From: ann@example.com\nTo: obs-bob@example.org\nBcc : obs-hidden@example.test\nSubject: obsolete\n\nbody\n',
    args: ['-t'],
    recipients: ['obs-bob@example.org', 'obs-hidden@example.test'],
    hidden: ['obs-hidden'],
    header: /\r\nSubject: obsolete$/,
  },
  {
    name: 'an mbox "From " first line, with -t',
    input: 'From ann@example.com Thu Nov 26 09:00:00 2026\nFrom: ann@example.com\nTo: mbox-bob@example.org\nSubject: mbox\n\nbody\n',
    args: ['-t'],
    recipients: ['mbox-bob@example.org'],
    hidden: ['Thu Nov 26'],
    header: /(^|\r\n)From: ann@example\.com\r\n(.+\r\n)*Subject: mbox$/,
  },
  {
    name: 'an mbox "From " first line, recipients on the command line',
    input: 'From ann@example.com Thu Nov 26 09:00:00 2026\nFrom: ann@example.com\nTo: mbox-bob@example.org\nSubject: mbox\n\nbody\n',
    args: ['mbox-carol@example.org'],
    recipients: ['mbox-carol@example.org'],
    hidden: ['Thu Nov 26'],
    header: /\r\nSubject: mbox$/,
  },
  {
    name: 'Resent-Bcc (-t follows the Resent- headers)',
    input: fs.readFileSync(path.join(FIXTURES, 'resent.eml'), 'latin1'),
    args: ['-t'],
    recipients: ['frank@example.org', 'grace@example.org', 'hidden-resent@example.org'],
    hidden: ['hidden-'],
  },
  {
    name: 'a Message-ID with a comment',
    input: 'From: ann@example.com\nTo: mid-bob@example.org\nMessage-ID: <cmt-1@example.com> (comment)\nSubject: comment\n\nbody\n',
    args: ['-t'],
    recipients: ['mid-bob@example.org'],
    hidden: [],
    header: /^Message-ID: <cmt-1@example\.com> \(comment\)$/m,
  },
];

describePostfix('raw messages through a real Postfix into Dovecot', {}, (world) => {
  for (const c of REPRODUCTIONS) {
    it(`${c.name}: one copy each, no Bcc visible, delivered = stored, the recipients Postfix's sendmail finds`, async () => {
      const outbox = await world.outbox();
      const { r, id, got } = await outboxSend(world, outbox, c.input, c.args);
      expect(r.code, r.stderr).toBe(0);
      expect(got).toEqual(Object.fromEntries(c.recipients.map((a) => [a, 1])));
      await expectStoredBytesDelivered(world, outbox, id, c.recipients, c.hidden);
      if (c.header) expect(headerBlock(world.delivered(c.recipients[0]!).at(-1)!.message)).toMatch(c.header);
      if (!c.noReference) expect(await referenceRecipients(world, c.input, c.args)).toEqual(got);
      // The sender got neither a copy nor a bounce.
      expect(copies(world, ['ann@example.com'])).toEqual({ 'ann@example.com': 0 });
    });
  }

  it('a Message-ID with a comment is recorded as the bare msg-id', async () => {
    const outbox = await world.outbox();
    const { r, id } = await outboxSend(world, outbox, REPRODUCTIONS.find((c) => c.name.includes('comment'))!.input, ['-t']);
    expect(r.code, r.stderr).toBe(0);
    const show = JSON.parse((await outbox.run(['show', id, '--json'])).stdout) as { messageId: string; state: string };
    expect(show).toMatchObject({ messageId: '<cmt-1@example.com>', state: 'sent' });
  });

  it("every message of the raw corpus: delivered = stored, CRLF only, no Bcc, to whom Postfix's sendmail delivers", async () => {
    const outbox = await world.outbox();
    // Where Postfix's sendmail is no reference: it reads a lone CR as no line end (bare-cr-injection.eml; mac-cr.eml:
    // "no recipient addresses found"), and without SMTPUTF8 it cannot route a UTF-8 domain (idn.eml: Outbox sends
    // the A-label, test/realworld/international.test.ts).
    const noReference = new Set(['bare-cr-injection.eml', 'mac-cr.eml', 'idn.eml']);
    for (const name of fs.readdirSync(FIXTURES).filter((n) => n.endsWith('.eml'))) {
      // bare-cr-injection.eml's Bcc is at evil.test, a domain this Postfix does not deliver to.
      const input = fs.readFileSync(path.join(FIXTURES, name)).toString('latin1').replaceAll('evil.test', 'example.test');
      const { r, id, got } = await outboxSend(world, outbox, Buffer.from(input, 'latin1'), ['-t']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(Object.keys(got).length, name).toBeGreaterThan(0);
      expect(
        Object.values(got).every((n) => n === 1),
        `${name}: ${JSON.stringify(got)}`,
      ).toBe(true);
      await expectStoredBytesDelivered(world, outbox, id, Object.keys(got), ['hidden']);
      if (!noReference.has(name)) expect(await referenceRecipients(world, Buffer.from(input, 'latin1'), ['-t']), name).toEqual(got);
    }
  }, 90_000);

  it('side by side with msmtp: the same message reaches the same mailboxes with the same bytes', async () => {
    const outbox = await world.outbox();
    const input = [
      'From: Ann <ann@example.com>',
      'To: Side Bob <side-bob@example.org>, side-carol@example.test',
      'Cc: side-dave@example.org',
      'Bcc: side-erin@example.org',
      'Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= side by side',
      'Message-ID: <side-1@example.com>',
      'Date: Mon, 01 Jan 2024 12:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Grüße,',
      '.leading dot and a line of its own:',
      '.',
      'Ann',
      '',
    ].join('\r\n');
    const recipients = ['side-bob@example.org', 'side-carol@example.test', 'side-dave@example.org', 'side-erin@example.org'];
    const sent = await outboxSend(world, outbox, input, ['-t', '-i']);
    expect(sent.r.code, sent.r.stderr).toBe(0);
    expect(sent.got).toEqual(Object.fromEntries(recipients.map((a) => [a, 1])));
    const before = world.snapshot();
    const m = world.msmtp(['-t', '--from=ann@example.com'], input);
    expect(m.code, m.stderr).toBe(0);
    await world.peer.settled();
    expect(newCopies(before, world.snapshot())).toEqual(sent.got);
    for (const address of recipients) {
      const [viaOutbox, viaMsmtp] = world.delivered(address).slice(-2);
      expect(viaOutbox!.message.toString('utf8'), address).toBe(viaMsmtp!.message.toString('utf8'));
      expect(headerBlock(viaOutbox!.message)).not.toMatch(BCC_HEADER);
    }
  });
});
