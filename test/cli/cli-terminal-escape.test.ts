// Untrusted text in terminal output: a subject, an address or a server reply carrying escape sequences
// is shown escaped (\x1b…) by `queue`, `show` and error lines, never obeyed by the terminal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import { startRawSmtp, type RawSmtpServer } from '../peers/raw-smtp';
import { addPlainAccount, relayAccountArgs, startPlainPeer, Workspace } from './harness';

const HOSTILE = '\u001b]0;pwned\u0007\u001b[2JInvoice\u009b31m';
// Any C0 control but tab and line feed, DEL and the C1 range: none may reach the terminal raw.
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let ws: Workspace;
let peer: SmtpPeer;
let raw: RawSmtpServer;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer();
  raw = await startRawSmtp({ extensions: ['8BITMIME'], mail: '550 5.7.1 \u001b]0;owned\u0007\u001b[2J refused' });
});

afterAll(async () => {
  await peer?.close();
  await raw?.close();
  ws?.remove();
});

describe('terminal output', () => {
  it('shows a subject with escape sequences escaped in queue, show and queue --json', async () => {
    await addPlainAccount(ws, peer);
    const queued = await ws.run(['compose', '--to', 'bob@example.org', '--subject', HOSTILE, '--text', 'hi', '--queue-only']);
    expect(queued.code, queued.stderr).toBe(0);
    const id = queued.stdout.trim();

    const table = await ws.run(['queue']);
    expect(table.code).toBe(0);
    expect(table.stdout).not.toMatch(CONTROL);
    expect(table.stdout).toContain('\\x1b]0;pwned\\x07\\x1b[2JInvoice');

    const show = await ws.run(['show', id]);
    expect(show.stdout).not.toMatch(CONTROL);
    expect(show.stdout).toMatch(/^Subject: +\\x1b\]0;pwned\\x07\\x1b\[2JInvoice\\x9b31m$/m);

    const json = await ws.run(['queue', '--json']);
    expect(json.stdout).not.toMatch(CONTROL);
    expect(JSON.parse(json.stdout)[0].subject).toBe(HOSTILE);
  });

  it("escapes a server reply's escape sequences in the error line and in show", async () => {
    const other = new Workspace();
    try {
      const add = await other.run([...relayAccountArgs('Raw', 'ann@example.com', raw.host, String(raw.port))]);
      expect(add.code, add.stderr).toBe(0);
      const r = await other.run(['compose', '--to', 'bob@example.org', '--subject', 'x', '--text', 'hi']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).not.toMatch(CONTROL);
      expect(r.stderr).toContain('\\x1b]0;owned\\x07');
      const show = await other.run(['show', r.stdout.trim()]);
      expect(show.stdout).not.toMatch(CONTROL);
      expect(show.stdout).toContain('\\x1b[2J refused');
    } finally {
      other.remove();
    }
  });
});
