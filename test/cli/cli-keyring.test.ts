// Accounts with a password: it is read from standard input into the real (test) keychain, used for AUTH,
// and a refused login exits 77 with the server's reply. Needs the keyring `npm test` starts.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeKeyring } from '../peers/keyring';
import type { SmtpPeer } from '../peers/smtp-peer';
import { oneLine, relayAccountArgs, sampleEml, startPlainPeer, Workspace } from './harness';

describeKeyring('outbox with a password in the keychain', () => {
  let ws: Workspace;
  let peer: SmtpPeer;
  const ids: string[] = [];

  beforeAll(async () => {
    ws = new Workspace();
    peer = await startPlainPeer({ users: { ann: 'correct horse' } });
  });

  afterAll(async () => {
    // Takes the test passwords out of the keychain again.
    for (const id of ids) await ws.run(['account', 'remove', id]);
    await peer?.close();
    ws?.remove();
  });

  async function add(email: string, password: string): Promise<string> {
    const r = await ws.run([...relayAccountArgs(email, email, peer.host, String(peer.port)), '--user', 'ann', '--password-stdin'], {
      input: `${password}\n`,
    });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    ids.push(id);
    return id;
  }

  it('reads the password from standard input, strips the newline, and signs in with it', async () => {
    const id = await add('ann@example.com', 'correct horse');
    const r = await ws.run(['send', '-a', id, 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.logins.at(-1)).toMatchObject({ username: 'ann', ok: true });
    expect(peer.messages.at(-1)!.user).toBe('ann');
  });

  it('exits 77 with the server reply when the password is refused, and holds the message', async () => {
    const id = await add('wrong@example.com', 'wrong password');
    const r = await ws.run(['send', '-a', id, 'bob@example.org'], { input: sampleEml() });
    expect(r.code).toBe(77);
    expect(oneLine(r.stderr)).toMatch(/535/);
    const show = await ws.run(['show', r.stdout.trim(), '--json']);
    expect(JSON.parse(show.stdout)).toMatchObject({ state: 'held', holdReason: 'account' });
  });

  it('lets a held message leave once the account has its right password again', async () => {
    const id = await add('fixme@example.com', 'wrong password');
    const sent = await ws.run(['send', '-a', id, 'bob@example.org'], { input: sampleEml() });
    expect(sent.code).toBe(77);
    const messageId = sent.stdout.trim();
    const fixed = await ws.run(['account', 'password', id, '--password-stdin'], { input: 'correct horse\n' });
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stderr).toMatch(/queued again/);
    const list = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as { id: string; status: string }[];
    expect(list.find((a) => a.id === id)?.status).toBe('ok');
    const flush = await ws.run(['flush', '--wait']);
    expect(flush.code, flush.stderr).toBe(0);
    expect(JSON.parse((await ws.run(['show', messageId, '--json'])).stdout)).toMatchObject({ state: 'sent' });
    expect(peer.logins.at(-1)).toMatchObject({ username: 'ann', ok: true });
  });

  it('removes an account and its password', async () => {
    const id = await add('gone@example.com', 'x');
    const r = await ws.run(['account', 'remove', id]);
    expect(r.code, r.stderr).toBe(0);
    ids.splice(ids.indexOf(id), 1);
    const list = await ws.run(['account', 'list', '--json']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((a) => a.id)).not.toContain(id);
    const again = await ws.run(['account', 'remove', id]);
    expect(again.code).toBe(78);
  });
});
