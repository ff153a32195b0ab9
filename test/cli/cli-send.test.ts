// `outbox send` end to end: the built command, a throwaway data folder and a loopback smtp-server.
// Covers exact bytes, -t with Bcc stripped, offline queueing then flush, refused recipients, --queue-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import type { OutboxMessage } from '../../electron/shared/message';
import { addPlainAccount, oneLine, sampleEml, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer({
    server: {
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('nobody@')) {
          callback(Object.assign(new Error('5.1.1 <nobody@example.org>: Recipient address rejected: User unknown'), { responseCode: 550 }));
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
