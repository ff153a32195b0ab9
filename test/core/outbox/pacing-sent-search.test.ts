// No duplicate after a crash where the provider can tell: an SMTP peer that files each message it takes into
// a real Dovecot's Sent folder (as Gmail and Microsoft 365 do) and then dies before answering. At the next
// start the engine looks in Sent: found means sent ("confirmed in your Sent folder"), not sent again.
import fs from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import { createSentSearch } from '../../../electron/core/imap/sent-search';
import { appendSentCopy } from '../../../electron/core/imap/sent-copy';
import type { MessageSender } from '../../../electron/core/ports';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { makeCerts } from '../../peers/certs';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { startSmtpPeer } from '../../peers/smtp-peer';
import { readFolder } from '../imap/fixtures';
import { account, FakeNetwork, MemoryAccounts, tempDir } from './harness';

const certs = makeCerts();
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
});

/**
 * A sender that dies with its engine, as a killed process does: once closed, a send still in flight never
 * comes back (its connection is cut, its result lost), so nothing is recorded after the "crash".
 */
function crashable(inner: MessageSender): MessageSender {
  let crashed = false;
  return {
    send: (request) =>
      new Promise((resolve, reject) => {
        inner.send(request).then(
          (result) => !crashed && resolve(result),
          (error: unknown) => !crashed && reject(error as Error),
        );
      }),
    reset: (id) => inner.reset(id),
    close: async () => {
      crashed = true;
      await inner.close();
    },
  };
}

describeDovecot('after a crash mid-send, the Sent folder decides', () => {
  let dovecot: DovecotPeer;
  beforeAll(async () => {
    dovecot = await startDovecot({ variant: 'special-use' });
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('finds the message the server took in Sent and marks it sent without sending it again; one it did not take goes again', async () => {
    let data = 0;
    let fileNext = true;
    const peer = await startSmtpPeer({
      certs,
      users: { ann: 'pw' },
      server: {
        onData(stream, _session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            data++;
            const raw = Buffer.concat(chunks);
            const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(raw.toString('latin1'))?.[1] ?? '';
            // The provider files what it accepted into Sent, then the client is cut off before the 250.
            if (data === 1 && fileNext) {
              void appendSentCopy({
                settings: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', insecure: false, user: dovecot.user },
                credentials: { kind: 'password', user: dovecot.user, password: dovecot.password },
                messageId,
                bytes: raw,
                size: raw.length,
                tls: { ca: dovecot.ca },
              });
              return; // never answers
            }
            if (data === 1) return; // cut off without filing
            callback(null, 'Ok: queued');
          });
        },
      },
    });
    closers.push(() => peer.close());
    const acct = account('gmail-like', {
      smtp: { host: '127.0.0.1', port: peer.port, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
      imap: { host: dovecot.host, port: dovecot.imapsPort, security: 'tls', insecure: false, separateSecret: false },
    });
    const accounts = new MemoryAccounts(acct);
    const dir = await tempDir('outbox-sent-search-');
    closers.push(() => fs.rm(dir, { recursive: true, force: true }));
    const sentSearch = createSentSearch({
      credentials: async () => ({ kind: 'password', user: dovecot.user, password: dovecot.password }),
      filesOwnCopy: () => true,
      tls: { ca: dovecot.ca },
    });
    const make = () =>
      createOutboxEngine({
        dataDir: dir,
        accounts,
        sender: crashable(new SmtpSender({ tls: { ca: certs.ca } })),
        connectivity: new FakeNetwork(),
        sentSearch,
      });

    // First run: the message reaches the server, which files it and dies before answering; Outbox stops there.
    const first = make();
    await first.start();
    const queued = await first.enqueue({
      accountId: acct.id,
      to: ['bob@example.test'],
      subject: 'Once only',
      text: 'Exactly one copy, please.',
    });
    await expect
      .poll(async () => (await readFolder(dovecot, 'Sent')).filter((m) => m.source.toString('latin1').includes(queued.messageId)).length, {
        timeout: 10_000,
      })
      .toBe(1);
    await first.stop({ graceMs: 200 });
    expect((await first.get(queued.id))?.state).not.toBe('sent');

    // Restart: it was caught mid-send, and the Sent folder says it went out.
    const second = make();
    closers.push(() => second.stop({ graceMs: 200 }));
    await second.start();
    const done = await second.waitFor(queued.id);
    expect(done.state).toBe('sent');
    expect(done.attempts.at(-1)?.reply).toMatch(/^Confirmed in your Sent folder/);
    expect(data).toBe(1);
    expect((await readFolder(dovecot, 'Sent')).filter((m) => m.source.toString('latin1').includes(queued.messageId))).toHaveLength(1);
    await second.stop({ graceMs: 200 });

    // Control: one cut off before the server filed it is not in Sent, so it is sent again as before.
    data = 0;
    fileNext = false;
    const third = make();
    await third.start();
    const other = await third.enqueue({ accountId: acct.id, to: ['bob@example.test'], subject: 'Not filed', text: 'Goes again.' });
    await expect.poll(() => data, { timeout: 10_000 }).toBe(1);
    await third.stop({ graceMs: 200 });
    const fourth = make();
    closers.push(() => fourth.stop({ graceMs: 200 }));
    await fourth.start();
    const again = await fourth.waitFor(other.id);
    expect(again.state).toBe('sent');
    expect(data).toBe(2);
    expect(again.attempts.at(-1)?.reply).not.toMatch(/Sent folder/);
  });
});
