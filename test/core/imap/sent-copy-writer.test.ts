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

describeDovecot('sent mail filed in the Sent folder of a real IMAP server', () => {
  let dovecot: DovecotPeer;
  let smtp: SmtpPeer;
  let dir: string;
  const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });

  beforeAll(async () => {
    dovecot = await startDovecot({ variant: 'localised' });
    smtp = await startSmtpPeer({ certs, users: { ann: 'smtp-secret' } });
    dir = await tempDir();
  });
  afterAll(async () => {
    await smtp?.close();
    await dovecot?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('sends over SMTP, then stores the same bytes once in the Sent folder it finds, and remembers the folder', async () => {
    const accounts = new MemoryAccounts(
      account('ann', {
        smtp: { host: '127.0.0.1', port: smtp.port, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
        imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', insecure: false, user: dovecot.user, separateSecret: true },
        sentCopy: { enabled: true },
      }),
    );
    accounts.credentials = async () => ({ kind: 'password' as const, user: 'ann', password: 'smtp-secret' });
    const remembered: string[] = [];
    const writer = new ImapSentCopyWriter({
      credentials: async () => ({ kind: 'password', user: dovecot.user, password: dovecot.password }),
      rememberFolder: async (_id, folder) => {
        remembered.push(folder);
      },
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
    try {
      const message = await engine.enqueue({ to: ['bob@example.org'], subject: 'Filed', text: 'Kept in Gesendet' });
      expect((await engine.waitFor(message.id)).state).toBe('sent');
      await expect.poll(async () => (await engine.get(message.id))?.sentCopy?.state, { timeout: 15_000 }).toBe('saved');
      const stored = await readFolder(dovecot, 'Gesendet');
      expect(stored).toHaveLength(1);
      expect(stored[0]!.flags).toContain('\\Seen');
      expect(stored[0]!.source.equals(smtp.messages[0]!.raw)).toBe(true);
      expect((await engine.get(message.id))?.sentCopy?.folder).toBe('Gesendet');
      expect(remembered).toEqual(['Gesendet']);
    } finally {
      await engine.stop();
    }
  });
});
