// Everything Outbox writes is for the user alone: after a full run under umask 000 (the loosest there is)
// every file in the data folder is 0600 and every folder 0700. The run queues, sends through a real SMTP
// peer, saves a Sent copy, quarantines a damaged message, adds an account, saves preferences, a draft and
// an attachment, compacts the journal and logs.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { withAccountsLock } from '../../../electron/core/accounts/accounts-lock';
import { AttachmentStaging } from '../../../electron/core/compose/attachment-staging';
import { DraftStore } from '../../../electron/core/compose/draft-store';
import { createLogging } from '../../../electron/core/logging';
import { createOutboxEngine } from '../../../electron/core/outbox';
import { Journal, loadState } from '../../../electron/core/outbox/journal';
import type { SentCopyRequest } from '../../../electron/core/ports';
import { PreferencesStore } from '../../../electron/core/preferences/preferences-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { makeCerts } from '../../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';
import { account, FakeNetwork, MemoryAccounts, tempDir } from '../outbox/harness';
import { widerThanPrivate } from './modes';

let previousUmask = 0;
let peer: SmtpPeer;
let outside: string;
const certs = makeCerts();

beforeAll(async () => {
  // The loosest umask there is: only the modes Outbox asks for protect the files.
  previousUmask = process.umask(0o000);
  peer = await startSmtpPeer({ certs, users: { ann: 'pw' } });
  outside = await tempDir('outbox-attach-');
});
afterAll(async () => {
  process.umask(previousUmask);
  await peer?.close();
  await fs.rm(outside, { recursive: true, force: true });
});

it('leaves every file 0600 and every folder 0700 after a full run under umask 000', async () => {
  const root = await tempDir();
  const dataDir = path.join(root, 'data');
  try {
    // An account, as `outbox account add` and the app's wizard store it.
    const store = new AccountStore({ dataDir, secrets: new MemorySecretStore() });
    await store.add({
      name: 'Ann',
      email: 'ann@example.com',
      smtp: { host: '127.0.0.1', port: peer.port, security: 'none', insecure: true, user: '', authMethod: 'auto' },
    });
    const preferences = new PreferencesStore(dataDir);
    await preferences.update({ retryLifetimeHours: 48 });
    // Compose: an attachment from a world-readable file (its mode must not be copied), and a draft.
    const source = path.join(outside, 'notes.txt');
    await fs.writeFile(source, 'attached\n', { mode: 0o644 });
    const staging = new AttachmentStaging(path.join(dataDir, 'attachments'));
    const attached = await staging.fromPath(source);
    await staging.fromBytes('dropped.bin', 'application/octet-stream', Buffer.from('dropped'));
    await new DraftStore(path.join(dataDir, 'drafts'), staging).save({
      to: ['bob@example.org'],
      subject: 'Draft',
      text: 'later',
      attachments: [attached.id],
    } as never);
    const logging = createLogging({ dataDir, file: 'outbox' });
    logging.createLogger('test').info('a line');

    // The outbox: queue, send, a Sent copy, a quarantine, a compaction.
    const copies: Buffer[] = [];
    const engine = createOutboxEngine({
      dataDir,
      accounts: new MemoryAccounts(
        account('acct', {
          smtp: { host: '127.0.0.1', port: peer.port, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
          sentCopy: { enabled: true },
        }),
      ),
      sender: new SmtpSender({ tls: { ca: certs.ca } }),
      connectivity: new FakeNetwork(true),
      logger: logging.createLogger('outbox'),
      sentCopy: {
        append: async (request: SentCopyRequest) => {
          const chunks: Buffer[] = [];
          for await (const c of await request.openMessage()) chunks.push(c as Buffer);
          copies.push(Buffer.concat(chunks));
          return { outcome: 'saved', folder: 'Sent' };
        },
      },
    });
    await engine.start();
    const sent = await engine.enqueue({ to: ['bob@example.org'], subject: 'Modes', text: 'hello' });
    expect((await engine.waitFor(sent.id)).state).toBe('sent');
    await expect.poll(async () => (await engine.get(sent.id))?.sentCopy?.state).toBe('saved');
    await fs.writeFile(path.join(dataDir, 'spool', 'queue', 'dropped-damaged.msg'), 'not a spool file', { mode: 0o600 });
    await expect.poll(async () => (await engine.get('dropped-damaged'))?.state).toBe('quarantined');
    await engine.idle();
    await engine.stop();
    expect(copies).toHaveLength(1);
    // A compaction writes a new snapshot and a new log.
    const loaded = await loadState(path.join(dataDir, 'spool', 'state'));
    const journal = new Journal(path.join(dataDir, 'spool', 'state'), loaded.generation, { info() {}, warn() {}, error() {} });
    await journal.open();
    await journal.compact(loaded.records.values());
    await journal.close();

    const names = await fs.readdir(path.join(dataDir, 'spool', 'state'));
    expect(names.some((n) => /^state-\d+\.log$/.test(n))).toBe(true);
    expect(await fs.readdir(path.join(dataDir, 'spool', 'quarantine'))).toContain('dropped-damaged.msg.reason.txt');
    expect(await fs.readdir(dataDir)).toEqual(
      expect.arrayContaining(['accounts.json', 'preferences.json', 'attachments', 'drafts', 'logs', 'spool']),
    );
    expect(await widerThanPrivate(dataDir)).toEqual([]);
    expect((await fs.stat(dataDir)).mode & 0o777).toBe(0o700);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

it('holds the accounts lock in a private folder under umask 000', async () => {
  const root = await tempDir();
  try {
    const file = path.join(root, 'accounts.json');
    const mode = await withAccountsLock(
      file,
      { info() {}, warn() {}, error() {} },
      async () => (await fs.stat(`${file}.lock`)).mode & 0o777,
    );
    expect(mode.toString(8)).toBe('700');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

it('narrows the journal and the spool folders an older version left world-readable', async () => {
  const root = await tempDir();
  const dataDir = path.join(root, 'data');
  try {
    for (const dir of ['tmp', 'queue', 'sent', 'quarantine', 'trash', 'requests', 'state'])
      await fs.mkdir(path.join(dataDir, 'spool', dir), { recursive: true, mode: 0o755 });
    await fs.writeFile(path.join(dataDir, 'spool', 'state', 'state-0.log'), '', { mode: 0o644 });
    const engine = createOutboxEngine({
      dataDir,
      accounts: new MemoryAccounts(account()),
      sender: new SmtpSender(),
      connectivity: new FakeNetwork(false),
    });
    await engine.start();
    await engine.stop();
    expect(await widerThanPrivate(path.join(dataDir, 'spool'))).toEqual([]);
    // The polled request folder of older versions is gone: the sender channel took its place.
    expect(await fs.readdir(path.join(dataDir, 'spool'))).not.toContain('requests');
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
