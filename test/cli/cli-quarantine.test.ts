// The reproduction through the built command: an ~800 KB message queued offline, its spool file cut to
// half, then `outbox flush --wait`. The server must receive nothing, the command must not report success, and
// `outbox show` / `outbox queue` must show the message as quarantined with its reason and what to do. The whole
// run happens under umask 000, and afterwards every file in the data folder is 0600 and every folder 0700.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OutboxMessage } from '../../electron/shared/message';
import type { SmtpPeer } from '../peers/smtp-peer';
import { widerThanPrivate } from '../core/fs/modes';
import { addPlainAccount, sampleEml, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;
let previousUmask = 0;

beforeAll(async () => {
  // Children inherit the umask: every `outbox` below runs under umask 000.
  previousUmask = process.umask(0o000);
  ws = new Workspace();
  peer = await startPlainPeer();
});
afterAll(async () => {
  process.umask(previousUmask);
  await peer?.close();
  ws?.remove();
});

it('never sends a spool file cut to half, says so, and keeps the message visible as quarantined', async () => {
  await addPlainAccount(ws, peer);
  // One good message first, sent for real.
  const good = await ws.run(['send', '--wait', 'bob@example.org'], { input: sampleEml() });
  expect(good.code, good.stderr).toBe(0);
  expect(peer.messages).toHaveLength(1);

  const big = sampleEml(['From: Ann <ann@example.com>', 'To: Bob <bob@example.org>'], `${'y'.repeat(76)}\r\n`.repeat(10_500));
  const queued = await ws.run(['send', 'bob@example.org'], {
    input: big.replace('<lunch-1@example.com>', '<big-1@example.com>'),
    env: { OUTBOX_OFFLINE: '1' },
  });
  expect(queued.code, queued.stderr).toBe(0);
  const id = queued.stdout.trim();
  const offline = await ws.run(['flush'], { env: { OUTBOX_OFFLINE: '1' } });
  expect(offline.code, offline.stderr).toBe(0);

  const file = path.join(ws.dataDir, 'spool', 'queue', `${id}.msg`);
  const { size } = await fs.stat(file);
  expect(size).toBeGreaterThan(800_000);
  await fs.truncate(file, Math.floor(size / 2));

  const flush = await ws.run(['flush', '--wait']);
  // Nothing reached the server, and the command does not call it a success.
  expect(peer.messages.filter((m) => m.raw.toString('latin1').includes('<big-1@example.com>'))).toEqual([]);
  expect(peer.messages).toHaveLength(1);
  expect(flush.code).not.toBe(0);
  expect(flush.stderr).toContain(`${id}: Its stored copy changed on disk after it was queued (now 4`);
  expect(flush.stderr).toContain('Write it again, or delete it.');

  const show = await ws.run(['show', id]);
  expect(show.code, show.stderr).toBe(0);
  expect(show.stdout).toMatch(/State:\s+quarantined/);
  expect(show.stdout).toMatch(/Its stored copy changed on disk after it was queued \(now 4\d\d KB, was 8\d\d KB\); it was not sent\./);
  expect(show.stdout).toContain('Write it again, or delete it.');
  expect(show.stdout).toContain(path.join(ws.dataDir, 'spool', 'quarantine', `${id}.msg`));

  const all = JSON.parse((await ws.run(['queue', '--json', '--all'])).stdout) as OutboxMessage[];
  expect(all.find((m) => m.id === id)).toMatchObject({ state: 'quarantined', lastError: { code: 'SPOOL_CORRUPT' } });
  // Not sent: it is among what `outbox queue` lists without --all too.
  expect((await ws.run(['queue'])).stdout).toMatch(new RegExp(`${id}\\s+quarantined`));

  // A later flush does not try it again.
  const again = await ws.run(['flush', '--wait']);
  expect(again.stderr).not.toContain('sent, 1');
  expect(peer.messages).toHaveLength(1);

  // Modes after the whole run: account add, send, queue, quarantine, flushes.
  expect(await fs.readdir(path.join(ws.dataDir, 'spool', 'quarantine'))).toEqual([`${id}.msg`, `${id}.msg.reason.txt`].sort());
  expect(await widerThanPrivate(ws.dataDir)).toEqual([]);

  // What the reason says can be done: delete it, and its quarantined file goes too.
  const deleted = await ws.run(['delete', id]);
  expect(deleted.code, deleted.stderr).toBe(0);
  expect(deleted.stdout.trim()).toBe(`Deleted ${id}.`);
  expect(await fs.readdir(path.join(ws.dataDir, 'spool', 'quarantine'))).toEqual([]);
  const gone = await ws.run(['show', id]);
  expect(gone.code).not.toBe(0);
  expect(gone.stderr).toContain(`There is no message "${id}"`);
});
