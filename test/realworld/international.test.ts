// International addresses through a real Postfix into Dovecot: an IDN domain reaches the envelope as its A-label
// (Postfix takes xn--bcher-kva.test as a mailbox domain and refuses the UTF-8 form without SMTPUTF8); a non-ASCII
// local part is refused before MAIL FROM while Postfix does not announce SMTPUTF8 (smtputf8_enable = no), and
// delivered once it does; an account with a non-ASCII address adds a From that arrives as proper UTF-8.
import { expect, it } from 'vitest';
import { copies, describePostfix, headerBlock, type RealWorld } from './suite';

/** The lines Postfix logged since `mark` (a count of lines). */
function logSince(world: RealWorld, mark: number): string[] {
  return world.peer.postfixLog().split('\n').slice(mark);
}
function logMark(world: RealWorld): number {
  return world.peer.postfixLog().split('\n').length - 1;
}
/** Transactions smtpd opened (a MAIL FROM it accepted) in these log lines. */
function mailFromsIn(lines: string[]): number {
  return lines.filter((l) => /postfix\/smtpd\[\d+\]: \w+: client=/.test(l)).length;
}

describePostfix('international addresses against a real Postfix', { smtputf8: false }, (world) => {
  it('an IDN domain (bücher.test) in the headers and on the command line is delivered: the envelope carries the A-label', async () => {
    const outbox = await world.outbox();
    const mark = logMark(world);
    const input = 'From: ann@example.com\nTo: Bob <idn-bob@bücher.test>\nSubject: An internationalised domain\n\nbody\n';
    const r = await outbox.run(['send', '-t', '--wait', 'idn-carol@bücher.test'], { input });
    expect(r.code, r.stderr).toBe(0);
    await world.peer.settled();
    expect(copies(world, ['idn-bob@xn--bcher-kva.test', 'idn-carol@xn--bcher-kva.test'])).toEqual({
      'idn-bob@xn--bcher-kva.test': 1,
      'idn-carol@xn--bcher-kva.test': 1,
    });
    const log = logSince(world, mark).join('\n');
    expect(log).toMatch(/to=<idn-bob@xn--bcher-kva\.test>.*status=sent/);
    expect(log).not.toMatch(/bücher/);
    // What the reader sees is the address as written, punycode only in the envelope… or as the header was given.
    expect(headerBlock(world.delivered('idn-bob@xn--bcher-kva.test')[0]!.message)).toMatch(
      /^To: Bob <idn-bob@(bücher|xn--bcher-kva)\.test>$/m,
    );
  });

  it('for reference: msmtp puts the UTF-8 domain in RCPT TO and Postfix refuses it', async () => {
    const input = 'From: ann@example.com\r\nTo: idn-dave@bücher.test\r\nSubject: msmtp\r\n\r\nbody\r\n';
    const m = world.msmtp(['-t', '--from=ann@example.com'], input);
    expect(m.code).not.toBe(0);
    expect(m.stderr).toMatch(/501 5\.1\.3/);
  });

  it('a non-ASCII local part without SMTPUTF8: refused before MAIL FROM with a clear reason; delivered once Postfix offers it', async () => {
    const outbox = await world.outbox();
    const mark = logMark(world);
    const input = 'From: ann@example.com\nTo: 用户@example.test, utf-ok@example.org\nSubject: UTF-8 local part\n\nbody\n';
    const r = await outbox.run(['send', '-t', '--wait'], { input });
    expect(r.code, r.stderr).toBe(69);
    expect(r.stderr).toMatch(/cannot deliver to non-ASCII addresses: it does not offer SMTPUTF8, so the message was not sent/);
    const id = r.stdout.trim();
    // Outbox connected (it learnt what the server offers) but never began a transaction: nobody got anything.
    const lines = logSince(world, mark);
    expect(lines.some((l) => /smtpd\[\d+\]: connect from/.test(l))).toBe(true);
    expect(mailFromsIn(lines)).toBe(0);
    await world.peer.settled();
    expect(copies(world, ['用户@example.test', 'utf-ok@example.org'])).toEqual({ '用户@example.test': 0, 'utf-ok@example.org': 0 });

    world.peer.configure({ smtputf8_enable: 'yes' });
    try {
      const retried = await outbox.run(['retry', id, '--wait']);
      expect(retried.code, retried.stderr).toBe(0);
      await world.peer.settled();
      expect(copies(world, ['用户@example.test', 'utf-ok@example.org'])).toEqual({ '用户@example.test': 1, 'utf-ok@example.org': 1 });
      const copy = world.delivered('用户@example.test')[0]!;
      expect(copy.message.equals(await outbox.stored(id))).toBe(true);
      expect(headerBlock(copy.message)).toMatch(/^To: 用户@example\.test, utf-ok@example\.org$/m);
    } finally {
      world.peer.configure({ smtputf8_enable: 'no' });
    }
  });

  it('an account with a non-ASCII address and a message without From: refused without SMTPUTF8; with it, the added From is UTF-8', async () => {
    const outbox = await world.outbox('jörg@example.test', 'Jörg Müller');
    const input = 'To: intl-bob@example.org\nSubject: hi\n\nbody\n';
    const refused = await outbox.run(['send', '-t', '--wait'], { input });
    expect(refused.code, refused.stderr).not.toBe(0);
    expect(refused.stderr).toMatch(/non-ASCII|SMTPUTF8|internationali[sz]ed/i);
    await world.peer.settled();
    expect(copies(world, ['intl-bob@example.org'])).toEqual({ 'intl-bob@example.org': 0 });

    world.peer.configure({ smtputf8_enable: 'yes' });
    try {
      const r = await outbox.run(['send', '-t', '--wait'], { input });
      expect(r.code, r.stderr).toBe(0);
      await world.peer.settled();
      expect(copies(world, ['intl-bob@example.org'])).toEqual({ 'intl-bob@example.org': 1 });
      const copy = world.delivered('intl-bob@example.org')[0]!;
      // Valid UTF-8 throughout (no latin-1 byte such as 0xF6 for ö), the name as an RFC 2047 word.
      expect(Buffer.from(copy.message.toString('utf8'), 'utf8').equals(copy.message)).toBe(true);
      expect(headerBlock(copy.message)).toMatch(/^From: =\?UTF-8\?Q\?J=C3=B6rg_M=C3=BCller\?= <jörg@example\.test>$/m);
      expect(copy.trace.join('\n')).toContain('Return-Path: <jörg@example.test>');
      expect(copy.message.equals(await outbox.stored(r.stdout.trim()))).toBe(true);
    } finally {
      world.peer.configure({ smtputf8_enable: 'no' });
    }
  });
});
