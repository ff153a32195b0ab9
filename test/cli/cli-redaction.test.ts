// A server that echoes the password in its 535 reply: no form of it (plain, base64, the AUTH PLAIN and
// LOGIN blobs) reaches accounts.json, the journal, any file in the data folder, or what show, queue --json,
// account list and account test print. Needs the keyring `npm test` starts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKeyring, filesContaining } from '../peers/keyring';
import { startRawSmtp, type RawSmtpServer } from '../peers/raw-smtp';
import { relayAccountArgs, sampleEml, Workspace } from './harness';

const PASSWORD = 'Tr0ub4dor&3-echoed';
const USER = 'ann';
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const FORMS = [PASSWORD, b64(PASSWORD), b64(`\u0000${USER}\u0000${PASSWORD}`)];

describeKeyring('a server that echoes the password', () => {
  let ws: Workspace;
  let raw: RawSmtpServer;
  let id = '';

  beforeAll(async () => {
    ws = new Workspace();
    // Echoes what the client sent it, password and base64 blob alike, in the refusal.
    raw = await startRawSmtp({
      extensions: ['AUTH PLAIN LOGIN'],
      auth: (c) => `535 5.7.8 Authentication failed for ${USER} with ${PASSWORD} (${(c.saslResponses ?? []).join(' ') || c.args})`,
    });
  });

  afterAll(async () => {
    if (id) await ws.run(['account', 'remove', id]);
    await raw?.close();
    ws?.remove();
  });

  it('keeps every form of it out of the data folder and every output', async () => {
    const add = await ws.run(
      [...relayAccountArgs('Ann', 'ann@example.com', raw.host, String(raw.port)), '--user', USER, '--password-stdin'],
      { input: `${PASSWORD}\n` },
    );
    expect(add.code, add.stderr).toBe(0);
    id = add.stdout.trim();
    // The server did get it: the echo is real.
    const send = await ws.run(['send', 'bob@example.org'], { input: sampleEml() });
    expect(send.code, send.stderr).toBe(77);
    expect(raw.connections.some((c) => c.commands.some((l) => l.includes(FORMS[2]!) || l.includes(b64(PASSWORD))))).toBe(true);
    const outputs = [
      send,
      await ws.run(['show', send.stdout.trim()]),
      await ws.run(['show', send.stdout.trim(), '--json']),
      await ws.run(['queue', '--json']),
      await ws.run(['queue']),
      await ws.run(['account', 'list', '--json']),
      await ws.run(['account', 'list']),
      await ws.run(['account', 'test', id]),
      await ws.run(['account', 'test', id, '--json']),
    ];
    const show = outputs[1]!;
    expect(show.stdout).toContain('535 5.7.8 Authentication failed for ann with [redacted]');
    for (const form of FORMS) {
      expect(await filesContaining(ws.dataDir, form), form).toEqual([]);
      for (const r of outputs) {
        expect(r.stdout, form).not.toContain(form);
        expect(r.stderr, form).not.toContain(form);
      }
    }
  });
});
