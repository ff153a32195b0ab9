// A spool file damaged on disk after Outbox took the message in is never sent, against a real Postfix into Dovecot:
// issue 9's repro (queue ~800 KB offline, truncate the .msg to half, `outbox flush --wait`), and the same for a file
// overwritten in place or appended to. Postfix never sees a transaction for it, nothing reaches a mailbox, the
// command exits 74 (EX_IOERR), and `outbox show` says quarantined; a healthy message in the same flush still goes, once.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { copies, describePostfix, type Outbox, type RealWorld } from './suite';

function bigMessage(to: string, kib: number): string {
  const line = 'The quick brown fox jumps over the lazy dog, again and again, for the test.'; // 76 chars + CRLF
  const lines = Math.ceil((kib * 1024) / (line.length + 2));
  return [
    `From: Ann <ann@example.com>`,
    `To: ${to}`,
    `Subject: ${kib} KiB`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    ...Array.from({ length: lines }, () => line),
    '',
  ].join('\r\n');
}

async function queueOffline(outbox: Outbox, to: string, kib: number): Promise<string> {
  const r = await outbox.run(['send', to], { input: bigMessage(to, kib), env: { OUTBOX_OFFLINE: '1' } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim();
}

function spoolFile(outbox: Outbox, id: string): string {
  const spool = path.join(outbox.ws.dataDir, 'spool');
  for (const dir of fs.readdirSync(spool)) {
    const file = path.join(spool, dir, `${id}.msg`);
    if (fs.existsSync(file)) return file;
  }
  throw new Error(`no spool file for ${id}`);
}

/** Transactions Postfix's smtpd opened (a MAIL FROM it accepted) since the log had `mark` characters. */
function transactionsSince(world: RealWorld, mark: number): string[] {
  return world.peer
    .postfixLog()
    .slice(mark)
    .split('\n')
    .filter((l) => /postfix\/smtpd\[\d+\]: \w+: client=/.test(l));
}

const DAMAGE: { name: string; kib: number; damage(file: string): void }[] = [
  {
    name: "truncated to half (the issue's ~800 KB repro)",
    kib: 800,
    damage: (file) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2)),
  },
  {
    name: 'overwritten in place (same length)',
    kib: 64,
    damage: (file) => {
      const fd = fs.openSync(file, 'r+');
      try {
        fs.writeSync(fd, Buffer.from('DAMAGED'), 0, 7, fs.statSync(file).size - 200);
      } finally {
        fs.closeSync(fd);
      }
    },
  },
  {
    name: 'appended to',
    kib: 64,
    damage: (file) => fs.appendFileSync(file, 'P.S. this line was never part of the message.\r\n'),
  },
];

describePostfix('a damaged spool file against a real Postfix', {}, (world) => {
  for (const d of DAMAGE) {
    it(`${d.name}: Postfix receives nothing, flush --wait exits 74, show says quarantined`, async () => {
      const outbox = await world.outbox();
      const slug = d.name.split(' ')[0]!;
      const damagedTo = `damaged-${slug}@example.org`;
      const healthyTo = `healthy-${slug}@example.org`;
      const id = await queueOffline(outbox, damagedTo, d.kib);
      const healthy = await queueOffline(outbox, healthyTo, 4);
      d.damage(spoolFile(outbox, id));

      const mark = world.peer.postfixLog().length;
      const r = await outbox.run(['flush', '--wait']);
      // EX_IOERR: the stored copy cannot be trusted (electron/cli/exit-codes.ts SPOOL_CORRUPT).
      expect(r.code, r.stderr).toBe(74);
      expect(r.stderr).toMatch(/changed on disk after it was queued.*it was not sent/);
      expect(r.stderr).toContain('1 message sent, 1 failed.');
      await world.peer.settled();

      // One transaction only: the healthy message's. The damaged one never reached MAIL FROM.
      expect(transactionsSince(world, mark)).toHaveLength(1);
      expect(copies(world, [damagedTo, healthyTo])).toEqual({ [damagedTo]: 0, [healthyTo]: 1 });
      expect(world.delivered(healthyTo)[0]!.message.equals(await outbox.stored(healthy))).toBe(true);

      const show = await outbox.run(['show', id]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/quarantined/i);
      const json = JSON.parse((await outbox.run(['show', id, '--json'])).stdout) as { state: string; quarantine?: { reason: string } };
      expect(json.state).toBe('quarantined');
      expect(json.quarantine?.reason).toBeTruthy();
      expect((await outbox.run(['queue', '--all'])).stdout).toContain(id);

      // A later flush does not send it either.
      const again = world.peer.postfixLog().length;
      await outbox.run(['flush', '--wait']);
      await world.peer.settled();
      expect(transactionsSince(world, again)).toHaveLength(0);
      expect(copies(world, [damagedTo])).toEqual({ [damagedTo]: 0 });
    });
  }
});
