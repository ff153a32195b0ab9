// The kill test against the Sent-folder dedupe: an SMTP peer that files every message it accepts into a real
// Dovecot's Sent folder before answering (as Gmail and Microsoft 365 do), an account on a provider that files
// its own copy (Gmail's profile), and `outbox flush --wait` killed with SIGKILL at random moments. A message
// the server took but Outbox never recorded is found in Sent at the next start and marked sent, not sent again:
// every Message-ID reaches the peer exactly once. Needs the keyring `npm test` starts and Dovecot.
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AccountStore } from '../../electron/core/accounts/account-store';
import { appendSentCopy } from '../../electron/core/imap/sent-copy';
import { createOutboxEngine } from '../../electron/core/outbox';
import { createEngineAccounts } from '../../electron/core/outbox/account-adapter';
import { MemorySecretStore } from '../../electron/core/secrets/memory-secret-store';
import { readFolder } from '../core/imap/fixtures';
import { describeDovecot, startDovecot, type DovecotPeer } from '../peers/dovecot';
import { describeKeyring } from '../peers/keyring';
import type { SmtpPeer } from '../peers/smtp-peer';
import { accountAddArgs, startPlainPeer, Workspace } from './harness';

const COUNT = 150;
const KILLS = 8;
const END = 'end of this message';

// A seeded generator, so a failing run can be repeated with the seed it prints.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describeKeyring('a flush killed at random moments, with a provider that files its own Sent copy', () => {
  describeDovecot('against Dovecot', () => {
    let ws: Workspace;
    let dovecot: DovecotPeer;
    let smtp: SmtpPeer;
    let env: Record<string, string>;
    let accountId = '';
    /** Accepted at the peer (filed in Sent), by Message-ID. */
    const accepted = new Map<string, number>();
    /** Filings under way: the provider files before it answers, so a run starts only once they are done. */
    const filing = new Set<Promise<unknown>>();
    let filingFailed = 0;

    /** The outbox in this process as a producer: it takes no sender lock and sends nothing. */
    const outboxReader = () =>
      createOutboxEngine({
        dataDir: ws.dataDir,
        accounts: createEngineAccounts(new AccountStore({ dataDir: ws.dataDir, secrets: new MemorySecretStore() })),
        sender: { send: async () => ({ outcome: 'temporary', transcript: [] }), reset() {}, close: async () => {} },
        connectivity: { isOnline: () => false, onChange: () => () => {} },
        mode: 'producer',
        autoSend: false,
      });

    beforeAll(async () => {
      ws = new Workspace();
      dovecot = await startDovecot({ variant: 'special-use', user: 'killed@example.test' });
      env = { NODE_EXTRA_CA_CERTS: ws.file('dovecot-ca.pem', dovecot.ca) };
      const settings = { host: dovecot.host, port: dovecot.imapsPort, security: 'tls' as const, insecure: false, user: dovecot.user };
      const credentials = { kind: 'password' as const, user: dovecot.user, password: dovecot.password };
      smtp = await startPlainPeer({
        users: { [dovecot.user]: dovecot.password },
        server: {
          onData(stream, _session, callback) {
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              const raw = Buffer.concat(chunks);
              const text = raw.toString('latin1');
              const messageId = /^Message-ID:\s*(<[^>]+>)/im.exec(text)?.[1];
              // A transfer cut off mid-DATA is no message: the server takes nothing.
              if (!messageId || !text.includes(END)) return callback(new Error('incomplete'));
              accepted.set(messageId, (accepted.get(messageId) ?? 0) + 1);
              const filed = appendSentCopy({
                settings,
                credentials,
                messageId,
                bytes: raw,
                size: raw.length,
                tls: { ca: dovecot.ca },
              }).then((r) => {
                if (r.outcome === 'failed') filingFailed++;
              });
              filing.add(filed);
              // Filed, then answered a moment later: kills land between the two, and between the answer and the journal.
              void filed.finally(() => {
                filing.delete(filed);
                setTimeout(() => callback(null, 'Ok: queued'), 20);
              });
            });
          },
        },
      });
      const add = await ws.run(
        [
          ...accountAddArgs('Ann', 'ann@example.com'),
          '--user',
          dovecot.user,
          '--host',
          smtp.host,
          '--port',
          String(smtp.port),
          '--security',
          'none',
          '--insecure',
          '--imap-host',
          dovecot.host,
          '--imap-port',
          String(dovecot.imapsPort),
          '--imap-security',
          'tls',
          '--imap-user',
          dovecot.user,
          '--no-sent-copy',
          '--password-stdin',
        ],
        { input: `${dovecot.password}\n` },
      );
      expect(add.code, add.stderr).toBe(0);
      accountId = add.stdout.trim();
      // Gmail's pace would take minutes for this queue: the account's own limits, as a Workspace tier would set them.
      const set = await ws.run(['account', 'set', accountId, '--per-minute', '10000', '--per-day', '100000', '--max-connections', '3']);
      expect(set.code, set.stderr).toBe(0);
      // Gmail's profile is matched by its SMTP host (smtp.gmail.com); a loopback peer gets it as a stored profile.
      const file = path.join(ws.dataDir, 'accounts.json');
      const stored = await fs.readFile(file, 'utf8');
      const patched = stored
        .replace(`"id": "${accountId}"`, `"id": "${accountId}", "sendingProfile": "gmail"`)
        .replace(`"id":"${accountId}"`, `"id":"${accountId}","sendingProfile":"gmail"`);
      expect(patched).not.toBe(stored);
      await fs.writeFile(file, patched);
    }, 60_000);

    afterAll(async () => {
      if (accountId) await ws.run(['account', 'remove', accountId]);
      await smtp?.close();
      await dovecot?.stop();
      ws?.remove();
    });

    it('0 lost and 0 duplicates: each Message-ID reaches the server once, and the ones caught mid-send are confirmed in Sent', async () => {
      // Queued as a producer in this process (no lock, nothing sent), the way a script drops mail while nothing sends.
      const producer = outboxReader();
      await producer.start();
      for (let i = 0; i < COUNT; i++) {
        await producer.enqueue({
          accountId,
          to: [`r${i}@example.org`],
          subject: `kill ${i}`,
          text: `${'line of text\n'.repeat(20)}${END} ${i}\n`,
        });
      }
      await producer.stop();

      const seed = Number(process.env.OUTBOX_KILL_SEED ?? Date.now() % 100_000);
      const next = random(seed);
      let killedMidRun = 0;
      for (let k = 0; k < KILLS; k++) {
        const run = ws.start(['flush', '--wait'], { env });
        await new Promise((resolve) => setTimeout(resolve, 250 + next() * 600));
        if (run.child.exitCode === null) {
          run.child.kill('SIGKILL');
          killedMidRun++;
        }
        await run.done;
        await Promise.all(filing);
      }

      const final = await ws.run(['flush', '--wait'], { env, timeoutMs: 60_000 });
      expect(final.code, final.stderr).toBe(0);

      // The outbox as it stands, read in this process.
      const reader = outboxReader();
      await reader.start();
      const queue = await reader.list();
      await reader.stop();
      expect(queue.filter((m) => m.state !== 'sent').map((m) => `${m.id}: ${m.state}`)).toEqual([]);
      expect(queue).toHaveLength(COUNT);

      const missing = queue.filter((m) => !accepted.has(m.messageId)).length;
      const duplicates = [...accepted.values()].reduce((n, c) => n + c - 1, 0);
      const confirmed = queue.filter((m) => m.attempts.some((a) => a.reply?.startsWith('Confirmed in your Sent folder'))).length;
      const inSent = await readFolder(dovecot, 'Sent');
      console.log(
        `Sent-folder kill test (seed ${seed}): ${killedMidRun} of ${KILLS} runs killed mid-flush; ${COUNT} messages, ${[...accepted.values()].reduce((a, b) => a + b, 0)} accepted at the server, ${duplicates} duplicates, ${missing} missing, ${confirmed} confirmed in Sent instead of sent again, ${inSent.length} in Sent`,
      );
      expect(filingFailed).toBe(0);
      expect(missing).toBe(0);
      expect(duplicates).toBe(0);
      expect(accepted.size).toBe(COUNT);
      expect(killedMidRun).toBeGreaterThan(KILLS / 2);
      // The dedupe did the work: messages the server took before a kill were found, not sent again.
      expect(confirmed).toBeGreaterThan(0);
    }, 120_000);
  });
});
