// Never send damaged bytes: a message whose stored copy changed on disk after it was queued (cut short,
// overwritten, appended, removed) is never sent to the real SMTP peer, is quarantined with a visible reason,
// an event and a way out (delete), stays quarantined across flushes and restarts, and its Sent copy is
// never saved from changed bytes either.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { SentCopyRequest, SentCopyWriter } from '../../../electron/core/ports';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import type { OutboxEvent, OutboxMessage } from '../../../electron/shared/message';
import { makeCerts } from '../../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';
import { account, FakeNetwork, MemoryAccounts, tempDir } from './harness';

const certs = makeCerts();
let peer: SmtpPeer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  peer = await startSmtpPeer({ certs, users: { ann: 'pw' } });
});
afterAll(async () => {
  await peer?.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

/** What the server took for this message, by its Message-ID header. */
function receivedFor(message: OutboxMessage): Buffer[] {
  return peer.messages.filter((m) => m.raw.toString('latin1').includes(message.messageId)).map((m) => m.raw);
}

class RecordingWriter implements SentCopyWriter {
  readonly saved: Buffer[] = [];
  gate: Promise<void> = Promise.resolve();
  async append(request: SentCopyRequest) {
    await this.gate;
    const chunks: Buffer[] = [];
    for await (const c of await request.openMessage()) chunks.push(c as Buffer);
    this.saved.push(Buffer.concat(chunks));
    return { outcome: 'saved' as const, folder: 'Sent' };
  }
}

function engineAt(dir: string, options: { online: boolean; sentCopy?: SentCopyWriter }) {
  const accounts = new MemoryAccounts(
    account('acct', {
      smtp: { host: '127.0.0.1', port: peer.port, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
      sentCopy: { enabled: options.sentCopy !== undefined },
    }),
  );
  const network = new FakeNetwork(options.online);
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts,
    sender: new SmtpSender({ tls: { ca: certs.ca } }),
    connectivity: network,
    ...(options.sentCopy ? { sentCopy: options.sentCopy } : {}),
  });
  const events: OutboxEvent[] = [];
  engine.on((e) => events.push(e));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await engine.stop({ graceMs: 2_000 });
  };
  cleanups.push(stop);
  return { engine, network, events, stop };
}

function body(size: number, tag: string): string {
  const line = `${tag} line of text, ordinary and unremarkable.\n`;
  return line.repeat(Math.ceil(size / line.length)).slice(0, size);
}

// Each size takes its own read path in spool-file.ts: one blocking read, one callback read, a stream.
const SIZES = { small: 2 * 1024, medium: 128 * 1024, large: 800 * 1024 } as const;

type Damage = 'truncated' | 'overwritten' | 'appended' | 'missing';

async function damage(file: string, kind: Damage): Promise<void> {
  switch (kind) {
    case 'truncated': {
      const { size } = await fs.stat(file);
      await fs.truncate(file, Math.floor(size / 2));
      return;
    }
    case 'overwritten': {
      // Same length, different bytes: a byte near the end of the body changes.
      const bytes = await fs.readFile(file);
      const at = bytes.length - 40;
      bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
      await fs.writeFile(file, bytes);
      return;
    }
    case 'appended':
      await fs.appendFile(file, 'X-Appended: by someone else\r\n');
      return;
    case 'missing':
      await fs.rm(file);
  }
}

const REASON: Record<Damage, RegExp> = {
  truncated: /^Its stored copy changed on disk after it was queued \(now .+, was .+\); it was not sent\.$/,
  overwritten: /^Its stored copy changed on disk after it was queued \(same size, different content\); it was not sent\.$/,
  appended: /^Its stored copy changed on disk after it was queued \(now .+, was .+\); it was not sent\.$/,
  missing: /^Its stored copy is missing from the outbox folder; it was not sent\.$/,
};

/** Queues a message offline in one engine, the way `OUTBOX_OFFLINE=1 outbox send` does, and stops it. */
async function queueOffline(dir: string, size: number, tag: string): Promise<OutboxMessage> {
  const producer = engineAt(dir, { online: false });
  await producer.engine.start();
  const message = await producer.engine.enqueue({ to: ['bob@example.org'], subject: `Integrity ${tag}`, text: body(size, tag) });
  await producer.stop();
  return message;
}

describe('a message whose stored copy changed after it was queued', () => {
  const cases = (['small', 'medium', 'large'] as const).flatMap((size) =>
    (['truncated', 'overwritten', 'appended', 'missing'] as const).map((kind) => [size, kind] as const),
  );

  it.each(cases)('%s, %s: never sent, quarantined with its reason and next step, an event, and kept until deleted', async (size, kind) => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const damaged = await queueOffline(dir, SIZES[size], `${size}-${kind}`);
    const intact = await queueOffline(dir, SIZES[size], `${size}-${kind}-intact`);
    const queued = path.join(dir, 'spool', 'queue', `${damaged.id}.msg`);
    const intactFile = await fs.readFile(path.join(dir, 'spool', 'queue', `${intact.id}.msg`));

    // The flushing process: it took both in (offline), then the file is damaged, then the network returns.
    const flusher = engineAt(dir, { online: false });
    await flusher.engine.start();
    expect((await flusher.engine.get(damaged.id))?.state).toBe('queued');
    await damage(queued, kind);
    flusher.network.set(true);
    const final = await flusher.engine.waitFor(damaged.id, ['quarantined', 'sent', 'failed']);
    expect((await flusher.engine.waitFor(intact.id)).state).toBe('sent');

    expect(final.state).toBe('quarantined');
    expect(receivedFor(damaged)).toEqual([]);
    // The intact one went out byte for byte: the check does not get in the way of good mail.
    const sent = receivedFor(intact);
    expect(sent).toHaveLength(1);
    expect(intactFile.subarray(intactFile.length - intact.size).equals(sent[0]!)).toBe(true);

    expect(final.quarantine?.reason).toMatch(REASON[kind]);
    expect(final.lastError).toMatchObject({
      code: 'SPOOL_CORRUPT',
      message: final.quarantine?.reason,
      next: 'Write it again, or delete it.',
    });
    if (kind === 'truncated' && size === 'large') expect(final.quarantine?.reason).toMatch(/\(now 4\d\d KB, was 8\d\d KB\)/);
    const event = flusher.events.find((e) => e.type === 'quarantined');
    expect(event).toMatchObject({ type: 'quarantined', id: damaged.id, error: { code: 'SPOOL_CORRUPT' } });
    expect(flusher.events.some((e) => e.type === 'changed' && e.message.id === damaged.id && e.message.state === 'quarantined')).toBe(true);
    expect((await flusher.engine.list({ states: ['quarantined'] })).map((m) => m.id)).toEqual([damaged.id]);

    const quarantineDir = path.join(dir, 'spool', 'quarantine');
    if (kind === 'missing') {
      expect(final.quarantine?.file).toBeUndefined();
      expect(await fs.readdir(quarantineDir)).toEqual([]);
    } else {
      // The file was moved out of the queue, beside a note saying why, and the message says where.
      expect(final.quarantine?.file).toBe(path.join(quarantineDir, `${damaged.id}.msg`));
      expect((await fs.readdir(quarantineDir)).sort()).toEqual([`${damaged.id}.msg`, `${damaged.id}.msg.reason.txt`]);
      expect(await fs.readFile(path.join(quarantineDir, `${damaged.id}.msg.reason.txt`), 'utf8')).toContain(final.quarantine!.reason);
      await expect(fs.stat(queued)).rejects.toThrow();
    }

    // Not retried by a flush, nor sent by a later run.
    await flusher.engine.flush();
    await flusher.engine.idle();
    await flusher.stop();
    const later = engineAt(dir, { online: true });
    await later.engine.start();
    await later.engine.flush();
    await later.engine.idle();
    const again = await later.engine.get(damaged.id);
    expect(again?.state).toBe('quarantined');
    expect(again?.quarantine?.reason).toBe(final.quarantine?.reason);
    expect(receivedFor(damaged)).toEqual([]);
    await expect(later.engine.retry(damaged.id)).rejects.toMatchObject({ code: 'MESSAGE_STATE' });
    expect(receivedFor(damaged)).toEqual([]);

    // Deleting it removes it and its quarantined file for good.
    await later.engine.remove(damaged.id);
    expect(await later.engine.get(damaged.id)).toBeUndefined();
    expect(await fs.readdir(quarantineDir)).toEqual([]);
    await later.stop();
    const last = engineAt(dir, { online: false });
    await last.engine.start();
    expect(await last.engine.get(damaged.id)).toBeUndefined();
  });

  it('a file that went missing while nothing ran is quarantined at start-up, not sent and not retried', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const message = await queueOffline(dir, SIZES.small, 'gone');
    // Taken in by a run, which then stops: the journal knows it.
    const first = engineAt(dir, { online: false });
    await first.engine.start();
    await first.stop();
    await fs.rm(path.join(dir, 'spool', 'queue', `${message.id}.msg`));
    const next = engineAt(dir, { online: true });
    await next.engine.start();
    await next.engine.idle();
    const found = await next.engine.get(message.id);
    expect(found?.state).toBe('quarantined');
    expect(found?.quarantine?.reason).toMatch(REASON.missing);
    expect(next.events.some((e) => e.type === 'quarantined' && e.id === message.id)).toBe(true);
    expect(receivedFor(message)).toEqual([]);
  });
});

describe('a damaged file dropped into the queue before it was taken in', () => {
  it('is listed as quarantined by a process that only reads (nothing moved), then recorded by the sender and kept', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    // A producer drops a message (nothing takes it in), and its body is damaged before anyone does.
    const producer = createOutboxEngine({
      dataDir: dir,
      accounts: new MemoryAccounts(account()),
      sender: new SmtpSender(),
      connectivity: new FakeNetwork(true),
      mode: 'producer',
      autoSend: false,
    });
    await producer.start();
    cleanups.push(() => producer.stop());
    const dropped = await producer.enqueue({ to: ['bob@example.org'], subject: 'Dropped and damaged', text: body(5000, 'dropped') });
    const file = path.join(dir, 'spool', 'queue', `${dropped.id}.msg`);
    await damage(file, 'overwritten');

    // Reading (`outbox show`, `outbox queue --all` while the app runs) shows it, with what its metadata still says.
    const seen = await producer.get(dropped.id);
    expect(seen).toMatchObject({
      state: 'quarantined',
      subject: 'Dropped and damaged',
      lastError: { code: 'SPOOL_CORRUPT', next: 'Write it again, or delete it.' },
    });
    expect(seen?.quarantine?.reason).toMatch(/^Its stored copy in the outbox folder is damaged \(.+\); it was not sent\.$/);
    expect((await producer.list()).map((m) => m.id)).toContain(dropped.id);
    // A reader moves nothing and claims no move.
    expect(seen?.quarantine?.file).toBeUndefined();
    expect(await fs.readdir(path.join(dir, 'spool', 'queue'))).toContain(`${dropped.id}.msg`);

    const sender = engineAt(dir, { online: true });
    await sender.engine.start();
    await sender.engine.idle();
    const recorded = await sender.engine.get(dropped.id);
    expect(recorded?.state).toBe('quarantined');
    expect(recorded?.quarantine?.file).toBe(path.join(dir, 'spool', 'quarantine', `${dropped.id}.msg`));
    expect(sender.events).toContainEqual(expect.objectContaining({ type: 'quarantined', id: dropped.id }));
    expect(receivedFor(dropped)).toEqual([]);
    await sender.stop();

    // The journal keeps it from now on.
    const later = engineAt(dir, { online: true });
    await later.engine.start();
    expect((await later.engine.get(dropped.id))?.state).toBe('quarantined');
  });

  it('describes a dropped file cut short by what its metadata still says', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const message = await queueOffline(dir, 20_000, 'cut');
    await fs.rm(path.join(dir, 'spool', 'state'), { recursive: true });
    await damage(path.join(dir, 'spool', 'queue', `${message.id}.msg`), 'truncated');
    const running = engineAt(dir, { online: true });
    await running.engine.start();
    await running.engine.idle();
    const found = await running.engine.get(message.id);
    expect(found).toMatchObject({ state: 'quarantined', subject: message.subject, to: ['bob@example.org'], accountId: 'acct' });
    expect(found?.quarantine?.reason).toMatch(/damaged \(expected \d+ bytes, found \d+\); it was not sent\./);
    expect(receivedFor(message)).toEqual([]);
  });

  it('lists a file that cannot even be parsed under the id its name gives, and deletes it', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const running = engineAt(dir, { online: true });
    await running.engine.start();
    await fs.writeFile(path.join(dir, 'spool', 'queue', 'garbage-0001.msg'), 'this is not an Outbox spool file at all\n');
    await expect.poll(async () => (await running.engine.get('garbage-0001'))?.state).toBe('quarantined');
    const listed = (await running.engine.list({ states: ['quarantined'] }))[0]!;
    expect(listed).toMatchObject({ id: 'garbage-0001', lastError: { code: 'SPOOL_CORRUPT', next: 'Write it again, or delete it.' } });
    expect(listed.quarantine?.reason).toMatch(/damaged \(not an Outbox spool file or cut off\); it was not sent\./);
    expect(running.events).toContainEqual(expect.objectContaining({ type: 'quarantined', id: 'garbage-0001' }));
    await running.engine.remove('garbage-0001');
    expect(await running.engine.get('garbage-0001')).toBeUndefined();
    expect(await fs.readdir(path.join(dir, 'spool', 'quarantine'))).toEqual([]);
  });

  it('lists files found in quarantine/ that the journal does not know (moved by an older version, or before a crash)', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const message = await queueOffline(dir, 3000, 'older');
    await fs.rm(path.join(dir, 'spool', 'state'), { recursive: true });
    const q = path.join(dir, 'spool', 'quarantine');
    await fs.rename(path.join(dir, 'spool', 'queue', `${message.id}.msg`), path.join(q, `${message.id}.msg`));
    // The older version's note: the message, then the detail.
    await fs.writeFile(
      path.join(q, `${message.id}.msg.reason.txt`),
      'A message in the outbox is damaged and was moved to the quarantine folder.\nx.msg: expected 10 bytes, found 5\n',
    );
    const running = engineAt(dir, { online: true });
    await running.engine.start();
    const found = await running.engine.get(message.id);
    expect(found).toMatchObject({
      state: 'quarantined',
      subject: message.subject,
      quarantine: { file: path.join(q, `${message.id}.msg`) },
    });
    expect(found?.quarantine?.reason).toBe('A message in the outbox is damaged and was moved to the quarantine folder.');
    expect(receivedFor(message)).toEqual([]);
  });
});

describe('the Sent copy', () => {
  it('is checked too: bytes changed after sending are never saved as the copy, and the copy says why', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const writer = new RecordingWriter();
    let open!: () => void;
    writer.gate = new Promise((resolve) => (open = resolve));
    const running = engineAt(dir, { online: true, sentCopy: writer });
    await running.engine.start();
    const message = await running.engine.enqueue({ to: ['bob@example.org'], subject: 'Copy me', text: body(400 * 1024, 'copy') });
    expect((await running.engine.waitFor(message.id)).state).toBe('sent');
    expect(receivedFor(message)).toHaveLength(1);
    // The copy is waiting at the IMAP side; meanwhile the stored file is cut short, once it has moved to sent/
    // (the move is housekeeping after the send, so it may come after idle()).
    const sentFile = path.join(dir, 'spool', 'sent', `${message.id}.msg`);
    await expect.poll(async () => (await running.engine.bytesOf(message.id))?.file).toBe(sentFile);
    const where = (await running.engine.bytesOf(message.id))!;
    await fs.truncate(where.file, where.offset + 1000);
    open();
    await expect.poll(async () => (await running.engine.get(message.id))?.sentCopy?.state).toBe('failed');
    const after = (await running.engine.get(message.id))!;
    expect(writer.saved).toEqual([]);
    expect(after.state).toBe('sent');
    expect(after.sentCopy?.error).toMatchObject({ code: 'SPOOL_CORRUPT', next: 'Write it again, or delete it.' });
    expect(after.sentCopy?.error?.message).toMatch(
      /changed on disk after it was sent \(now .+, was .+\); no copy was saved to the Sent folder/,
    );
  });

  it('saves intact bytes, checked, as before', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const writer = new RecordingWriter();
    const running = engineAt(dir, { online: true, sentCopy: writer });
    await running.engine.start();
    const message = await running.engine.enqueue({ to: ['bob@example.org'], subject: 'Copy me whole', text: body(400 * 1024, 'whole') });
    expect((await running.engine.waitFor(message.id)).state).toBe('sent');
    await expect.poll(async () => (await running.engine.get(message.id))?.sentCopy?.state).toBe('saved');
    expect(writer.saved).toHaveLength(1);
    expect(writer.saved[0]!.equals(receivedFor(message)[0]!)).toBe(true);
  });
});
