// The core services both composition roots build: an engine made by the factory sends through the account's
// keychain password to a real relay on loopback, a producer never sends, the log never carries a secret the keychain
// handed out, an OAuth2 account reaches the token store, and the app's preferences are the ones the engine follows.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogging } from '../../electron/core/logging';
import { isOAuthError } from '../../electron/core/oauth/oauth-error';
import type { OutboxEngine } from '../../electron/core/outbox/engine-api';
import { MemorySecretStore } from '../../electron/core/secrets/memory-secret-store';
import { CoreServices } from '../../electron/core/services';
import { makeCerts } from '../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../peers/smtp-peer';
import { FakeNetwork } from './outbox/harness';

let peer: SmtpPeer;
let dataDir: string;
const engines: OutboxEngine[] = [];

beforeAll(async () => {
  // A relay without TLS that insists on a login: the account below is marked insecure, so AUTH may go in the clear.
  peer = await startSmtpPeer({
    certs: makeCerts(),
    users: { ann: 'relay-password-1' },
    server: { hideSTARTTLS: true, allowInsecureAuth: true },
  });
});
afterAll(() => peer?.close());
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.stop({ graceMs: 1_000 }).catch(() => {});
  await rm(dataDir, { recursive: true, force: true });
});

async function services(
  keychain = new MemorySecretStore(),
): Promise<{ services: CoreServices; logFile: string; keychain: MemorySecretStore }> {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-services-'));
  const logging = createLogging({ dataDir, file: 'test' });
  return { services: new CoreServices({ dataDir, logging, name: 'test', keychain }), logFile: logging.file, keychain };
}

async function addRelayAccount(s: CoreServices): Promise<string> {
  const account = await s.accounts().add(
    {
      name: 'Ann',
      email: 'ann@example.com',
      smtp: { host: '127.0.0.1', port: peer.port, security: 'none', insecure: true, user: 'ann' },
    },
    'relay-password-1',
  );
  return account.id;
}

describe('CoreServices', () => {
  it('builds an engine that sends with the password the keychain holds, to the relay the account names', async () => {
    const { services: s, keychain } = await services();
    const accountId = await addRelayAccount(s);
    // The password went to the keychain the services were given, and to no file.
    expect(await keychain.get(accountId)).toBe('relay-password-1');
    expect(await readFile(path.join(dataDir, 'accounts.json'), 'utf8')).not.toContain('relay-password-1');
    const engine = await s.createEngine({ connectivity: new FakeNetwork(true) });
    engines.push(engine);
    await engine.start();
    const queued = await engine.enqueue({ to: ['bob@example.org'], subject: 'From the factory', text: 'Hello' });
    const done = await engine.waitFor(queued.id);
    expect(done.state).toBe('sent');
    const received = peer.messages.find((m) => m.raw.toString('utf8').includes('Subject: From the factory'));
    expect(received).toMatchObject({ from: 'ann@example.com', to: ['bob@example.org'], user: 'ann' });
  });

  it('makes a producer that queues durably and never connects, as `send --queue-only` needs', async () => {
    const { services: s } = await services();
    await addRelayAccount(s);
    const before = peer.connections();
    const engine = await s.createEngine({ connectivity: new FakeNetwork(true), mode: 'producer', autoSend: false });
    engines.push(engine);
    await engine.start();
    const queued = await engine.enqueue({ to: ['bob@example.org'], subject: 'Only queued', text: 'Hello' });
    await engine.stop({ graceMs: 1_000 });
    expect(peer.connections()).toBe(before);
    // Another engine over the same folder (the app, later) finds it waiting.
    const reader = await s.createEngine({ connectivity: new FakeNetwork(false), mode: 'reader' });
    engines.push(reader);
    await reader.start();
    expect((await reader.get(queued.id))?.state).toBe('queued');
  });

  it('never lets the log write a password the keychain handed out, even one stored by another process', async () => {
    const { services: s, keychain } = await services();
    const accountId = await addRelayAccount(s);
    // As if `outbox account password` had changed it meanwhile: this process reads it without ever storing it.
    await keychain.set(accountId, 'changed-elsewhere-7');
    const credentials = await s.accounts().credentials(accountId);
    expect(credentials).toMatchObject({ kind: 'password', password: 'changed-elsewhere-7' });
    s.logger.warn('the relay said: 535 rejected changed-elsewhere-7 for ann');
    s.logger.warn(`base64 too: ${Buffer.from('changed-elsewhere-7').toString('base64')}`);
    const log = await readFile(path.join(dataDir, 'logs', 'test.log'), 'utf8');
    expect(log).toContain('[test] the relay said: 535 rejected [redacted] for ann');
    expect(log).not.toContain('changed-elsewhere-7');
    expect(log).not.toContain(Buffer.from('changed-elsewhere-7').toString('base64').replace(/=+$/, ''));
  });

  it("asks an OAuth2 account's token from the keychain's sign-in, and says it is not signed in when there is none", async () => {
    const { services: s } = await services();
    const account = await s.accounts().add({
      name: 'Ann',
      email: 'ann@gmail.com',
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls', user: '' },
      signIn: { kind: 'oauth2', provider: 'google', clientId: 'own-client' },
    });
    const failure = await s
      .accounts()
      .credentials(account.id)
      .catch((error: unknown) => error);
    // Not the store's INTERNAL 'no OAuth token store': the token store looked and found no sign-in.
    expect(isOAuthError(failure) && failure.kind).toBe('not-signed-in');
  });

  it('reads preferences.json once and hands every caller the same store', async () => {
    const { services: s } = await services();
    await writeFile(path.join(dataDir, 'preferences.json'), JSON.stringify({ retryLifetimeHours: 6 }));
    const [first, second] = await Promise.all([s.preferences(), s.preferences()]);
    expect(first).toBe(second);
    expect(first.retryLifetimeMs()).toBe(6 * 3_600_000);
  });
});
