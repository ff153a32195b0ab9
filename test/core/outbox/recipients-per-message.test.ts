// A message for more recipients than the provider takes in one message (its profile's recipientsPerMessage,
// or the account's override) leaves in several SMTP transactions of at most that many, same bytes, checked on
// what a raw SMTP server received; a batch the server refuses as a whole waits for the next try, the
// delivered ones are not sent again.
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { OutboxEngine } from '../../../electron/core/outbox/engine-api';
import { DEFAULT_PROFILE, limitsOf } from '../../../electron/core/providers/sending-profiles';
import { recipientBatches, SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import type { OutboxMessage } from '../../../electron/shared/message';
import { makeCerts } from '../../peers/certs';
import { startRawSmtp, type RawCommand } from '../../peers/raw-smtp';
import { FAST_TIMEOUTS, makeAccount } from '../smtp/fixtures';
import { FakeNetwork, ManualClock, MemoryAccounts, tempDir } from './harness';

const certs = makeCerts();
const SEVEN = Array.from({ length: 7 }, (_, i) => `r${i + 1}@example.test`);

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
});

interface Transaction {
  rcpts: string[];
  bytes?: Buffer;
}

/** A raw server logging each transaction; `mailReply(n)` answers the n-th MAIL FROM (1-based). */
async function server(mailReply: (n: number) => string = () => '250 2.1.0 Ok') {
  const transactions: Transaction[] = [];
  const open = new Map<unknown, Transaction>();
  let mails = 0;
  const smtp = await startRawSmtp({
    tls: certs,
    mail: (c: RawCommand) => {
      const reply = mailReply(++mails);
      if (reply.startsWith('2')) {
        const t: Transaction = { rcpts: [] };
        transactions.push(t);
        open.set(c.connection, t);
      } else open.delete(c.connection);
      return reply;
    },
    rcpt: (c: RawCommand) => {
      const t = open.get(c.connection);
      if (!t) return '503 5.5.1 Error: need MAIL command';
      t.rcpts.push(c.address!);
      return '250 2.1.5 Ok';
    },
    dataEnd: (c: RawCommand) => {
      open.get(c.connection)!.bytes = c.connection.messages.at(-1);
      return `250 2.0.0 Ok: queued as Q${transactions.length}`;
    },
  });
  cleanups.push(() => smtp.close());
  return { smtp, transactions };
}

async function engineFor(port: number, recipientsPerMessage: number, clock = new ManualClock(Date.now())) {
  const dir = await tempDir();
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const account = { ...makeAccount(port), sentCopy: { enabled: false }, limits: { recipientsPerMessage } };
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts: new MemoryAccounts(account),
    sender: new SmtpSender({ tls: { ca: certs.ca }, timeouts: FAST_TIMEOUTS }),
    connectivity: new FakeNetwork(),
    clock,
  });
  await engine.start();
  cleanups.push(() => engine.stop({ graceMs: 500 }));
  return { engine, clock };
}

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

describe('recipients per message', () => {
  it('batches of at most the limit, in order, every recipient once', () => {
    expect(recipientBatches(SEVEN, 3)).toEqual([SEVEN.slice(0, 3), SEVEN.slice(3, 6), SEVEN.slice(6)]);
    expect(recipientBatches(SEVEN, 7)).toEqual([SEVEN]);
    expect(recipientBatches(SEVEN, undefined)).toEqual([SEVEN]);
    expect(recipientBatches(['a@x.test'], 1)).toEqual([['a@x.test']]);
  });

  it("the account's override counts over its profile's figure", () => {
    const account = makeAccount(25);
    expect(limitsOf(account).recipientsPerMessage).toBe(DEFAULT_PROFILE.recipientsPerMessage);
    expect(limitsOf({ ...account, limits: { recipientsPerMessage: 3 } }).recipientsPerMessage).toBe(3);
  });

  it('7 recipients with a limit of 3: one attempt, three transactions of 3, 3 and 1, the same bytes, sent to all', async () => {
    const peer = await server();
    const { engine } = await engineFor(peer.smtp.port, 3);
    const m = await engine.enqueue({ to: SEVEN, subject: 'Team news', text: 'Hello all.\n' });
    const done = await afterAttempts(engine, m.id, 1);
    expect(done.state).toBe('sent');
    expect(done.delivery).toMatchObject({ total: 7, delivered: 7, waiting: 0 });
    expect(peer.transactions.map((t) => t.rcpts)).toEqual([SEVEN.slice(0, 3), SEVEN.slice(3, 6), SEVEN.slice(6)]);
    const bytes = peer.transactions.map((t) => t.bytes!);
    expect(bytes.every((b) => b.equals(bytes[0]!))).toBe(true);
    expect(bytes[0]!.toString()).toContain(`Message-ID: ${m.messageId}`);
    // The To header still names everyone: the batches are envelopes, not different messages.
    expect(bytes[0]!.toString()).toContain('r7@example.test');
  });

  it('the second batch refused as a whole (421 at MAIL): the first stays delivered, the rest wait and go alone at the next try', async () => {
    const peer = await server((n) => (n === 2 ? '451 4.7.0 Try again later' : '250 2.1.0 Ok'));
    const { engine, clock } = await engineFor(peer.smtp.port, 3);
    const m = await engine.enqueue({ to: SEVEN, subject: 'Team news', text: 'Hello all.\n' });
    const first = await afterAttempts(engine, m.id, 1);
    expect(first.state).toBe('queued');
    expect(first.delivery).toMatchObject({ total: 7, delivered: 3, waiting: 4, refused: 0 });
    expect(peer.transactions.map((t) => t.rcpts)).toEqual([SEVEN.slice(0, 3)]);

    clock.advance(Date.parse(first.nextAttemptAt!) - clock.now() + 1);
    const second = await afterAttempts(engine, m.id, 2);
    expect(second.state).toBe('sent');
    expect(peer.transactions.map((t) => t.rcpts)).toEqual([SEVEN.slice(0, 3), SEVEN.slice(3, 6), SEVEN.slice(6)]);
    const bytes = peer.transactions.map((t) => t.bytes!);
    expect(bytes.every((b) => b.equals(bytes[0]!))).toBe(true);
  });
});
