// Never lose a recipient: the engine with the real SMTP sender against raw SMTP servers that defer (450,
// 451), refuse (550) or take only so many recipients per transaction (452 4.5.3), checked on what the
// server received: who was sent to in each transaction, and that every copy has the same bytes.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { OutboxEngine } from '../../../electron/core/outbox/engine-api';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import type { OutboxMessage } from '../../../electron/shared/message';
import { makeCerts } from '../../peers/certs';
import { startRawSmtp, type RawCommand, type RawSmtpServer } from '../../peers/raw-smtp';
import { FAST_TIMEOUTS, makeAccount } from '../smtp/fixtures';
import { FakeNetwork, ManualClock, MemoryAccounts, tempDir } from './harness';

const certs = makeCerts();
const FIVE = ['r1@example.test', 'r2@example.test', 'r3@example.test', 'r4@example.test', 'r5@example.test'];

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
});

interface Transaction {
  rcpts: string[];
  accepted: string[];
  bytes?: Buffer;
}

/** A raw server whose RCPT answers come from `answer` (changeable between attempts), logging each transaction. */
async function server(
  answer: (address: string, index: number) => string,
): Promise<{ smtp: RawSmtpServer; transactions: Transaction[]; set(fn: typeof answer): void }> {
  let current = answer;
  const transactions: Transaction[] = [];
  const open = new Map<unknown, Transaction>();
  const smtp = await startRawSmtp({
    tls: certs,
    mail: (c: RawCommand) => {
      const t: Transaction = { rcpts: [], accepted: [] };
      transactions.push(t);
      open.set(c.connection, t);
      return '250 2.1.0 Ok';
    },
    rcpt: (c: RawCommand) => {
      const t = open.get(c.connection)!;
      t.rcpts.push(c.address!);
      const reply = current(c.address!, c.rcptIndex!);
      if (reply.startsWith('2')) t.accepted.push(c.address!);
      return reply;
    },
    dataEnd: (c: RawCommand) => {
      const t = open.get(c.connection)!;
      t.bytes = c.connection.messages.at(-1);
      return `250 2.0.0 Ok: queued as Q${transactions.length}`;
    },
  });
  cleanups.push(() => smtp.close());
  return { smtp, transactions, set: (fn) => (current = fn) };
}

async function engineFor(port: number, options: { dir?: string; clock?: ManualClock; lifetimeMs?: number } = {}) {
  const dir = options.dir ?? (await tempDir());
  if (!options.dir) cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const clock = options.clock ?? new ManualClock(Date.now());
  const sender = new SmtpSender({ tls: { ca: certs.ca }, timeouts: FAST_TIMEOUTS });
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts: new MemoryAccounts({ ...makeAccount(port), sentCopy: { enabled: false } }),
    sender,
    connectivity: new FakeNetwork(),
    clock,
    ...(options.lifetimeMs ? { lifetimeMs: options.lifetimeMs } : {}),
  });
  await engine.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop({ graceMs: 500 });
  };
  cleanups.push(stop);
  return { engine, clock, dir, stop };
}

/** Waits until the message has had `n` attempts and is no longer being sent. */
async function afterAttempts(engine: OutboxEngine, id: string, n: number): Promise<OutboxMessage> {
  let found: OutboxMessage | undefined;
  await expect
    .poll(
      async () => {
        found = await engine.get(id);
        return found && found.state !== 'sending' ? found.attempts.length : -1;
      },
      { timeout: 10_000 },
    )
    .toBe(n);
  return found!;
}

const states = (m: OutboxMessage): Record<string, string> => Object.fromEntries((m.recipients ?? []).map((r) => [r.address, r.state]));

async function enqueue(engine: OutboxEngine, to: string[]): Promise<OutboxMessage> {
  return engine.enqueue({ to, subject: 'Quarterly figures', text: 'See attached.\n' });
}

/** Runs the clock past the message's next try so its deferred recipients go again. */
function toNextTry(clock: ManualClock, message: OutboxMessage): void {
  expect(message.nextAttemptAt).toBeDefined();
  clock.advance(Date.parse(message.nextAttemptAt!) - clock.now() + 1);
}

describe('per-recipient delivery through a real SMTP conversation', () => {
  it('450 for one of three: the others are delivered, it waits, and the retry goes to it alone with the same bytes and Message-ID', async () => {
    const peer = await server((a) =>
      a === 'b@example.test' ? '450 4.2.0 <b@example.test>: Recipient address rejected: Greylisted' : '250 2.1.5 Ok',
    );
    const { engine, clock } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, ['a@example.test', 'b@example.test', 'c@example.test']);

    const first = await afterAttempts(engine, m.id, 1);
    expect(first.state).toBe('queued');
    expect(states(first)).toEqual({ 'a@example.test': 'delivered', 'b@example.test': 'deferred', 'c@example.test': 'delivered' });
    expect(first.delivery).toMatchObject({ total: 3, delivered: 2, waiting: 1, refused: 0 });
    expect(first.lastError?.message).toContain('deferred 1 of 3 recipients');
    expect(first.lastError?.reply).toContain('Greylisted');
    expect(peer.transactions.map((t) => t.accepted)).toEqual([['a@example.test', 'c@example.test']]);

    peer.set(() => '250 2.1.5 Ok');
    toNextTry(clock, first);
    const second = await afterAttempts(engine, m.id, 2);
    expect(second.state).toBe('sent');
    expect(second.lastError).toBeUndefined();
    expect(peer.transactions[1]!.rcpts).toEqual(['b@example.test']);
    expect(peer.transactions[1]!.bytes!.equals(peer.transactions[0]!.bytes!)).toBe(true);
    expect(peer.transactions[1]!.bytes!.toString()).toContain(`Message-ID: ${m.messageId}`);
    expect(peer.transactions).toHaveLength(2);
  });

  it('451 and 550 among 250s: the refused one is done, the deferred one is retried alone, then the message is sent with the refusal in view', async () => {
    const peer = await server((a) =>
      a === 'b@example.test'
        ? '451 4.3.0 <b@example.test>: Temporary lookup failure'
        : a === 'c@example.test'
          ? '550 5.1.1 <c@example.test>: User unknown'
          : '250 2.1.5 Ok',
    );
    const { engine, clock } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, ['a@example.test', 'b@example.test', 'c@example.test']);

    const first = await afterAttempts(engine, m.id, 1);
    expect(first.state).toBe('queued');
    expect(states(first)).toEqual({ 'a@example.test': 'delivered', 'b@example.test': 'deferred', 'c@example.test': 'refused' });
    expect(first.recipients!.find((r) => r.address === 'c@example.test')!.reply).toBe('550 5.1.1 <c@example.test>: User unknown');

    peer.set(() => '250 2.1.5 Ok');
    toNextTry(clock, first);
    const second = await afterAttempts(engine, m.id, 2);
    expect(second.state).toBe('sent');
    expect(peer.transactions[1]!.rcpts).toEqual(['b@example.test']);
    expect(second.lastError).toMatchObject({ code: 'SMTP_RECIPIENT', reply: '550 5.1.1 <c@example.test>: User unknown' });
    expect(second.lastError?.message).toContain('refused 1 of 3 recipients; the others received the message');
  });

  it('452 4.5.3 too many recipients after 2 of 5: the rest go in further transactions of the same attempt', async () => {
    const peer = await server((_a, i) => (i >= 2 ? '452 4.5.3 Error: too many recipients' : '250 2.1.5 Ok'));
    const { engine } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, FIVE);

    const done = await afterAttempts(engine, m.id, 1);
    expect(done.state).toBe('sent');
    expect(done.delivery).toMatchObject({ total: 5, delivered: 5, waiting: 0 });
    expect(peer.transactions.map((t) => t.accepted)).toEqual([FIVE.slice(0, 2), FIVE.slice(2, 4), FIVE.slice(4)]);
    const bytes = peer.transactions.map((t) => t.bytes!);
    expect(bytes.every((b) => b.equals(bytes[0]!))).toBe(true);
    expect(bytes[0]!.toString()).toContain(`Message-ID: ${m.messageId}`);
  });

  it('a 452 that is not about the number of recipients (storage) is a deferral, not a reason to send at once', async () => {
    const peer = await server((a) => (a === 'r2@example.test' ? '452 4.3.1 Insufficient system storage' : '250 2.1.5 Ok'));
    const { engine } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, FIVE.slice(0, 3));
    const first = await afterAttempts(engine, m.id, 1);
    expect(first.state).toBe('queued');
    expect(states(first)['r2@example.test']).toBe('deferred');
    expect(peer.transactions).toHaveLength(1);
  });

  it('all deferred: nobody is dropped, and the next try goes to all of them', async () => {
    const peer = await server(() => '450 4.7.1 Try again later');
    const { engine, clock } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, ['a@example.test', 'b@example.test']);

    const first = await afterAttempts(engine, m.id, 1);
    expect(first.state).toBe('queued');
    expect(first.delivery).toMatchObject({ delivered: 0, waiting: 2 });
    expect(peer.transactions[0]!.bytes).toBeUndefined();

    peer.set(() => '250 2.1.5 Ok');
    toNextTry(clock, first);
    const second = await afterAttempts(engine, m.id, 2);
    expect(second.state).toBe('sent');
    expect(peer.transactions[1]!.accepted).toEqual(['a@example.test', 'b@example.test']);
  });

  it('all refused for good: the message fails at once and every recipient is refused', async () => {
    const peer = await server((a) => `550 5.1.1 <${a}>: User unknown`);
    const { engine } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, ['a@example.test', 'b@example.test']);
    const done = await afterAttempts(engine, m.id, 1);
    expect(done.state).toBe('failed');
    expect(states(done)).toEqual({ 'a@example.test': 'refused', 'b@example.test': 'refused' });
    expect(done.lastError).toMatchObject({ code: 'SMTP_RECIPIENT', responseCode: 550 });
  });

  it('a deferred recipient whose lifetime runs out fails for good, the delivered ones stay delivered, and the message says why', async () => {
    const lifetimeMs = 10 * 60_000;
    const peer = await server((a) => (a === 'b@example.test' ? '450 4.2.0 Mailbox busy' : '250 2.1.5 Ok'));
    const { engine, clock } = await engineFor(peer.smtp.port, { lifetimeMs });
    const m = await enqueue(engine, ['a@example.test', 'b@example.test']);
    let current = await afterAttempts(engine, m.id, 1);
    while (current.state === 'queued') {
      const n = current.attempts.length;
      toNextTry(clock, current);
      current = await afterAttempts(engine, m.id, n + 1);
    }
    expect(current.state).toBe('sent');
    expect(states(current)).toEqual({ 'a@example.test': 'delivered', 'b@example.test': 'failed' });
    expect(current.lastError).toMatchObject({ code: 'LIFETIME_EXPIRED', reply: '450 4.2.0 Mailbox busy' });
    expect(current.lastError?.message).toContain('1 of 2 recipients received the message');
    // a@ got it once; every later transaction was for b@ alone.
    expect(peer.transactions.filter((t) => t.rcpts.includes('a@example.test'))).toHaveLength(1);
    expect(peer.transactions.length).toBeGreaterThan(2);
  });

  it('a restart in the middle keeps delivered recipients delivered, even after a crash during the next attempt', async () => {
    const peer = await server((a) => (a === 'b@example.test' ? '451 4.4.3 Try later' : '250 2.1.5 Ok'));
    const clock = new ManualClock(Date.now());
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const before = await engineFor(peer.smtp.port, { dir, clock });
    const m = await enqueue(before.engine, ['a@example.test', 'b@example.test']);
    const first = await afterAttempts(before.engine, m.id, 1);
    await before.stop();
    // A crash while the next attempt was going out: the journal's last word is "going out".
    const log = (await fs.readdir(path.join(dir, 'spool', 'state'))).find((n) => /^state-\d+\.log$/.test(n))!;
    await fs.appendFile(path.join(dir, 'spool', 'state', log), `${JSON.stringify({ g: m.id })}\n`);

    peer.set(() => '250 2.1.5 Ok');
    clock.advance(Date.parse(first.nextAttemptAt!) - clock.now() + 1);
    const after = await engineFor(peer.smtp.port, { dir, clock });
    const done = await afterAttempts(after.engine, m.id, 2);
    expect(done.state).toBe('sent');
    expect(peer.transactions.map((t) => t.rcpts)).toEqual([['a@example.test', 'b@example.test'], ['b@example.test']]);
  });

  it('outbox retry on a partly delivered message tries only the deferred recipients, at once, with a fresh lifetime', async () => {
    const peer = await server((a) => (a === 'b@example.test' ? '450 4.2.0 Greylisted' : '250 2.1.5 Ok'));
    const { engine } = await engineFor(peer.smtp.port);
    const m = await enqueue(engine, ['a@example.test', 'b@example.test', 'c@example.test']);
    await afterAttempts(engine, m.id, 1);

    peer.set(() => '250 2.1.5 Ok');
    const retried = await engine.retry(m.id);
    expect(['queued', 'sending']).toContain(retried.state);
    expect(retried.recipients!.find((r) => r.address === 'b@example.test')!.state).toBe('pending');
    const done = await afterAttempts(engine, m.id, 2);
    expect(done.state).toBe('sent');
    expect(peer.transactions[1]!.rcpts).toEqual(['b@example.test']);
    // A sent message has nothing left to retry.
    await expect(engine.retry(m.id)).rejects.toMatchObject({ code: 'MESSAGE_STATE' });
  });
});
