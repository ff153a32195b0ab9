// `outbox send` over STARTTLS to a loopback smtp-server with a certificate from the per-run test CA,
// which the command trusts through NODE_EXTRA_CA_CERTS like any other system-wide extra CA.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCerts } from '../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer';
import { accountAddArgs, sampleEml, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;
let caFile: string;

beforeAll(async () => {
  ws = new Workspace();
  const certs = makeCerts({ hosts: ['localhost'] });
  caFile = ws.file('test-ca.pem', certs.ca);
  peer = await startSmtpPeer({ certs });
});

afterAll(async () => {
  await peer?.close();
  ws?.remove();
});

describe('outbox send over STARTTLS', () => {
  it('upgrades the connection and delivers', async () => {
    const add = await ws.run([
      ...accountAddArgs('Ann', 'ann@example.com'),
      '--host',
      'localhost',
      '--port',
      String(peer.port),
      '--security',
      'starttls',
    ]);
    expect(add.code, add.stderr).toBe(0);
    const r = await ws.run(['send', 'bob@example.org'], { input: sampleEml(), env: { NODE_EXTRA_CA_CERTS: caFile } });
    expect(r.code, r.stderr).toBe(0);
    expect(peer.messages.at(-1)).toMatchObject({ secure: true, to: ['bob@example.org'] });
  });

  it('refuses a certificate it cannot verify: no fallback to plain text, exit 69', async () => {
    const before = peer.messages.length;
    const r = await ws.run(['send', 'bob@example.org'], { input: sampleEml() });
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/^outbox: .*(TLS|certificate)/i);
    expect(peer.messages.length).toBe(before);
  });
});
