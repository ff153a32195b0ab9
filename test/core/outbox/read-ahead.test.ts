// Reading ahead of a large flush: the worker hands back only bytes it checked against the length and SHA-256
// recorded at enqueue, never makes a send wait for it, and a backlog with damaged files among intact ones
// still sends every intact message byte for byte and quarantines the damaged ones.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReadAhead, READ_AHEAD_MIN, type ReadAheadJob } from '../../../electron/core/outbox/read-ahead';
import { account, FakeNetwork, makeEngine, MemoryAccounts, tempDir } from './harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function workspace(): Promise<string> {
  const dir = await tempDir();
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A spool-like file: a header of `offset` bytes, then the body; the job as the engine would ask for it. */
async function spoolFile(dir: string, id: string, body: Buffer, offset = 100): Promise<ReadAheadJob> {
  const file = path.join(dir, `${id}.msg`);
  await fs.writeFile(file, Buffer.concat([Buffer.alloc(offset, 0x23), body]));
  return { id, file, offset, length: body.length, sha256: createHash('sha256').update(body).digest('hex') };
}

function reader(): ReadAhead {
  const ahead = new ReadAhead();
  cleanups.push(() => ahead.close());
  return ahead;
}

describe('the read-ahead worker', () => {
  it('hands back exactly the recorded bytes, and nothing for a file cut short, appended to, changed or missing', async () => {
    const dir = await workspace();
    const bodies = Array.from({ length: 6 }, (_, i) => Buffer.from(`Subject: ${i}\r\n\r\n${'body text '.repeat(200 + i)}\r\n`));
    const jobs = await Promise.all(bodies.map((b, i) => spoolFile(dir, `m${i}`, b)));
    await fs.truncate(jobs[1]!.file, 100 + bodies[1]!.length - 1);
    await fs.appendFile(jobs[2]!.file, 'X');
    const changed = await fs.readFile(jobs[3]!.file);
    changed.writeUInt8(changed.readUInt8(changed.length - 5) ^ 1, changed.length - 5);
    await fs.writeFile(jobs[3]!.file, changed);
    await fs.rm(jobs[4]!.file);

    const ahead = reader();
    ahead.want(jobs);
    await vi.waitFor(() => expect(jobs.every((job) => ahead.answered(job.id))).toBe(true));
    expect(ahead.take('m0')).toEqual(bodies[0]);
    expect(ahead.take('m5')).toEqual(bodies[5]);
    for (const id of ['m1', 'm2', 'm3', 'm4']) expect(ahead.take(id), id).toBeUndefined();
    // Taken means gone: the window has room again, and a second take has nothing.
    expect(ahead.take('m0')).toBeUndefined();
    expect(ahead.room).toBe(128);
  });

  it('never makes a send wait: a body not read yet is left to the send path, and the late answer is dropped', async () => {
    const dir = await workspace();
    const body = Buffer.from('Subject: soon\r\n\r\nhello\r\n');
    const ahead = reader();
    ahead.want([await spoolFile(dir, 'late', body)]);
    // Synchronously after asking, the worker cannot have answered.
    expect(ahead.take('late')).toBeUndefined();
    expect(ahead.has('late')).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ahead.take('late')).toBeUndefined();
  });

  it('keeps at most its window of bodies asked for or held', async () => {
    const dir = await workspace();
    const ahead = reader();
    const jobs = await Promise.all(Array.from({ length: 40 }, (_, i) => spoolFile(dir, `w${i}`, Buffer.from(`body ${i}\r\n`))));
    ahead.want(jobs);
    expect(ahead.room).toBe(128 - 40);
    expect(ahead.hungry).toBe(true);
    ahead.forget('w0');
    expect(ahead.room).toBe(128 - 39);
    await ahead.close();
    expect(ahead.room).toBe(0);
  });
});

describe('a flush of a backlog taken in by another process', () => {
  it('sends every intact message byte for byte and quarantines the damaged ones, with the read-ahead at work', async () => {
    const dir = await workspace();
    // Taken in while no sender ran, so nothing is in this process's body cache.
    const producer = makeEngine(dir, { autoSend: false });
    await producer.engine.start();
    const ids: string[] = [];
    for (let i = 0; i < READ_AHEAD_MIN + 28; i++) {
      ids.push((await producer.engine.enqueue({ to: ['bob@example.org'], subject: `Backlog ${i}`, text: `Message ${i}\n` })).id);
    }
    await producer.engine.stop();
    const queueFile = (id: string) => path.join(dir, 'spool', 'queue', `${id}.msg`);
    const stored = new Map(await Promise.all(ids.map(async (id) => [id, await fs.readFile(queueFile(id))] as const)));
    // Three damaged late in the queue, where only the read-ahead reaches them first.
    const damaged = [ids[50]!, ids[55]!, ids[59]!];
    await fs.truncate(queueFile(damaged[0]!), stored.get(damaged[0]!)!.length - 3);
    await fs.appendFile(queueFile(damaged[1]!), 'appended\r\n');
    const changed = Buffer.from(stored.get(damaged[2]!)!);
    changed.writeUInt8(changed.readUInt8(changed.length - 4) ^ 1, changed.length - 4);
    await fs.writeFile(queueFile(damaged[2]!), changed);

    const want = vi.spyOn(ReadAhead.prototype, 'want');
    cleanups.push(async () => want.mockRestore());
    const flusher = makeEngine(dir, { network: new FakeNetwork(true), accounts: new MemoryAccounts(account('acct')) });
    cleanups.push(() => flusher.engine.stop({ graceMs: 100 }));
    await flusher.engine.start();
    const done = await Promise.all(ids.map((id) => flusher.engine.waitFor(id, ['sent', 'quarantined', 'failed'])));
    expect(want).toHaveBeenCalled();

    const states = new Map(done.map((m) => [m.id, m.state]));
    for (const id of damaged) expect(states.get(id), id).toBe('quarantined');
    const intact = ids.filter((id) => !damaged.includes(id));
    for (const id of intact) expect(states.get(id), id).toBe('sent');
    // What the server got is what was taken in, for every intact message, and nothing of the damaged ones.
    const received = flusher.sender.received.map((r) => r.bytes);
    expect(received).toHaveLength(intact.length);
    for (const id of intact) {
      const message = (await flusher.engine.get(id))!;
      const file = stored.get(id)!;
      const sent = received.find((bytes) => bytes.includes(message.messageId));
      expect(sent && file.subarray(file.length - sent.length).equals(sent), id).toBe(true);
    }
  });
});

describe('a flush of messages this process just took in', () => {
  it('reads nothing ahead: their bytes are still in memory, and the pump does not look again at every message', async () => {
    const dir = await workspace();
    const engine = makeEngine(dir, { autoSend: false, network: new FakeNetwork(true) });
    cleanups.push(() => engine.engine.stop({ graceMs: 100 }));
    await engine.engine.start();
    const ids: string[] = [];
    for (let i = 0; i < READ_AHEAD_MIN * 3; i++) {
      ids.push((await engine.engine.enqueue({ to: ['bob@example.org'], subject: `Warm ${i}`, text: `Message ${i}\n` })).id);
    }
    const want = vi.spyOn(ReadAhead.prototype, 'want');
    const hungry = vi.spyOn(ReadAhead.prototype, 'hungry', 'get');
    cleanups.push(async () => {
      want.mockRestore();
      hungry.mockRestore();
    });
    await engine.engine.flush();
    await Promise.all(ids.map((id) => engine.engine.waitFor(id)));
    expect(engine.sender.received).toHaveLength(ids.length);
    expect(want).not.toHaveBeenCalled();
    // One look, then a rest of 64 messages: a handful of looks for 96 messages, not one per message.
    expect(hungry.mock.calls.length).toBeLessThan(ids.length / 4);
  });
});
