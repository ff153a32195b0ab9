// A batch of sent mail is filed in Sent over one IMAP login per account, not one per message: counted in
// Dovecot's own log. A session idle for a moment logs out; a new batch logs in again.
import fs from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ImapSentCopyWriter } from '../../../electron/core/imap/sent-copy-writer';
import { createOutboxEngine } from '../../../electron/core/outbox';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { makeCerts } from '../../peers/certs';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';
import { account, FakeNetwork, MemoryAccounts, tempDir } from '../outbox/harness';
import { readFolder } from './fixtures';

describeDovecot('Sent copies of a batch over one IMAP connection', () => {
  let dovecot: DovecotPeer;
  let smtp: SmtpPeer;
  let dir: string;
  const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });

  beforeAll(async () => {
    dovecot = await startDovecot({ variant: 'special-use' });
    smtp = await startSmtpPeer({ certs, users: { ann: 'smtp-secret' } });
    dir = await tempDir();
  });
  afterAll(async () => {
    await smtp?.close();
    await dovecot?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Successful IMAP logins of the test user so far, as Dovecot logged them. */
  const logins = (): number =>
    dovecot
      .log()
      .split('\n')
      .filter((l) => /imap-login: (Info: )?Login: user=<sender@example\.test>/.test(l)).length;

  it('files 20 copies after one login, and they are all there, once each', async () => {
    const accounts = new MemoryAccounts(
      account('ann', {
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
        imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', insecure: false, user: dovecot.user, separateSecret: true },
        sentCopy: { enabled: true },
      }),
    );
    accounts.credentials = async () => ({ kind: 'password' as const, user: 'ann', password: 'smtp-secret' });
    const writer = new ImapSentCopyWriter({
      credentials: async () => ({ kind: 'password', user: dovecot.user, password: dovecot.password }),
      tls: { ca: dovecot.ca },
      timeouts: { connection: 5000, greeting: 5000, socket: 10_000 },
    });
    const engine = createOutboxEngine({
      dataDir: dir,
      accounts,
      sender: new SmtpSender({ tls: { ca: certs.ca } }),
      connectivity: new FakeNetwork(),
      sentCopy: writer,
    });
    await engine.start();
    const before = logins();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++)
        ids.push((await engine.enqueue({ to: ['bob@example.org'], subject: `Batch ${i}`, text: `Message ${i}` })).id);
      await expect
        .poll(async () => (await engine.list()).filter((m) => m.sentCopy?.state === 'saved').length, { timeout: 30_000 })
        .toBe(20);
      const stored = await readFolder(dovecot, 'Sent');
      expect(stored).toHaveLength(20);
      // readFolder logged in once itself.
      expect(logins() - before).toBe(2);
    } finally {
      await engine.stop();
    }
    // The engine's stop logged the session out.
    await expect.poll(() => dovecot.log()).toMatch(/Logged out in=/);
  });
});
