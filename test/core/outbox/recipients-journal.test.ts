// Recipient states in the journal: a record written before recipients had states (an old journal) still
// loads and is sent to everyone, replaying entries twice gives the same recipients, and recipients that
// were delivered stay delivered across a restart.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadState } from '../../../electron/core/outbox/journal';
import type { SendResult } from '../../../electron/core/ports';
import { FakeNetwork, makeEngine, ScriptedSender, tempDir } from './harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function stateDir(dir: string): Promise<{ dir: string; log: string }> {
  const state = path.join(dir, 'spool', 'state');
  const log = (await fs.readdir(state)).find((n) => /^state-\d+\.log$/.test(n))!;
  return { dir: state, log: path.join(state, log) };
}

const deferB: SendResult = {
  outcome: 'partial',
  reply: '250 2.0.0 Ok',
  recipients: [
    { address: 'a@example.org', accepted: true, reply: '250 2.0.0 Ok', responseCode: 250 },
    { address: 'b@example.org', accepted: false, reply: '451 4.3.0 Try later', responseCode: 451 },
  ],
  transcript: [],
};

describe('recipient states in the journal', () => {
  it('loads a record from an old journal (no recipient states) and sends it to every envelope recipient', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const offline = makeEngine(dir, { network: new FakeNetwork(false) });
    await offline.engine.start();
    const m = await offline.engine.enqueue({ to: ['a@example.org'], cc: ['b@example.org'], subject: 'Old', text: 'x' });
    await offline.engine.stop();
    // The old format: put entries with no `recipients` field.
    const { log } = await stateDir(dir);
    const text = await fs.readFile(log, 'utf8');
    expect(text).toContain(m.id);
    expect(text).not.toContain('"recipients"');

    const online = makeEngine(dir);
    await online.engine.start();
    cleanups.push(() => online.engine.stop({ graceMs: 100 }));
    const sent = await online.engine.waitFor(m.id);
    expect(sent.state).toBe('sent');
    expect(online.sender.received[0]!.envelope.to).toEqual(['a@example.org', 'b@example.org']);
    expect(sent.recipients?.map((r) => [r.address, r.state])).toEqual([
      ['a@example.org', 'delivered'],
      ['b@example.org', 'delivered'],
    ]);
  });

  it('replays to the same recipients when every entry appears twice, and keeps the delivered one delivered after a restart', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const first = makeEngine(dir, { sender: new ScriptedSender(() => deferB) });
    await first.engine.start();
    const m = await first.engine.enqueue({ to: ['a@example.org', 'b@example.org'], subject: 'Twice', text: 'x' });
    await expect.poll(async () => (await first.engine.get(m.id))?.attempts.length, { timeout: 5_000 }).toBe(1);
    await first.engine.stop();

    const { dir: state, log } = await stateDir(dir);
    const once = await loadState(state);
    const lines = (await fs.readFile(log, 'utf8')).split('\n').filter(Boolean);
    await fs.writeFile(log, lines.flatMap((l) => [l, l]).join('\n') + '\n');
    const twice = await loadState(state);
    expect(twice.records.get(m.id)).toEqual(once.records.get(m.id));
    expect(twice.records.get(m.id)!.recipients?.map((r) => [r.address, r.state])).toEqual([
      ['a@example.org', 'delivered'],
      ['b@example.org', 'deferred'],
    ]);

    const second = makeEngine(dir);
    await second.engine.start();
    cleanups.push(() => second.engine.stop({ graceMs: 100 }));
    await second.engine.sendNow(m.id);
    const done = await second.engine.waitFor(m.id);
    expect(done.state).toBe('sent');
    expect(second.sender.received.map((r) => r.envelope.to)).toEqual([['b@example.org']]);
  });
});
