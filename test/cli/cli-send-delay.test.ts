// `outbox send` and Undo send: scripts are never delayed by the app's preference; only --delay SECONDS holds a
// message, durably, as an undo window the app shows ("Sending in …") and `flush` does not cut short.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmtpPeer } from '../peers/smtp-peer';
import type { OutboxMessage } from '../../electron/shared/message';
import { addPlainAccount, sampleEml, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer();
  await addPlainAccount(ws, peer);
  // The app's Undo send preference at its longest: it must not touch scripts.
  await fs.writeFile(path.join(ws.dataDir, 'preferences.json'), JSON.stringify({ undoSendSeconds: 30 }));
});

afterAll(async () => {
  await peer?.close();
  ws?.remove();
});

async function show(id: string): Promise<OutboxMessage> {
  const r = await ws.run(['show', id, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as OutboxMessage;
}

describe('outbox send and Undo send', () => {
  it('sends at once without --delay, whatever the app’s Undo send preference says', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.messages.length).toBe(before + 1);
    const message = await show(r.stdout.trim());
    expect(message.state).toBe('sent');
    expect(message.undoUntil).toBeUndefined();
  });

  it('--delay SECONDS holds the message as an undo window, which flush does not cut short', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', '--delay', '600', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(peer.messages.length).toBe(before);
    const held = await show(id);
    expect(held.state).toBe('scheduled');
    expect(Date.parse(held.undoUntil!) - Date.parse(held.createdAt)).toBe(600_000);
    expect(held.scheduledAt).toBe(held.undoUntil);

    const flush = await ws.run(['flush']);
    expect(flush.code, flush.stderr).toBe(0);
    expect(peer.messages.length).toBe(before);
    const cancel = await ws.run(['cancel', id]);
    expect(cancel.code, cancel.stderr).toBe(0);
  });

  it('--delay 0 is no delay, and a delay that is not whole seconds up to an hour is a usage error', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', '--delay=0', 'bob@example.org'], { input: sampleEml() });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.messages.length).toBe(before + 1);
    for (const bad of ['soon', '-5', '2.5', '3601']) {
      const refused = await ws.run(['send', `--delay=${bad}`, 'bob@example.org'], { input: sampleEml() });
      expect(refused.code, bad).toBe(64);
      expect(refused.stderr).toMatch(/--delay needs whole seconds from 0 to 3600/);
    }
    const help = await ws.run(['send', '--help']);
    expect(help.stdout).toMatch(/--delay SECONDS/);
  });
});
