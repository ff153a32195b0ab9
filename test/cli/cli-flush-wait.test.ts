// What `flush --wait` and `send --wait` promise scripts: they wait for every message that was due when they
// started (those already being sent too, here or in another process), through retries, and the exit code
// says how it ended: 0 all delivered, 75 some still waiting (with the next try), else the failure's code.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRawSmtp, type RawSmtpServer, type RawSmtpScript } from '../peers/raw-smtp';
import type { SmtpPeer } from '../peers/smtp-peer';
import { addPlainAccount, relayAccountArgs, sampleEml, startPlainPeer, Workspace } from './harness';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function rawAccount(script: RawSmtpScript): Promise<{ ws: Workspace; raw: RawSmtpServer }> {
  const raw = await startRawSmtp({ extensions: ['8BITMIME'], ...script });
  const ws = new Workspace();
  cleanups.push(
    () => ws.remove(),
    () => raw.close(),
  );
  const add = await ws.run([...relayAccountArgs('Raw', 'ann@example.com', raw.host, String(raw.port))]);
  expect(add.code, add.stderr).toBe(0);
  return { ws, raw };
}

async function queue(ws: Workspace, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, n - i) }, () => ws.run(['send', '--queue-only', 'bob@example.org'], { input: sampleEml() })),
    );
    for (const r of batch) {
      expect(r.code, r.stderr).toBe(0);
      ids.push(r.stdout.trim());
    }
  }
  return ids;
}

describe('outbox flush --wait', () => {
  it('counts every message it sent, those already under way when it listed the outbox too', async () => {
    const peer = await startPlainPeer();
    const ws = new Workspace();
    cleanups.push(
      () => ws.remove(),
      () => peer.close(),
    );
    await addPlainAccount(ws, peer);
    await queue(ws, 15);
    const r = await ws.run(['flush', '--wait'], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('outbox: 15 messages sent.');
    expect(peer.messages).toHaveLength(15);
  });

  it('retries a 451 and delivers, like send --wait, exiting 0', async () => {
    let data = 0;
    const { ws, raw } = await rawAccount({ dataEnd: () => (++data === 1 ? '451 4.3.0 Try again later' : '250 2.0.0 Ok') });
    await queue(ws, 1);
    const r = await ws.run(['flush', '--wait'], { timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 message sent.');
    expect(raw.connections.flatMap((c) => c.messages)).toHaveLength(2);
    expect(JSON.parse((await ws.run(['queue', '--json'])).stdout)).toEqual([]);
  }, 100_000);

  it('exits 75 naming the next try when a message is still waiting at --max-wait', async () => {
    const { ws } = await rawAccount({ dataEnd: '451 4.3.0 Greylisted, come back later' });
    const [id] = await queue(ws, 1);
    const r = await ws.run(['flush', '--wait', '--max-wait', '5'], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/0 messages sent, 1 still waiting \(next try \d{4}-\d\d-\d\d \d\d:\d\d; last reply: 451 4\.3\.0 Greylisted/);
    const show = JSON.parse((await ws.run(['show', id!, '--json'])).stdout);
    expect(show.state).toBe('queued');
  });

  it('exits with the failure code after a permanent refusal, as plain flush does', async () => {
    const { ws } = await rawAccount({ rcpt: '550 5.1.1 No such user' });
    await queue(ws, 1);
    const waited = await ws.run(['flush', '--wait']);
    expect(waited.code, waited.stderr).toBe(67);
    expect(waited.stderr).toMatch(/550 5\.1\.1 No such user/);
    expect(waited.stderr).toContain('0 messages sent, 1 failed.');
    await queue(ws, 1);
    const plain = await ws.run(['flush']);
    expect(plain.code, plain.stderr).toBe(67);
  });
});

describe('outbox send --wait', () => {
  it('exits 75 with the next try when the message is still waiting at --max-wait', async () => {
    const { ws } = await rawAccount({ dataEnd: '451 4.7.1 Slow down' });
    const r = await ws.run(['send', '--wait', '--max-wait', '3', 'bob@example.org'], { input: sampleEml(), timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/is still waiting \(next try \d{4}-\d\d-\d\d \d\d:\d\d\)\. Last reply: 451 4\.7\.1 Slow down/);
  });
});

describe('a message partly delivered', () => {
  it('counts as still waiting (75) while a deferred recipient waits for its retry', async () => {
    const { ws, raw } = await rawAccount({
      rcpt: (c) => (c.address === 'carol@example.org' ? '451 4.2.0 Mailbox busy, try later' : '250 2.1.5 Ok'),
    });
    const r = await ws.run(['send', '--wait', '--max-wait', '3', 'bob@example.org', 'carol@example.org'], {
      input: sampleEml(),
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(75);
    expect(r.stderr).toMatch(/is still waiting \(next try \d{4}-\d\d-\d\d \d\d:\d\d\)/);
    expect(raw.connections.flatMap((c) => c.messages)).toHaveLength(1);
    const flush = await ws.run(['flush', '--wait', '--max-wait', '3'], { timeoutMs: 30_000 });
    expect(flush.code, flush.stderr).toBe(75);
    expect(flush.stderr).toMatch(/1 still waiting/);
  });
});

describe('a flush --wait while another process is sending', () => {
  let peer: SmtpPeer;
  let ws: Workspace;
  let release: () => void = () => {};
  let arrived: Promise<void>;

  beforeAll(async () => {
    let signal: () => void;
    arrived = new Promise((resolve) => (signal = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    peer = await startPlainPeer({
      beforeReply: async () => {
        signal();
        await gate;
      },
    });
    ws = new Workspace();
    await addPlainAccount(ws, peer);
  });

  afterAll(async () => {
    release();
    await peer?.close();
    ws?.remove();
  });

  it('waits for the message in flight there and reports it sent, exit 0', async () => {
    await queue(ws, 1);
    const first = ws.start(['flush', '--wait'], { timeoutMs: 60_000 });
    await arrived;
    const second = ws.start(['flush', '--wait'], { timeoutMs: 60_000 });
    let secondErr = '';
    second.child.stderr!.on('data', (c: Buffer) => (secondErr += c.toString()));
    await expect.poll(() => secondErr).toContain('the Outbox process that is running sends the outbox now');
    // Time for a command that does not wait to finish; it must still be running.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(second.child.exitCode).toBeNull();
    release();
    const [a, b] = await Promise.all([first.done, second.done]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain('1 message sent.');
    expect(peer.messages).toHaveLength(1);
  });
});

describe('outbox --help', () => {
  it('documents what --wait exit codes mean', async () => {
    const ws = new Workspace();
    cleanups.push(() => ws.remove());
    for (const args of [['--help'], ['flush', '--help'], ['send', '--help']]) {
      const r = await ws.run(args);
      expect(r.stdout).toMatch(/75 temporary: after --wait, some message still waiting \(the next try is printed\)/);
      expect(r.stdout).toContain('With --wait: 0 only when every message was delivered');
    }
    expect((await ws.run(['flush', '--help'])).stdout).toContain('--max-wait');
  });
});
