// The chunks a send loads come from their packs (scripts/build-cli.mjs PACKS, electron/cli/chunk-packs.ts) on a
// Node with this program's own compile cache: a send still queues and delivers with every packed chunk's own file
// unreadable, and a pack or manifest that is damaged or gone only sends the command back to the chunk files.
// Each case runs a copy of the built CLI, so the shared dist/cli is never touched.
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import { relayAccountArgs, sampleEml, startPlainPeer } from './harness';

const nodeOwnCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const DIST = path.resolve(__dirname, '../../dist/cli');

let peer: SmtpPeer;
let scratch: string;

beforeAll(async () => {
  peer = await startPlainPeer();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'outbox-packs-'));
});

afterAll(async () => {
  await peer?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A copy of the built CLI, its data folder and its compile cache. */
function copy(name: string) {
  const dir = path.join(scratch, name);
  cpSync(DIST, path.join(dir, 'cli'), { recursive: true });
  const chunks = path.join(dir, 'cli', 'chunks');
  const manifest = JSON.parse(readFileSync(path.join(chunks, 'packs.json'), 'utf8')) as Record<string, string>;
  const run = (args: string[], input = '') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(dir, 'cli', 'outbox.cjs'), ...args], {
        env: { ...process.env, OUTBOX_DATA_DIR: path.join(dir, 'data'), OUTBOX_COMPILE_CACHE_DIR: dir, OUTBOX_OFFLINE: undefined },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.stdin.end(input);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  return { chunks, manifest, run };
}

/** account add, a queue-only send and a send: each must succeed, and the peer must get the sent message. */
async function sendsAsUsual(run: ReturnType<typeof copy>['run'], subject: string): Promise<void> {
  const add = await run(relayAccountArgs('Ann', 'ann@example.com', peer.host, peer.port));
  expect(add.code, add.stderr).toBe(0);
  const queued = await run(['send', '-t', '--queue-only'], sampleEml(undefined, `${subject}, queued\r\n`));
  expect(queued.code, queued.stderr).toBe(0);
  const before = peer.messages.length;
  const sent = await run(['send', '-t'], sampleEml(undefined, `${subject}\r\n`));
  expect(sent.code, sent.stderr).toBe(0);
  // The queued one waits for the next flush; the attempt delivers its own.
  expect(peer.messages.slice(before).map((m) => m.raw.toString().split('\r\n\r\n')[1])).toEqual([`${subject}\r\n`]);
}

describe.skipIf(nodeOwnCache)('chunk packs (Node without its own compile cache)', () => {
  it('pack the chunks of every stage of a send, each chunk in one pack', () => {
    const { manifest, chunks } = copy('manifest');
    const packs = new Set(Object.values(manifest));
    expect([...packs].map((p) => p.replace(/-[0-9a-f]{8}\.cjs$/, '')).sort()).toEqual(['pack-attempt', 'pack-drop', 'pack-start']);
    for (const pack of packs) expect(readdirSync(chunks)).toContain(pack);
    expect(Object.keys(manifest).some((c) => c.startsWith('smtp-sender-'))).toBe(true);
    expect(Object.keys(manifest).some((c) => c.startsWith('context-'))).toBe(true);
  });

  it('run a send from the packs: it queues and delivers with every packed chunk file unreadable', async () => {
    const { chunks, manifest, run } = copy('from-packs');
    for (const chunk of Object.keys(manifest)) writeFileSync(path.join(chunks, chunk), 'throw new Error("read from its own file");\n');
    await sendsAsUsual(run, 'From the packs');
  });

  it('leave a command to the chunk files when the packs are damaged', async () => {
    const { chunks, manifest, run } = copy('damaged-packs');
    for (const pack of new Set(Object.values(manifest))) writeFileSync(path.join(chunks, pack), 'this is not JavaScript {');
    await sendsAsUsual(run, 'Damaged packs');
  });

  it('leave a command to the chunk files when the manifest is damaged or gone', async () => {
    const damaged = copy('damaged-manifest');
    writeFileSync(path.join(damaged.chunks, 'packs.json'), '{"chunk-');
    await sendsAsUsual(damaged.run, 'Damaged manifest');
    const gone = copy('no-manifest');
    rmSync(path.join(gone.chunks, 'packs.json'));
    await sendsAsUsual(gone.run, 'No manifest');
  });
});
