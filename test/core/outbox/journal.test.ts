import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Journal, loadState } from '../../../electron/core/outbox/journal';
import { putEntry, type MessageRecord } from '../../../electron/core/outbox/record';
import { silentLogger } from '../../../electron/core/ports';
import { tempDir } from './harness';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

function record(id: string, state: MessageRecord['state'] = 'queued'): MessageRecord {
  return {
    id,
    accountId: 'a',
    state,
    messageId: `<${id}@x>`,
    subject: id,
    from: 'a@x.org',
    to: ['b@x.org'],
    cc: [],
    bccCount: 0,
    envelope: { from: 'a@x.org', to: ['b@x.org'] },
    size: 10,
    createdAt: '2026-01-01T00:00:00Z',
    attempts: [],
    bodyOffset: 0,
    bodyLength: 10,
    sha256: '0',
    location: 'queue',
  };
}

describe('state journal', () => {
  it('replays every committed change after a reopen, attempts included', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const journal = new Journal(dir, 0, silentLogger);
    await journal.open();
    const r = record('m1');
    await journal.append(putEntry(r));
    r.state = 'queued';
    r.attempts.push({ at: 'now', durationMs: 5, outcome: 'temporary', transcript: ['S: 451 later'] });
    await Promise.all([journal.append(putEntry(r, true)), journal.append(putEntry(record('m2')))]);
    await journal.close();
    const loaded = await loadState(dir);
    expect([...loaded.records.keys()]).toEqual(['m1', 'm2']);
    expect(loaded.records.get('m1')!.attempts[0]!.transcript).toEqual(['S: 451 later']);
  });

  it('ignores a torn last line left by a crash', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const journal = new Journal(dir, 0, silentLogger);
    await journal.open();
    await journal.append(putEntry(record('m1')));
    await journal.close();
    await fs.appendFile(path.join(dir, 'state-0.log'), '{"p":{"id":"m2","sta');
    const loaded = await loadState(dir);
    expect([...loaded.records.keys()]).toEqual(['m1']);
    expect(loaded.skippedLines).toBe(1);
  });

  it('compacts into a snapshot without losing changes made during compaction', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const journal = new Journal(dir, 0, silentLogger);
    await journal.open();
    const records = new Map<string, MessageRecord>();
    for (let i = 0; i < 50; i++) {
      const r = record(`m${i}`);
      records.set(r.id, r);
      void journal.append(putEntry(r));
    }
    const compaction = journal.compact(records.values());
    const late = record('late', 'sent');
    records.set(late.id, late);
    const lateWrite = journal.append(putEntry(late));
    await Promise.all([compaction, lateWrite]);
    await journal.close();
    const files = await fs.readdir(dir);
    expect(files).toContain('state.snapshot');
    expect(files).not.toContain('state-0.log');
    const loaded = await loadState(dir);
    expect(loaded.records.size).toBe(51);
    expect(loaded.records.get('late')!.state).toBe('sent');
  });

  it('while more is on its way a change waits to share a sync; the last one of a burst is synced at once', async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const journal = new Journal(dir, 0, silentLogger);
    await journal.open();
    // A burst: after a batch of one entry, the next waits the busy interval (made long here) to share its sync.
    journal.busyBatchEntries = 1;
    journal.busySyncIntervalMs = 60_000;
    let quiet = false;
    journal.quiet = () => quiet;
    await journal.append(putEntry(record('first')));
    const second = journal.append(putEntry(record('second')));
    const waited = await Promise.race([second.then(() => 'written'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
    expect(waited).toBe('waiting');
    // The burst is over (no send awaits its server, none is due): the last change goes at once, the waiting one with it.
    quiet = true;
    const last = journal.append(putEntry(record('last', 'sent')));
    const done = await Promise.race([
      Promise.all([second, last]).then(() => 'written'),
      new Promise((r) => setTimeout(() => r('still waiting'), 10_000)),
    ]);
    expect(done).toBe('written');
    await journal.close();
    expect([...(await loadState(dir)).records.keys()]).toEqual(['first', 'second', 'last']);
  });
});
