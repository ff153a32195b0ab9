// `--attach` takes regular files only, checked without blocking (a FIFO with no writer used to hang the
// command forever), and a file without an extension keeps its bare name as application/octet-stream.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import { addPlainAccount, oneLine, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer();
  await addPlainAccount(ws, peer);
});

afterAll(async () => {
  await peer?.close();
  ws?.remove();
});

describe('outbox compose --attach', () => {
  it.each([['--queue-only'], ['--wait']])('refuses a FIFO with no writer at once (%s), exit 66, nothing queued', async (mode) => {
    const fifo = path.join(ws.dir, `pipe${mode}`);
    execFileSync('mkfifo', [fifo]);
    const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 's', '--text', 't', '--attach', fifo, mode], {
      timeoutMs: 15_000,
    });
    expect(r.code).toBe(66);
    expect(oneLine(r.stderr)).toMatch(/pipe.* is not a regular file/);
    const queue = await ws.run(['queue', '--json']);
    expect(JSON.parse(queue.stdout)).toEqual([]);
  });

  it('refuses a folder and a device', async () => {
    for (const target of [ws.dir, '/dev/zero']) {
      const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 's', '--text', 't', '--attach', target, '--queue-only']);
      expect(r.code).toBe(66);
    }
  });

  it('sends a file without an extension under its bare name as application/octet-stream', async () => {
    const file = ws.file('README', 'read me\n');
    const r = await ws.run([
      'compose',
      '--to',
      'bob@example.org',
      '--subject',
      'notes',
      '--text',
      'see attached',
      '--attach',
      file,
      '--wait',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const raw = peer.messages.at(-1)!.raw.toString();
    expect(raw).not.toContain('README.');
    const parsed = await simpleParser(peer.messages.at(-1)!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString()])).toEqual([
      ['README', 'application/octet-stream', 'read me\n'],
    ]);
  });

  it('keeps the type of a file with an extension', async () => {
    const file = ws.file('notes.txt', 'plain\n');
    const r = await ws.run([
      'compose',
      '--to',
      'bob@example.org',
      '--subject',
      'notes',
      '--text',
      'see attached',
      '--attach',
      file,
      '--wait',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const parsed = await simpleParser(peer.messages.at(-1)!.raw);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['notes.txt', 'text/plain']]);
  });
});
