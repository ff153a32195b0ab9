import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboxEvent } from '../../../electron/shared/message';
import { FIRST_RETRY_MS, MAX_RETRY_MS } from '../../../electron/core/outbox/backoff';
import { channelAddress, sendRequest } from '../../../electron/core/outbox/sender-channel';
import { account, FakeNetwork, makeEngine, ManualClock, MemoryAccounts, ScriptedSender, tempDir } from './harness';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function setup(parts: Parameters<typeof makeEngine>[1] = {}) {
  const dir = await tempDir();
  const made = makeEngine(dir, parts);
  await made.engine.start();
  cleanups.push(async () => {
    await made.engine.stop({ graceMs: 100 });
    await fs.rm(dir, { recursive: true, force: true });
  });
  return { dir, ...made };
}

const simple = { to: ['bob@example.org'], subject: 'Hello', text: 'Hi Bob' };

describe('outbox engine', () => {
  it('sends a queued message with exactly the bytes it stored, and reports queued → sending → sent', async () => {
    const { engine, sender, dir } = await setup();
    const states: string[] = [];
    engine.on((e: OutboxEvent) => e.type === 'changed' && states.push(e.message.state));
    const queued = await engine.enqueue(simple);
    expect(queued.state).toBe('queued');
    const done = await engine.waitFor(queued.id);
    expect(done.state).toBe('sent');
    expect(done.attempts).toHaveLength(1);
    expect(done.attempts[0]!.outcome).toBe('sent');
    expect(sender.received).toHaveLength(1);
    const bytes = sender.received[0]!.bytes.toString();
    expect(bytes).toContain(`Message-ID: ${queued.messageId}`);
    expect(bytes).toContain('Subject: Hello');
    expect(bytes).toMatch(/\r\n\r\nHi Bob/);
    expect(sender.received[0]!.envelope).toEqual({ from: 'ann@acct.example.com', to: ['bob@example.org'] });
    // Each transition is reported once it is on disk, in order.
    await expect.poll(() => states).toEqual(['queued', 'sending', 'sent']);
    // Sent messages leave the queue folder (once the engine is idle) but keep their bytes for the Sent copy.
    await expect.poll(() => fs.readdir(path.join(dir, 'spool', 'queue'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'spool', 'sent'))).toEqual([`${queued.id}.msg`]);
    expect((await engine.bytesOf(queued.id))?.file).toBe(path.join(dir, 'spool', 'sent', `${queued.id}.msg`));
  });

  it('keeps Bcc recipients in the envelope but out of the bytes everyone receives', async () => {
    const { engine, sender } = await setup();
    const m = await engine.enqueue({ to: ['bob@example.org'], bcc: ['secret@example.net'], subject: 's', text: 't' });
    await engine.waitFor(m.id);
    expect(sender.received[0]!.envelope.to).toEqual(['bob@example.org', 'secret@example.net']);
    expect(sender.received[0]!.bytes.toString()).not.toContain('secret@example.net');
    expect(m.bccCount).toBe(1);
  });

  it('refuses line breaks in header values and invalid addresses before anything is queued', async () => {
    const { engine, dir } = await setup({ autoSend: false });
    await expect(engine.enqueue({ to: ['bob@example.org'], subject: 'a\r\nBcc: evil@example.com', text: 'x' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(engine.enqueue({ to: ['not an address'], subject: 'a', text: 'x' })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(engine.enqueue({ to: ['bob@example.org'], subject: 'a', text: 'x', headers: { 'X-Evil': 'a\nb' } })).rejects.toMatchObject(
      { code: 'VALIDATION' },
    );
    expect(await engine.list()).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'spool', 'queue'))).toEqual([]);
  });

  it('refuses a missing attachment with a clear error and leaves nothing half-written', async () => {
    const { engine, dir } = await setup({ autoSend: false });
    const err = await engine.enqueue({ ...simple, attachments: [{ path: path.join(dir, 'nope.pdf') }] }).catch((e) => e);
    expect(err.code).toBe('ATTACHMENT_UNREADABLE');
    expect(err.message).toContain('nope.pdf');
    expect(await fs.readdir(path.join(dir, 'spool', 'queue'))).toEqual([]);
    expect(await fs.readdir(path.join(dir, 'spool', 'tmp'))).toEqual([]);
  });

  it('streams a file attachment into the message', async () => {
    const { engine, sender, dir } = await setup();
    const file = path.join(dir, 'report.txt');
    await fs.writeFile(file, 'quarterly numbers');
    const m = await engine.enqueue({ ...simple, attachments: [{ path: file }] });
    await engine.waitFor(m.id);
    const bytes = sender.received[0]!.bytes.toString();
    expect(bytes).toContain('filename=report.txt');
    expect(bytes).toContain(Buffer.from('quarterly numbers').toString('base64'));
  });

  it('retries a temporary failure with backoff (first retry within a minute) and then sends', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const sender = new ScriptedSender(() =>
      ++calls === 1
        ? {
            outcome: 'temporary',
            transcript: [],
            error: {
              code: 'SMTP_TEMPORARY',
              message: 'busy',
              next: 'wait',
              retryable: true,
              reply: '451 4.3.0 try later',
              responseCode: 451,
            },
          }
        : { outcome: 'sent', transcript: [] },
    );
    const { engine } = await setup({ clock, sender });
    const m = await engine.enqueue(simple);
    const waiting = await engine.waitFor(m.id, ['queued']).then(async () => {
      await new Promise((r) => setTimeout(r, 50));
      return engine.get(m.id);
    });
    expect(waiting!.attempts).toHaveLength(1);
    expect(waiting!.lastError?.reply).toBe('451 4.3.0 try later');
    const delay = Date.parse(waiting!.nextAttemptAt!) - clock.now();
    expect(delay).toBeGreaterThan(0);
    expect(delay).toBeLessThanOrEqual(60_000);
    clock.advance(delay);
    const sent = await engine.waitFor(m.id);
    expect(sent.state).toBe('sent');
    expect(sent.attempts.map((a) => a.outcome)).toEqual(['temporary', 'sent']);
  });

  it('applies a retry time the user shortened to messages already waiting, at their next attempt', async () => {
    const clock = new ManualClock();
    let lifetimeMs = 5 * 24 * 3_600_000;
    const sender = new ScriptedSender(() => ({
      outcome: 'temporary',
      transcript: [],
      error: { code: 'SMTP_TEMPORARY', message: 'busy', next: 'wait', retryable: true, reply: '451 4.3.0 try later', responseCode: 451 },
    }));
    const { engine } = await setup({ clock, sender, lifetimeMs: () => lifetimeMs });
    const m = await engine.enqueue(simple);
    const waiting = await expect
      .poll(async () => engine.get(m.id))
      .toMatchObject({ state: 'queued', attempts: [expect.anything()] })
      .then(() => engine.get(m.id));
    // Two hours of trying is all the user wants now; the first attempt was more than that ago by the next one.
    lifetimeMs = 2 * 3_600_000;
    clock.advance(3 * 3_600_000);
    const failed = await engine.waitFor(m.id);
    expect(failed.state).toBe('failed');
    expect(failed.lastError).toMatchObject({ code: 'LIFETIME_EXPIRED', reply: '451 4.3.0 try later' });
    expect(failed.attempts).toHaveLength(waiting!.attempts.length + 1);
  });

  it('gives up after the lifetime with the last server reply, never waiting more than an hour between tries', async () => {
    const clock = new ManualClock();
    const sender = new ScriptedSender(() => ({
      outcome: 'temporary',
      transcript: [],
      error: { code: 'SMTP_TEMPORARY', message: 'busy', next: 'wait', retryable: true, reply: '421 4.7.0 too busy', responseCode: 421 },
    }));
    const { engine } = await setup({ clock, sender, lifetimeMs: 6 * 3_600_000 });
    const m = await engine.enqueue(simple);
    let message = (await engine.get(m.id))!;
    let seen = 0;
    for (let i = 0; i < 60; i++) {
      // Wait for the next attempt to be recorded, then move the clock to the retry it scheduled.
      // Generous: on a loaded 2-core machine one attempt (journal commit included) can take over a second.
      await expect
        .poll(
          async () => {
            const now = (await engine.get(m.id))!;
            return now.state === 'failed' || (now.state === 'queued' && now.attempts.length > seen && !!now.nextAttemptAt);
          },
          { timeout: 10_000 },
        )
        .toBe(true);
      message = (await engine.get(m.id))!;
      if (message.state === 'failed') break;
      seen = message.attempts.length;
      const wait = Date.parse(message.nextAttemptAt!) - clock.now();
      expect(wait).toBeLessThanOrEqual(MAX_RETRY_MS);
      clock.advance(wait);
    }
    expect(message.state).toBe('failed');
    expect(message.lastError?.code).toBe('LIFETIME_EXPIRED');
    expect(message.lastError?.reply).toBe('421 4.7.0 too busy');
    expect(message.attempts.length).toBeGreaterThan(5);
    expect(FIRST_RETRY_MS).toBeLessThanOrEqual(60_000);
  });

  it('fails a permanently refused message at once and sends the one behind it', async () => {
    const sender = new ScriptedSender((req) =>
      req.envelope.to[0] === 'nobody@example.org'
        ? {
            outcome: 'permanent',
            transcript: [],
            error: {
              code: 'SMTP_RECIPIENT',
              message: 'refused',
              next: 'check',
              retryable: false,
              reply: '550 5.1.1 no such user',
              responseCode: 550,
            },
          }
        : { outcome: 'sent', transcript: [] },
    );
    const { engine } = await setup({ sender });
    const bad = await engine.enqueue({ ...simple, to: ['nobody@example.org'] });
    const good = await engine.enqueue(simple);
    expect((await engine.waitFor(bad.id)).lastError?.reply).toBe('550 5.1.1 no such user');
    expect((await engine.waitFor(bad.id)).state).toBe('failed');
    expect((await engine.waitFor(good.id)).state).toBe('sent');
  });

  it('holds every message of an account whose password is refused, keeps other accounts sending, and resumes once fixed', async () => {
    const accounts = new MemoryAccounts(account('bad'), account('good'));
    let refuse = true;
    const sender = new ScriptedSender((req) =>
      req.account.id === 'bad' && refuse
        ? {
            outcome: 'auth',
            transcript: [],
            error: {
              code: 'SMTP_AUTH',
              message: 'refused',
              next: 'fix',
              retryable: false,
              reply: '535 5.7.8 bad credentials',
              responseCode: 535,
            },
          }
        : { outcome: 'sent', transcript: [] },
    );
    const { engine } = await setup({ accounts, sender, autoSend: true });
    const b1 = await engine.enqueue({ ...simple, accountId: 'bad' });
    const held = await engine.waitFor(b1.id, ['held']);
    const b2 = await engine.enqueue({ ...simple, accountId: 'bad' });
    const g1 = await engine.enqueue({ ...simple, accountId: 'good' });
    expect((await engine.waitFor(g1.id)).state).toBe('sent');
    expect(held.holdReason).toBe('account');
    expect(held.lastError?.reply).toContain('535 5.7.8');
    expect((await accounts.get('bad'))!.status).toBe('needs-attention');
    await new Promise((r) => setTimeout(r, 50));
    expect((await engine.get(b2.id))!.state).toBe('held');
    // Only one AUTH try reached the server: no hammering.
    expect(sender.received.filter((r) => r.accountId === 'bad')).toHaveLength(1);
    refuse = false;
    await accounts.setStatus('bad', 'ok');
    engine.accountChanged((await accounts.get('bad'))!);
    expect((await engine.waitFor(b1.id)).state).toBe('sent');
    expect((await engine.waitFor(b2.id)).state).toBe('sent');
  });

  it('releases messages held for an account that was fixed while no sender ran, at the next start', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const accounts = new MemoryAccounts(account('acct'));
    const refusing = new ScriptedSender(() => ({
      outcome: 'auth',
      transcript: [],
      error: { code: 'SMTP_AUTH', message: 'refused', next: 'fix', retryable: false, reply: '535 5.7.8 no', responseCode: 535 },
    }));
    const first = makeEngine(dir, { accounts, sender: refusing });
    await first.engine.start();
    const m = await first.engine.enqueue(simple);
    expect((await first.engine.waitFor(m.id, ['held'])).holdReason).toBe('account');
    await first.engine.stop();
    // Fixed from elsewhere (another process changed the account) while nothing was sending.
    await accounts.setStatus('acct', 'ok');
    const second = makeEngine(dir, { accounts });
    await second.engine.start();
    cleanups.push(() => second.engine.stop());
    expect((await second.engine.waitFor(m.id)).state).toBe('sent');
  });

  it('waits while offline without counting attempts, and flushes as soon as the network returns', async () => {
    const network = new FakeNetwork(false);
    const { engine, sender } = await setup({ network });
    const a = await engine.enqueue(simple);
    const b = await engine.enqueue(simple);
    await new Promise((r) => setTimeout(r, 100));
    expect(sender.received).toHaveLength(0);
    expect((await engine.get(a.id))!.attempts).toHaveLength(0);
    network.set(true);
    expect((await engine.waitFor(a.id)).attempts).toHaveLength(1);
    expect((await engine.waitFor(b.id)).state).toBe('sent');
  });

  it('keeps a scheduled message until its time, across a restart', async () => {
    const clock = new ManualClock();
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const first = makeEngine(dir, { clock });
    await first.engine.start();
    const at = new Date(clock.now() + 3_600_000).toISOString();
    const m = await first.engine.enqueue({ ...simple, scheduledAt: at });
    expect(m.state).toBe('scheduled');
    await first.engine.stop();
    const second = makeEngine(dir, { clock, sender: first.sender });
    await second.engine.start();
    cleanups.push(() => second.engine.stop());
    await new Promise((r) => setTimeout(r, 50));
    expect(first.sender.received).toHaveLength(0);
    clock.advance(3_600_000);
    expect((await second.engine.waitFor(m.id)).state).toBe('sent');
  });

  it('returns a message interrupted mid-send to the queue after a crash and sends it with the same Message-ID', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const stuck = new ScriptedSender(() => new Promise(() => {}));
    const crashed = makeEngine(dir, { sender: stuck });
    await crashed.engine.start();
    const m = await crashed.engine.enqueue(simple);
    await crashed.engine.waitFor(m.id, ['sending']);
    // The process "dies": its lock is left behind with a pid that no longer runs.
    await fs.writeFile(
      path.join(dir, 'spool', 'sender.lock'),
      JSON.stringify({ pid: 2 ** 22 + 7, host: (await import('node:os')).hostname(), token: 'dead', since: '' }),
    );
    const next = makeEngine(dir);
    await next.engine.start();
    cleanups.push(() => next.engine.stop());
    expect(next.engine.role).toBe('sender');
    const sent = await next.engine.waitFor(m.id);
    expect(sent.state).toBe('sent');
    expect((next.sender as ScriptedSender).received[0]!.bytes.toString()).toContain(`Message-ID: ${m.messageId}`);
  });

  it('moves a damaged queue entry to quarantine with a visible error and sends the rest', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const producer = makeEngine(dir, { autoSend: false });
    await producer.engine.start();
    const a = await producer.engine.enqueue(simple);
    const b = await producer.engine.enqueue(simple);
    await producer.engine.stop();
    // Cut b's file short, as a disk fault might; and forget the journal so both must be re-read.
    const bFile = path.join(dir, 'spool', 'queue', `${b.id}.msg`);
    const bytes = await fs.readFile(bFile);
    await fs.writeFile(bFile, bytes.subarray(0, bytes.length - 10));
    await fs.rm(path.join(dir, 'spool', 'state'), { recursive: true });
    const events: OutboxEvent[] = [];
    const next = makeEngine(dir);
    next.engine.on((e) => events.push(e));
    await next.engine.start();
    cleanups.push(() => next.engine.stop());
    expect((await next.engine.waitFor(a.id)).state).toBe('sent');
    const q = events.find((e) => e.type === 'quarantined');
    expect(q).toBeDefined();
    expect(q?.type === 'quarantined' && q.error.code).toBe('SPOOL_CORRUPT');
    expect(await fs.readdir(path.join(dir, 'spool', 'quarantine'))).toContain(`${b.id}.msg`);
    // Still listed, with why, and never sent.
    expect((await next.engine.get(b.id))?.state).toBe('quarantined');
    expect((next.sender as ScriptedSender).received).toHaveLength(1);
  });

  it('lets a second process queue mail while the first holds the sender lock, and the holder sends it', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const holder = makeEngine(dir);
    await holder.engine.start();
    cleanups.push(() => holder.engine.stop());
    const other = makeEngine(dir, { autoSend: false });
    await other.engine.start();
    cleanups.push(() => other.engine.stop());
    expect(holder.engine.role).toBe('sender');
    expect(other.engine.role).toBe('producer');
    const m = await other.engine.enqueue(simple);
    expect((await other.engine.waitFor(m.id)).state).toBe('sent');
    expect(other.sender instanceof ScriptedSender && other.sender.received).toHaveLength(0);
    expect((holder.sender as ScriptedSender).received).toHaveLength(1);
    // Commands from the other process are carried out by the holder.
    holder.network.set(false);
    const later = await other.engine.enqueue(simple);
    const cancelled = await other.engine.cancel(later.id);
    expect(cancelled.state).toBe('failed');
    expect(cancelled.lastError?.code).toBe('CANCELLED');
  });

  /** A one-message sender (its channel opens after 300 ms) whose send takes until release(): busy past the delay. */
  async function busyOneMessageSender() {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    let release!: () => void;
    const slow = new ScriptedSender(async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return { outcome: 'sent', reply: '250 2.0.0 Ok', transcript: [] };
    });
    const holder = makeEngine(dir, { autoSend: false, sender: slow, channelDelayMs: 300 });
    await holder.engine.start();
    cleanups.push(() => holder.engine.stop({ graceMs: 0 }));
    return { dir, holder, release: () => release() };
  }

  it('a sender that opens its channel late (a one-message command) still answers what others asked meanwhile, once it does', async () => {
    const { dir, holder, release } = await busyOneMessageSender();
    const address = channelAddress(path.join(dir, 'spool'));
    expect(holder.engine.role).toBe('sender');
    const first = await holder.engine.enqueue(simple);
    const waiting = await holder.engine.enqueue(simple);
    const sending = holder.engine.sendNow(first.id);
    // Within the delay nobody listens yet.
    expect(await sendRequest(address, { op: 'flush' })).toBeNull();
    const other = makeEngine(dir, { autoSend: false });
    await other.engine.start();
    cleanups.push(() => other.engine.stop());
    expect(other.engine.role).toBe('producer');
    const asked = Date.now();
    const cancelled = await other.engine.cancel(waiting.id);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(150);
    expect(cancelled).toMatchObject({ id: waiting.id, state: 'failed', lastError: { code: 'CANCELLED' } });
    release();
    expect((await sending).state).toBe('sent');
  });

  it('a one-message sender still busy when its channel opens takes in what other processes dropped meanwhile', async () => {
    const { dir, holder, release } = await busyOneMessageSender();
    const own = await holder.engine.enqueue(simple);
    const sending = holder.engine.sendNow(own.id);
    const other = makeEngine(dir, { autoSend: false });
    await other.engine.start();
    cleanups.push(() => other.engine.stop());
    const dropped = await other.engine.enqueue(simple);
    const takenIn = (id: string) => expect.poll(() => holder.engine.get(id), { timeout: 5_000, interval: 25 });
    await takenIn(dropped.id).toMatchObject({ id: dropped.id, state: 'queued' });
    // And from then on, as they come.
    const later = await other.engine.enqueue(simple);
    await takenIn(later.id).toMatchObject({ id: later.id, state: 'queued' });
    release();
    expect((await sending).state).toBe('sent');
  });

  it('a one-message sender that is done within its channel delay never opens the channel', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const holder = makeEngine(dir, { autoSend: false, channelDelayMs: 300 });
    await holder.engine.start();
    const m = await holder.engine.enqueue(simple);
    expect((await holder.engine.sendNow(m.id)).state).toBe('sent');
    await holder.engine.stop();
    await new Promise((resolve) => setTimeout(resolve, 400));
    // Had the timer outlived stop(), the socket would be there now.
    expect(await sendRequest(channelAddress(path.join(dir, 'spool')), { op: 'flush' })).toBeNull();
    expect((await fs.readdir(path.join(dir, 'spool'))).filter((name) => name.includes('sock'))).toEqual([]);
  });
});
