// Pacing against loopback peers that answer as the providers do, byte for byte: a daily quota that runs out
// mid-flush, a profile's own daily allowance that survives a restart, a thread limit of 2, too many sign-ins,
// and a retired password. Whatever the provider says, no message that only has to wait fails.
import { afterEach, describe, expect, it } from 'vitest';
import type { AccountProfile } from '../../../electron/shared/account';
import type { OutboxEvent, OutboxMessage, PacingStatus } from '../../../electron/shared/message';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { SendingLimits } from '../../../electron/core/providers/sending-profiles';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { startProviderPeer, type ProviderPeer, type ProviderPeerOptions } from '../../peers/provider-smtp';
import { REPLIES } from '../providers/replies';
import { account, FakeNetwork, MemoryAccounts, tempDir } from './harness';

const DAY = 24 * 3_600_000;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

function limits(overrides: Partial<SendingLimits> = {}): SendingLimits {
  return {
    profileId: 'test',
    name: 'Gmail',
    maxConnections: 2,
    messagesPerMinute: null,
    recipientsPerMessage: 100,
    messagesPerDay: null,
    recipientsPerDay: null,
    filesSentCopy: false,
    ...overrides,
  };
}

interface Setup {
  peer: ProviderPeer;
  accounts: MemoryAccounts;
  acct: AccountProfile;
  dir: string;
  engine: ReturnType<typeof createOutboxEngine>;
  events: OutboxEvent[];
  /** Starts offline, so a whole queue meets the server at once when it goes online, as after a trip. */
  network: FakeNetwork;
  start(): Promise<ReturnType<typeof createOutboxEngine>>;
}

async function setup(peerOptions: ProviderPeerOptions, paceBy: SendingLimits): Promise<Setup> {
  const peer = await startProviderPeer(peerOptions);
  closers.push(() => peer.close());
  const acct = account('acct', {
    smtp: { host: '127.0.0.1', port: peer.port, security: 'none', insecure: true, user: 'ann', authMethod: 'auto' },
  });
  const accounts = new MemoryAccounts(acct);
  const dir = await tempDir('outbox-pacing-');
  const events: OutboxEvent[] = [];
  const network = new FakeNetwork(false);
  const s: Setup = {
    network,
    peer,
    accounts,
    acct,
    dir,
    events,
    engine: undefined as unknown as Setup['engine'],
    async start() {
      const sender = new SmtpSender({ timeouts: { connection: 5_000, greeting: 5_000, socket: 10_000 } });
      // lifetime 1 ms: any ordinary temporary failure would fail the message at once; a wait must not.
      const engine = createOutboxEngine({
        dataDir: dir,
        accounts,
        sender,
        connectivity: network,
        lifetimeMs: 1,
        pacing: { limitsFor: () => paceBy },
      });
      engine.on((e) => events.push(e));
      closers.push(() => engine.stop({ graceMs: 500 }));
      await engine.start();
      s.engine = engine;
      return engine;
    },
  };
  await s.start();
  return s;
}

async function queue(s: Setup, count: number): Promise<OutboxMessage[]> {
  const out: OutboxMessage[] = [];
  for (let i = 0; i < count; i++)
    out.push(await s.engine.enqueue({ accountId: s.acct.id, to: [`r${i}@example.test`], subject: `Message ${i}`, text: `Body ${i}` }));
  s.network.set(true);
  return out;
}

/** Waits until every message is sent or waiting for a later time (none in flight, none due). */
async function settled(s: Setup, total: number): Promise<OutboxMessage[]> {
  await expect
    .poll(
      async () => {
        const list = await s.engine.list();
        return (
          list.length === total &&
          list.every(
            (m) =>
              m.state === 'sent' ||
              m.state === 'failed' ||
              m.state === 'held' ||
              (m.state === 'queued' && m.nextAttemptAt !== undefined && Date.parse(m.nextAttemptAt) > Date.now()),
          )
        );
      },
      { timeout: 20_000 },
    )
    .toBe(true);
  return s.engine.list();
}

function pacingStatuses(s: Setup): (PacingStatus | null)[] {
  return s.events.flatMap((e) => (e.type === 'pacing' ? [e.status] : []));
}

describe('pacing by provider', () => {
  it('a daily quota that runs out mid-flush: the rest wait for the window to free up, none fail', async () => {
    const s = await setup({ dailyQuota: { messages: 5, reply: REPLIES.gmailDailyLimit } }, limits());
    await queue(s, 9);
    const list = await settled(s, 9);

    const sent = list.filter((m) => m.state === 'sent');
    const waiting = list.filter((m) => m.state === 'queued');
    expect(sent).toHaveLength(5);
    expect(waiting).toHaveLength(4);
    expect(list.filter((m) => m.state === 'failed')).toEqual([]);
    expect(s.peer.accepted()).toBe(5);
    // Gmail counts a rolling 24 hours: the first send ages out first.
    const firstSent = Math.min(...sent.map((m) => Date.parse(m.sentAt!)));
    for (const m of waiting) {
      expect(Math.abs(Date.parse(m.nextAttemptAt!) - (firstSent + DAY))).toBeLessThan(5_000);
      expect(m.lastError).toMatchObject({ code: 'SMTP_DAILY_LIMIT', retryable: true });
    }
    // The provider's own words are kept on the attempt that met the limit.
    const refusedAttempt = waiting.flatMap((m) => m.attempts).find((a) => a.error?.reply === REPLIES.gmailDailyLimit);
    expect(refusedAttempt?.throttle).toMatchObject({ action: 'pause-until', rule: 'gmail-daily-limit' });
    expect(pacingStatuses(s)).toContainEqual(expect.objectContaining({ kind: 'daily-limit', provider: 'Gmail' }));
  });

  it("keeps to the profile's own daily allowance before the server says so, and remembers it across a restart", async () => {
    const s = await setup({}, limits({ messagesPerDay: 3, name: 'iCloud Mail' }));
    await queue(s, 5);
    const list = await settled(s, 5);
    expect(list.filter((m) => m.state === 'sent')).toHaveLength(3);
    expect(s.peer.accepted()).toBe(3);
    const firstSent = Math.min(...list.filter((m) => m.sentAt).map((m) => Date.parse(m.sentAt!)));
    const waiting = list.filter((m) => m.state === 'queued');
    expect(waiting).toHaveLength(2);
    for (const m of waiting) {
      expect(Math.abs(Date.parse(m.nextAttemptAt!) - (firstSent + DAY))).toBeLessThan(5_000);
      // A local time people read, not a UTC stamp: "… leaves after 14:05 on 4 Dec."
      expect(m.lastError?.message).toMatch(
        /^iCloud Mail's daily limit reached: this message leaves after \d\d:\d\d on \d{1,2} [A-Z][a-z]{2}\.$/,
      );
    }

    // Restarted: the count comes back from the journal, so "send all now" still sends nothing.
    await s.engine.stop({ graceMs: 500 });
    const again = await s.start();
    await again.flush();
    const after = await settled(s, 5);
    expect(s.peer.accepted()).toBe(3);
    expect(after.filter((m) => m.state === 'queued')).toHaveLength(2);
    expect(after.filter((m) => m.state === 'failed')).toEqual([]);
  });

  it('a thread limit of 2: every message delivered, none failed, and the connection count drops', async () => {
    const s = await setup(
      { threadLimit: { sessions: 2, reply: REPLIES.microsoftThreadLimit } },
      limits({ name: 'Microsoft', maxConnections: 4 }),
    );
    await queue(s, 20);
    await expect.poll(async () => (await s.engine.list()).filter((m) => m.state === 'sent').length, { timeout: 30_000 }).toBe(20);

    const list = await s.engine.list();
    expect(list.filter((m) => m.state === 'failed')).toEqual([]);
    expect(s.peer.accepted()).toBe(20);
    expect(s.peer.refusals.length).toBeGreaterThan(0);
    expect(s.peer.refusals.every((r) => r === REPLIES.microsoftThreadLimit)).toBe(true);
    const status = s.engine.pacingOf(s.acct.id);
    expect(status).toMatchObject({ kind: 'fewer-connections', provider: 'Microsoft' });
    expect(status!.connections).toBeLessThanOrEqual(2);
    // It had 4 connections open; the retired pools close and what stays is no more than the server allows.
    expect(s.peer.peakSessions()).toBeGreaterThan(2);
    await expect.poll(() => s.peer.raw.connections.filter((c) => !c.closed).length).toBeLessThanOrEqual(2);
  });

  it('too many sign-ins: stops signing in for a while instead of failing, and the account stays fine', async () => {
    const s = await setup({ loginLimit: { logins: 1, reply: REPLIES.gmailTooManyLogins } }, limits({ maxConnections: 3 }));
    const started = Date.now();
    await queue(s, 6);
    const list = await settled(s, 6);
    expect(list.filter((m) => m.state === 'failed')).toEqual([]);
    expect(list.filter((m) => m.state === 'held')).toEqual([]);
    expect((await s.accounts.get(s.acct.id))!.status).toBe('ok');
    expect(s.peer.refusals).toContain(REPLIES.gmailTooManyLogins);
    // Those that could not go wait about a quarter of an hour, not a backoff that ends in failure.
    for (const m of list.filter((x) => x.state === 'queued')) expect(Date.parse(m.nextAttemptAt!) - started).toBeGreaterThan(10 * 60_000);
    expect(s.engine.pacingOf(s.acct.id)).toMatchObject({ kind: 'stop-signing-in' });
    expect(list.filter((m) => m.state === 'sent').length + list.filter((m) => m.state === 'queued').length).toBe(6);
  });

  it("a retired password (Microsoft's 5.7.30): the account needs Microsoft's sign-in and its mail is kept, not failed", async () => {
    const s = await setup({ authReply: REPLIES.microsoftBasicAuthRetired }, limits({ name: 'Microsoft' }));
    await queue(s, 3);
    const list = await settled(s, 3);
    expect(list.map((m) => m.state)).toEqual(['held', 'held', 'held']);
    expect(list.every((m) => m.holdReason === 'account')).toBe(true);
    const account = (await s.accounts.get(s.acct.id))!;
    expect(account.status).toBe('needs-sign-in');
    const attempt = list.flatMap((m) => m.attempts)[0]!;
    expect(attempt.error).toMatchObject({ code: 'SMTP_PASSWORD_RETIRED', reply: REPLIES.microsoftBasicAuthRetired });
    expect(attempt.error?.next).toContain('Sign in with Microsoft');
    expect(s.peer.accepted()).toBe(0);
  });
});
