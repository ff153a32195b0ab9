// The Sent copies of what a command sent are saved before it exits, over one IMAP login for the batch;
// copies that must wait are said so by flush, queue and show. Needs the keyring `npm test` starts.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDovecot, startDovecot, type DovecotPeer } from '../peers/dovecot';
import { describeKeyring } from '../peers/keyring';
import type { SmtpPeer } from '../peers/smtp-peer';
import { readFolder } from '../core/imap/fixtures';
import { startPlainPeer, Workspace } from './harness';

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Messages of their own (Outbox adds each a Message-ID): a copy already in Sent is not stored twice. */
function eml(n: number): string {
  return `From: copies@example.test\r\nTo: bob@example.org\r\nSubject: Copy ${n}\r\n\r\nBody ${n}\r\n`;
}

async function queue(ws: Workspace, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await ws.run(['send', '--queue-only', 'bob@example.org'], { input: eml(i) });
    expect(r.code, r.stderr).toBe(0);
    ids.push(r.stdout.trim());
  }
  return ids;
}

describeKeyring('Sent copies from the outbox command', () => {
  describeDovecot('against Dovecot', () => {
    let ws: Workspace;
    let smtp: SmtpPeer;
    let dovecot: DovecotPeer;
    let env: Record<string, string>;
    const ids: string[] = [];

    beforeAll(async () => {
      ws = new Workspace();
      dovecot = await startDovecot({ variant: 'special-use', user: 'copies@example.test' });
      env = { NODE_EXTRA_CA_CERTS: ws.file('dovecot-ca.pem', dovecot.ca) };
      smtp = await startPlainPeer({ users: { [dovecot.user]: dovecot.password } });
    });

    afterAll(async () => {
      for (const id of ids) await ws.run(['account', 'remove', id]);
      await smtp?.close();
      await dovecot?.stop();
      ws?.remove();
    });

    async function addAccount(imapPort: number, email: string): Promise<string> {
      const add = await ws.run(
        [
          'account',
          'add',
          '--name',
          email,
          '--email',
          email,
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
          String(imapPort),
          '--imap-security',
          'tls',
          '--imap-user',
          dovecot.user,
          '--password-stdin',
        ],
        { input: `${dovecot.password}\n` },
      );
      expect(add.code, add.stderr).toBe(0);
      ids.push(add.stdout.trim());
      return add.stdout.trim();
    }

    const logins = (): number =>
      dovecot
        .log()
        .split('\n')
        .filter((l) => l.includes(`Login: user=<${dovecot.user}>`) && /imap-login: (Info: )?Login: /.test(l)).length;

    it('flush --wait saves all 10 copies before it exits, after one IMAP login', async () => {
      await addAccount(dovecot.imapsPort, dovecot.user);
      await queue(ws, 10);
      const before = logins();
      const r = await ws.run(['flush', '--wait'], { env, timeoutMs: 60_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('10 messages sent.');
      expect(logins() - before).toBe(1);
      expect(await readFolder(dovecot, 'Sent')).toHaveLength(10);
      const all = JSON.parse((await ws.run(['queue', '--all', '--json'])).stdout) as { sentCopy?: { state: string } }[];
      expect(all.map((m) => m.sentCopy?.state)).toEqual(Array(10).fill('saved'));
    }, 60_000);

    describe('when the IMAP server cannot be reached', () => {
      let other: Workspace;
      beforeAll(async () => {
        other = ws;
      });

      it('says the copies are left for later, and queue and show say they are pending', async () => {
        const id = await addAccount(await closedPort(), 'later@example.test');
        const r = await other.run(['send', '-a', id, '--wait', 'bob@example.org'], { input: eml(99), env, timeoutMs: 60_000 });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toMatch(/1 Sent copy is left for later \(next try \d{4}-\d\d-\d\d \d\d:\d\d\); the mail itself was sent/);
        const message = r.stdout.trim();
        const table = await other.run(['queue']);
        expect(table.stdout).not.toContain('The outbox is empty.');
        expect(table.stdout).toContain('No message is waiting to be sent.');
        expect(table.stdout).toMatch(/1 Sent copy is still to be saved \(next try .*; they go with the next 'outbox flush'/);
        const show = await other.run(['show', message]);
        expect(show.stdout).toMatch(/Sent copy: +still to be saved \(next try \d{4}-\d\d-\d\d \d\d:\d\d\); last try: /);
      }, 60_000);
    });
  });
});
