// The sending login is read from the keychain once per send burst, not once per message, through the real
// AccountStore, the real SMTP sender and a real SMTP server that checks AUTH; a password changed meanwhile
// (by another process, as `outbox account password` does while the app sends) is used for the next message.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { createOutboxEngine, type OutboxEngine } from '../../../electron/core/outbox';
import { createEngineAccounts } from '../../../electron/core/outbox/account-adapter';
import type { SecretStore } from '../../../electron/core/ports';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { makeCerts } from '../../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';

/** The keychain as the store sees it, counting the reads of passwords. */
class CountingSecrets implements SecretStore {
  reads = 0;
  constructor(private readonly inner = new MemorySecretStore()) {}
  get(id: string) {
    this.reads++;
    return this.inner.get(id);
  }
  set(id: string, secret: string) {
    return this.inner.set(id, secret);
  }
  delete(id: string) {
    return this.inner.delete(id);
  }
}

const eml = (i: number) =>
  Readable.from([Buffer.from(`From: ann@example.com\r\nTo: bob@example.org\r\nSubject: burst ${i}\r\n\r\nmessage ${i}\r\n`)]);

describe('the sending login during a burst', () => {
  let dir: string;
  let peer: SmtpPeer;
  let users: Record<string, string>;
  let secrets: CountingSecrets;
  let store: AccountStore;
  let engine: OutboxEngine;
  let accountId: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-logins-'));
    users = { ann: 'first password' };
    peer = await startSmtpPeer({ certs: makeCerts(), users, server: { hideSTARTTLS: true } });
    secrets = new CountingSecrets();
    store = new AccountStore({ dataDir: dir, secrets });
    accountId = (
      await store.add(
        {
          name: 'Ann',
          email: 'ann@example.com',
          smtp: { host: peer.host, port: peer.port, security: 'none', insecure: true, user: 'ann', authMethod: 'auto' },
        },
        'first password',
      )
    ).id;
    engine = createOutboxEngine({
      dataDir: dir,
      accounts: createEngineAccounts(store),
      sender: new SmtpSender(),
      connectivity: { isOnline: () => true, onChange: () => () => {} },
      autoSend: false,
    });
    await engine.start();
    secrets.reads = 0;
  });

  afterEach(async () => {
    await engine?.stop({ graceMs: 1_000 });
    await peer?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function sendAll(from: number, count: number): Promise<void> {
    const ids: string[] = [];
    for (let i = from; i < from + count; i++) ids.push((await engine.enqueueRaw({ input: eml(i), recipientsFromHeaders: true })).id);
    await engine.flush();
    for (const id of ids) expect((await engine.waitFor(id)).state).toBe('sent');
  }

  it('reads the keychain once for a flush of 50 messages, and every message signs in', async () => {
    await sendAll(0, 50);
    expect(peer.messages).toHaveLength(50);
    expect(peer.logins.every((l) => l.ok && l.username === 'ann')).toBe(true);
    expect(secrets.reads).toBe(1);
  });

  it('uses a password changed by another process for the next message, without holding the account', async () => {
    await sendAll(0, 3);
    // Another process (the `outbox` command) stores the new password; the server takes only the new one now.
    const other = new AccountStore({ dataDir: dir, secrets });
    await other.update(accountId, {}, 'second password');
    users.ann = 'second password';
    await sendAll(3, 2);
    expect(peer.messages).toHaveLength(5);
    expect(peer.logins.filter((l) => l.ok).at(-1)).toMatchObject({ username: 'ann' });
    expect((await store.get(accountId))?.status).toBe('ok');
  });

  it('forgets the login when the account changes (accountChanged), and a refused password still holds the account', async () => {
    await sendAll(0, 2);
    const readsBefore = secrets.reads;
    engine.accountChanged((await store.get(accountId))!);
    await sendAll(2, 1);
    expect(secrets.reads).toBe(readsBefore + 1);
    // The server changes the password but the keychain keeps the old one: one fresh read, then held.
    users.ann = 'nobody knows';
    // The pool's open connections are signed in already: start from new ones, as a changed account does.
    engine.accountChanged((await store.get(accountId))!);
    const id = (await engine.enqueueRaw({ input: eml(9), recipientsFromHeaders: true })).id;
    await engine.flush();
    await engine.idle();
    expect((await engine.get(id))?.state).toBe('held');
    expect((await store.get(accountId))?.status).toBe('needs-attention');
    expect(peer.messages).toHaveLength(3);
  });
});
