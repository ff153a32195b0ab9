// `outbox send` end to end: the built command, a throwaway data folder and a loopback smtp-server.
// Covers exact bytes, -t with Bcc stripped, offline queueing then flush, refused recipients, --queue-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import type { OutboxMessage } from '../../electron/shared/message';
import { addPlainAccount, oneLine, sampleEml, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;
/** While set, later@ is greylisted (450) and the others are taken. */
let greylisting = true;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer({
    server: {
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) {
          callback(Object.assign(new Error('5.1.1 <nobody@example.org>: Recipient address rejected: User unknown'), { responseCode: 550 }));
        } else if (greylisting && address.address.startsWith('later@')) {
          callback(Object.assign(new Error('4.2.0 <later@example.org>: Recipient address rejected: Greylisted'), { responseCode: 450 }));
        } else callback();
      },
    },
  });
  await addPlainAccount(ws, peer);
});

afterAll(async () => {
  await peer?.close();
  ws?.remove();
});

async function queueJson(...extra: string[]): Promise<OutboxMessage[]> {
  const r = await ws.run(['queue', '--json', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as OutboxMessage[];
}

describe('outbox send', () => {
  it('queues standard input, prints the id and delivers the exact bytes', async () => {
    const eml = sampleEml();
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org'], { stdinFile: ws.file('lunch.eml', eml) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const id = r.stdout.trim();
    expect(id).toMatch(/^\S+$/);
    expect(peer.messages.length).toBe(before + 1);
    const got = peer.messages.at(-1)!;
    expect(got.to).toEqual(['bob@example.org']);
    expect(got.from).toBe('ann@example.com');
    expect(got.raw.toString('utf8')).toBe(eml);

    const show = await ws.run(['show', id, '--json']);
    expect(show.code, show.stderr).toBe(0);
    const message = JSON.parse(show.stdout) as OutboxMessage;
    expect(message.state).toBe('sent');
    expect(message.attempts).toHaveLength(1);
    expect(message.attempts[0]!.outcome).toBe('sent');
    expect(message.attempts[0]!.transcript.length).toBeGreaterThan(0);
  });

  it('accepts the usual sendmail flags (-oi -odi -oem) and -f for the envelope sender', async () => {
    const r = await ws.run(['send', '-oi', '-odi', '-oem', '-f', 'ann@example.com', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.messages.at(-1)!.from).toBe('ann@example.com');
  });

  it('-t takes the recipients from To, Cc and Bcc and removes the Bcc header', async () => {
    const eml = sampleEml(['From: ann@example.com', 'To: bob@example.org', 'Cc: carol@example.org', 'Bcc: dave@example.org']);
    const r = await ws.run(['send', '-ti'], { input: eml });
    expect(r.code, r.stderr).toBe(0);
    const got = peer.messages.at(-1)!;
    expect([...got.to].sort()).toEqual(['bob@example.org', 'carol@example.org', 'dave@example.org']);
    const text = got.raw.toString('utf8');
    expect(text).not.toMatch(/^Bcc:/im);
    expect(text).not.toContain('dave@example.org');
    expect(text).toMatch(/^Cc: carol@example.org\r$/m);
  });

  it('keeps the message queued with exit 0 when offline, and `outbox flush` sends it once online', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org'], { input: sampleEml(), env: { OUTBOX_OFFLINE: '1' } });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(oneLine(r.stderr)).toMatch(/offline.*queued/i);
    expect(peer.messages.length).toBe(before);
    expect((await queueJson()).find((m) => m.id === id)?.state).toBe('queued');

    const stillOffline = await ws.run(['flush'], { env: { OUTBOX_OFFLINE: '1' } });
    expect(stillOffline.code, stillOffline.stderr).toBe(0);
    expect(peer.messages.length).toBe(before);

    const flush = await ws.run(['flush']);
    expect(flush.code, flush.stderr).toBe(0);
    expect(peer.messages.length).toBe(before + 1);
    expect((await queueJson('--all')).find((m) => m.id === id)?.state).toBe('sent');
  });

  it('--queue-only queues without an attempt', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', '--queue-only', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(peer.messages.length).toBe(before);
    expect((await queueJson()).find((m) => m.id === id)?.state).toBe('queued');
    const cancel = await ws.run(['cancel', id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    expect((await queueJson('--all')).find((m) => m.id === id)?.state).toBe('failed');
  });

  it('explains a refused recipient in one line with the server reply and exits 67', async () => {
    const r = await ws.run(['send', 'nobody@example.org'], { input: sampleEml() });
    expect(r.code).toBe(67);
    const line = oneLine(r.stderr);
    expect(line).toMatch(/^outbox: /);
    expect(line).toContain('550');
    expect(line).toContain('User unknown');
    const id = r.stdout.trim();
    const show = await ws.run(['show', id]);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toContain('failed');
    expect(show.stdout).toContain('User unknown');
    expect(show.stdout).toMatch(/Next step: /);
    expect(show.stdout).toMatch(/Transcript:/);
  });

  it('sends to the accepted recipients and still reports the refused one (exit 67)', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org', 'nobody@example.org'], { input: sampleEml() });
    expect(r.code).toBe(67);
    expect(oneLine(r.stderr)).toContain('nobody@example.org');
    expect(peer.messages.length).toBe(before + 1);
    expect(peer.messages.at(-1)!.to).toEqual(['bob@example.org']);
  });

  it('keeps a greylisted recipient waiting, says "delivered to 2 of 3, 1 waiting", and `retry` sends to it alone with the same bytes', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org', 'later@example.org', 'carol@example.org'], { input: sampleEml() });
    // Queued for later is success to a sendmail caller; the note says who is still waiting.
    expect(r.code, r.stderr).toBe(0);
    expect(oneLine(r.stderr)).toContain('deferred 1 of 3 recipients');
    const id = r.stdout.trim();
    expect(peer.messages.length).toBe(before + 1);
    const first = peer.messages.at(-1)!;
    expect(first.to).toEqual(['bob@example.org', 'carol@example.org']);

    const queue = await ws.run(['queue']);
    const row = queue.stdout.split('\n').find((l) => l.startsWith(id))!;
    expect(row).toMatch(/queued .*delivered to 2 of 3, 1 waiting \(next try \d{4}-\d\d-\d\d \d\d:\d\d\)$/);
    const show = await ws.run(['show', id]);
    expect(show.stdout).toMatch(/^State: +queued \(delivered to 2 of 3, 1 waiting \(next try [\d: -]+\)\)$/m);
    expect(show.stdout).toMatch(/^ {2}delivered +bob@example\.org/m);
    expect(show.stdout).toMatch(
      /^ {2}deferred +later@example\.org \(next try [\d: -]+\): 450 4\.2\.0 <later@example\.org>: Recipient address rejected: Greylisted$/m,
    );

    greylisting = false;
    try {
      const retry = await ws.run(['retry', id, '--wait']);
      expect(retry.code, retry.stderr).toBe(0);
    } finally {
      greylisting = true;
    }
    expect(peer.messages.length).toBe(before + 2);
    const second = peer.messages.at(-1)!;
    expect(second.to).toEqual(['later@example.org']);
    expect(second.raw.equals(first.raw)).toBe(true);
    const done = (await queueJson('--all')).find((m) => m.id === id)!;
    expect(done.state).toBe('sent');
    expect(done.recipients?.map((x) => x.state)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('--wait returns once the message is sent', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', '--wait', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.messages.length).toBe(before + 1);
  });

  it('--wait exits with the failure code when the message fails for good', async () => {
    const r = await ws.run(['send', '--wait', 'nobody@example.org'], { input: sampleEml() });
    expect(r.code).toBe(67);
    expect(oneLine(r.stderr)).toContain('User unknown');
  });

  it('leaves the sending to the Outbox process that holds the sender lock, and forwards cancel to it', async () => {
    // An offline `send --wait` becomes the sender and keeps the lock while it waits for the network.
    const holder = ws.start(['send', '--wait', 'bob@example.org'], { input: sampleEml(), env: { OUTBOX_OFFLINE: '1' } });
    try {
      await holder.waitForStdout(/\S+\n/);
      const before = peer.messages.length;
      const r = await ws.run(['send', 'bob@example.org'], { input: sampleEml() });
      expect(r.code, r.stderr).toBe(0);
      expect(oneLine(r.stderr)).toMatch(/process that is running sends it/);
      expect(peer.messages.length).toBe(before);

      const id = r.stdout.trim();
      const cancel = await ws.run(['cancel', id]);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect((await queueJson('--all')).find((m) => m.id === id)?.state).toBe('failed');
    } finally {
      holder.child.kill('SIGINT');
    }
    const ended = await holder.done;
    expect(ended.code).toBe(130);
    expect(ended.stderr).toMatch(/interrupted; queued messages stay queued/);
  });
});
