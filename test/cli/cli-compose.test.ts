// `outbox compose` end to end: text and attachments delivered, --at scheduling, and the value checks
// that must fail before anything is queued (CR/LF in a header, a bad address, a missing attachment).
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import type { OutboxMessage } from '../../electron/shared/message';
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

describe('outbox compose', () => {
  it('sends a text message with an attachment', async () => {
    const attachment = ws.file('report.csv', 'a,b\n1,2\n');
    const r = await ws.run([
      'compose',
      '--to',
      'bob@example.org',
      '--cc',
      'carol@example.org',
      '--bcc',
      'dave@example.org',
      '--subject',
      'Report',
      '--text',
      'Here it is.',
      '--attach',
      attachment,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const got = peer.messages.at(-1)!;
    expect([...got.to].sort()).toEqual(['bob@example.org', 'carol@example.org', 'dave@example.org']);
    const parsed = await simpleParser(got.raw);
    expect(parsed.subject).toBe('Report');
    expect(parsed.text?.trim()).toBe('Here it is.');
    expect(parsed.attachments.map((a) => a.filename)).toEqual(['report.csv']);
    expect(parsed.attachments[0]!.content.toString()).toBe('a,b\n1,2\n');
    expect(got.raw.toString()).not.toContain('dave@example.org');
  });

  it('reads the body from --text-file', async () => {
    const body = ws.file('body.txt', 'From a file.\n');
    const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 'File', '--text-file', body]);
    expect(r.code, r.stderr).toBe(0);
    expect((await simpleParser(peer.messages.at(-1)!.raw)).text?.trim()).toBe('From a file.');
  });

  it('schedules with --at and leaves the message scheduled', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 'Later', '--text', 'x', '--at', '2099-01-02 03:04']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/scheduled/);
    expect(peer.messages.length).toBe(before);
    const show = await ws.run(['show', r.stdout.trim(), '--json']);
    const message = JSON.parse(show.stdout) as OutboxMessage;
    expect(message.state).toBe('scheduled');
    expect(message.scheduledAt).toBe(new Date(2099, 0, 2, 3, 4).toISOString());
  });

  it('refuses a line break in a header value with exit 65 and queues nothing', async () => {
    const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 'Hi\r\nBcc: eve@example.net', '--text', 'x']);
    expect(r.code).toBe(65);
    expect(oneLine(r.stderr)).toMatch(/^outbox: .*--subject.*line break/);
    expect(r.stdout).toBe('');
  });

  it('refuses an invalid address with exit 65, naming the option', async () => {
    const r = await ws.run(['compose', '--to', 'bob@', '--subject', 'Hi', '--text', 'x']);
    expect(r.code).toBe(65);
    expect(oneLine(r.stderr)).toMatch(/"bob@" given with --to is not a valid email address/);
  });

  it('refuses a missing attachment with exit 66, naming the file', async () => {
    const missing = `${ws.dir}/no-such-file.pdf`;
    const r = await ws.run(['compose', '--to', 'bob@example.org', '--subject', 'Hi', '--text', 'x', '--attach', missing]);
    expect(r.code).toBe(66);
    expect(oneLine(r.stderr)).toContain(`${missing} does not exist`);
  });

  it('refuses an unknown account with exit 78', async () => {
    const r = await ws.run(['compose', '-a', 'nope', '--to', 'bob@example.org', '--subject', 'Hi', '--text', 'x']);
    expect(r.code).toBe(78);
    expect(oneLine(r.stderr)).toMatch(/no account "nope"/);
  });
});
