// Recipients have their own state, against a real Postfix into Dovecot: one recipient deferred with 450 by an access
// table while the others are delivered once; after the rule goes (postmap + postfix reload) `outbox retry --wait`
// delivers to that one only. Postfix's recipient limit (452 4.5.3 too many recipients) splits 5 recipients over
// several transactions in one go. And what `outbox flush --wait` exits with: 0 all delivered, 75 still waiting,
// 67 refused for good.
import { expect, it } from 'vitest';
import { copies, describePostfix, type Outbox } from './suite';

const DEFER = '450 4.2.0 try later';
const REFUSE = '550 5.1.1 no such user here';

function message(subject: string): string {
  return [
    'From: Ann <ann@example.com>',
    'To: Team <team@example.org>',
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `About ${subject}.`,
    '',
  ].join('\r\n');
}

/** Queues a message for `recipients` without an attempt (as offline), and returns its id. */
async function queueOffline(outbox: Outbox, recipients: string[], subject: string): Promise<string> {
  const r = await outbox.run(['send', ...recipients], { input: message(subject), env: { OUTBOX_OFFLINE: '1' } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

const ACCESS = {
  'later-c@example.test': DEFER,
  'exit-later@example.test': DEFER,
  'exit-nobody@example.test': REFUSE,
  'mixed-nobody@example.test': REFUSE,
};

describePostfix('recipient states and flush --wait against a real Postfix', { recipientAccess: ACCESS }, (world) => {
  it('one recipient deferred with 450: the others get one copy, show says 2 of 3, retry later delivers to that one only', async () => {
    const outbox = await world.outbox();
    const all = ['later-a@example.test', 'later-b@example.org', 'later-c@example.test'];
    const sent = await outbox.run(['send', '--wait', '--max-wait', '3', ...all], { input: message('deferred') });
    expect(sent.code, sent.stderr).toBe(75);
    expect(sent.stderr).toMatch(/still waiting/);
    const id = sent.stdout.trim();
    await world.peer.settled();
    expect(copies(world, all)).toEqual({ 'later-a@example.test': 1, 'later-b@example.org': 1, 'later-c@example.test': 0 });

    const show = await outbox.run(['show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/delivered to 2 of 3, 1 waiting/);
    expect(show.stdout).toMatch(/later-c@example\.test.*450 4\.2\.0/);
    const queue = await outbox.run(['queue']);
    expect(queue.stdout).toMatch(/delivered to 2 of 3, 1 waiting/);

    world.peer.setRecipientAccess({ ...ACCESS, 'later-c@example.test': 'OK' });
    const retried = await outbox.run(['retry', id, '--wait']);
    expect(retried.code, retried.stderr).toBe(0);
    await world.peer.settled();
    expect(copies(world, all)).toEqual({ 'later-a@example.test': 1, 'later-b@example.org': 1, 'later-c@example.test': 1 });
    // The same message (same Message-ID, same bytes) reached the deferred recipient.
    const first = world.delivered('later-a@example.test')[0]!.message;
    expect(world.delivered('later-c@example.test')[0]!.message.equals(first)).toBe(true);
    expect(JSON.parse((await outbox.run(['show', id, '--json'])).stdout)).toMatchObject({ state: 'sent' });
  });

  it('smtpd_recipient_limit = 2 and 5 recipients (452 4.5.3 too many recipients): all 5 get one copy in one send', async () => {
    world.peer.configure({ smtpd_recipient_limit: '2' });
    try {
      const outbox = await world.outbox();
      const five = [1, 2, 3, 4, 5].map((n) => `limit-${n}@example.org`);
      const r = await outbox.run(['send', '--wait', '--max-wait', '20', ...five], { input: message('five') });
      expect(r.code, r.stderr).toBe(0);
      await world.peer.settled();
      expect(copies(world, five)).toEqual(Object.fromEntries(five.map((a) => [a, 1])));
      const shown = JSON.parse((await outbox.run(['show', r.stdout.trim(), '--json'])).stdout) as { state: string; messageId: string };
      expect(shown.state).toBe('sent');
      // The limit was in force: Postfix took the message in at least 3 transactions of at most 2 recipients each.
      const transactions = world.peer
        .log(500)
        .split('\n')
        .filter((line) => line.includes(`cleanup`) && line.includes(`message-id=${shown.messageId}`));
      expect(transactions.length).toBeGreaterThanOrEqual(3);
    } finally {
      world.peer.configure({ smtpd_recipient_limit: '1000' });
    }
  });

  it('flush --wait exits 0 when every message was delivered', async () => {
    const outbox = await world.outbox();
    const to = ['exit-ok-1@example.org', 'exit-ok-2@example.org', 'exit-ok-3@example.org'];
    for (const address of to) await queueOffline(outbox, [address], address);
    const r = await outbox.run(['flush', '--wait']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('3 messages sent.');
    await world.peer.settled();
    expect(copies(world, to)).toEqual(Object.fromEntries(to.map((a) => [a, 1])));
  });

  it('flush --wait exits 75 while a recipient deferred with 450 still waits, naming the next try', async () => {
    const outbox = await world.outbox();
    await queueOffline(outbox, ['exit-soon@example.org', 'exit-later@example.test'], 'still waiting');
    const r = await outbox.run(['flush', '--wait', '--max-wait', '3']);
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/1 still waiting \(next try \d{4}-\d\d-\d\d \d\d:\d\d/);
    await world.peer.settled();
    expect(copies(world, ['exit-soon@example.org', 'exit-later@example.test'])).toEqual({
      'exit-soon@example.org': 1,
      'exit-later@example.test': 0,
    });
  });

  it('flush --wait exits 67 when the only recipient is refused with 550, and nothing is delivered', async () => {
    const outbox = await world.outbox();
    const id = await queueOffline(outbox, ['exit-nobody@example.test'], 'refused');
    const r = await outbox.run(['flush', '--wait']);
    expect(r.code, r.stderr).toBe(67);
    expect(r.stderr).toMatch(/550 5\.1\.1 <exit-nobody@example\.test>: Recipient address rejected: no such user here/);
    await world.peer.settled();
    expect(copies(world, ['exit-nobody@example.test'])).toEqual({ 'exit-nobody@example.test': 0 });
    expect(JSON.parse((await outbox.run(['show', id, '--json'])).stdout)).toMatchObject({ state: 'failed' });
  });

  it('flush --wait exits 67 when one of two recipients is refused for good; the other gets one copy', async () => {
    const outbox = await world.outbox();
    const id = await queueOffline(outbox, ['mixed-ok@example.org', 'mixed-nobody@example.test'], 'half refused');
    const r = await outbox.run(['flush', '--wait']);
    expect(r.code, r.stderr).toBe(67);
    expect(r.stderr).toMatch(/mixed-nobody@example\.test/);
    await world.peer.settled();
    expect(copies(world, ['mixed-ok@example.org', 'mixed-nobody@example.test'])).toEqual({
      'mixed-ok@example.org': 1,
      'mixed-nobody@example.test': 0,
    });
    const show = await outbox.run(['show', id]);
    expect(show.stdout).toMatch(/delivered to 1 of 2, 1 refused/);
  });
});
