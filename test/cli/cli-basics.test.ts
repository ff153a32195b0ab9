// The `outbox` command's frame: help, version, usage errors, exit codes for a missing account and an
// unwritable data folder, accounts without a password, and the human queue table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountProfile } from '../../electron/shared/account';
import type { SmtpPeer } from '../peers/smtp-peer';
import { oneLine, relayAccountArgs, runCli, sampleEml, startPlainPeer, Workspace } from './harness';

let ws: Workspace;
let peer: SmtpPeer;

beforeAll(async () => {
  ws = new Workspace();
  peer = await startPlainPeer();
});

afterAll(async () => {
  await peer?.close();
  ws?.remove();
});

describe('outbox', () => {
  it('prints its version and help', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^outbox \d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('OUTBOX_OFFLINE');
    const sendHelp = await runCli(['send', '--help']);
    expect(sendHelp.stdout).toContain('-t');
  });

  it('refuses an unknown sendmail flag with exit 64, one line, and nothing queued', async () => {
    const r = await ws.run(['send', '-X', 'bob@example.org'], { input: sampleEml() });
    expect(r.code).toBe(64);
    expect(oneLine(r.stderr)).toBe("outbox: Unknown option -X for 'outbox send'. Run 'outbox --help' for usage.");
    expect(r.stdout).toBe('');
  });

  it('exits 78 with a hint when no account is set up', async () => {
    const empty = new Workspace();
    try {
      const r = await empty.run(['send', 'bob@example.org'], { input: sampleEml() });
      expect(r.code).toBe(78);
      expect(oneLine(r.stderr)).toMatch(/No account .*outbox account add/);
    } finally {
      empty.remove();
    }
  });

  it('exits 73 when the data folder cannot be created', async () => {
    const file = ws.file('not-a-folder', 'x');
    const r = await runCli(['--data-dir', path.join(file, 'data'), 'send', 'bob@example.org'], { input: sampleEml() });
    expect(r.code).toBe(73);
    expect(oneLine(r.stderr)).toMatch(/^outbox: The data folder .*not-a-folder.* cannot be created or written/);
  });

  it('takes the data folder from OUTBOX_DATA_DIR', async () => {
    const other = new Workspace();
    try {
      const r = await runCli(['account', 'list', '--json'], { env: { OUTBOX_DATA_DIR: other.dataDir } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
    } finally {
      other.remove();
    }
  });

  it('exits 78 when the accounts file is damaged', async () => {
    const broken = new Workspace();
    try {
      mkdirSync(broken.dataDir, { recursive: true });
      writeFileSync(path.join(broken.dataDir, 'accounts.json'), '{ not json');
      const r = await broken.run(['account', 'list']);
      expect(r.code).toBe(78);
      expect(oneLine(r.stderr)).toMatch(/accounts file/);
    } finally {
      broken.remove();
    }
  });

  it('notes an accounts file that passed, and still refuses it once edited into something invalid', async () => {
    const other = new Workspace();
    try {
      expect((await other.run(relayAccountArgs('Relay', 'relay@example.com', '127.0.0.1', '2525'))).code).toBe(0);
      expect((await other.run(['account', 'list'])).code).toBe(0);
      // The build gives the command the schema's identity (scripts/build.mjs): a passing file is noted.
      const note = JSON.parse(readFileSync(path.join(other.dataDir, 'accounts.json.checked'), 'utf8')) as { schema: string };
      expect(note.schema).toMatch(/^[0-9a-f]{32}$/);
      const file = path.join(other.dataDir, 'accounts.json');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"port": 2525', '"port": 70000'));
      const r = await other.run(['account', 'list']);
      expect(r.code).toBe(78);
      expect(oneLine(r.stderr)).toMatch(/accounts\.0\.smtp\.port/);
    } finally {
      other.remove();
    }
  });

  it('adds and lists an account without a password, which needs no keychain', async () => {
    const add = await ws.run([...relayAccountArgs('Relay', 'relay@example.com', peer.host, String(peer.port))]);
    expect(add.code, add.stderr).toBe(0);
    const id = add.stdout.trim();
    expect(id).toBe('relay-example-com');

    const list = await ws.run(['account', 'list', '--json']);
    const accounts = JSON.parse(list.stdout) as AccountProfile[];
    expect(accounts.map((a) => a.id)).toContain(id);
    expect(accounts.find((a) => a.id === id)?.smtp).toMatchObject({
      host: '127.0.0.1',
      port: peer.port,
      security: 'none',
      insecure: true,
      user: '',
    });

    const table = await ws.run(['account', 'list']);
    expect(table.stdout).toMatch(/^ID\s+NAME\s+EMAIL\s+SERVER\s+STATUS$/m);
    expect(table.stdout).toContain('relay@example.com');
  });

  it('exits 78 when removing an account that does not exist', async () => {
    const r = await ws.run(['account', 'remove', 'no-such-account']);
    expect(r.code).toBe(78);
    expect(oneLine(r.stderr)).toMatch(/no account "no-such-account"/);
  });

  it('refuses an invalid account address with exit 65, naming the option', async () => {
    const r = await ws.run([
      'account',
      'add',
      '--name',
      'X',
      '--email',
      'nope',
      '--host',
      'h.example',
      '--port',
      '25',
      '--security',
      'tls',
    ]);
    expect(r.code).toBe(65);
    expect(oneLine(r.stderr)).toMatch(/--email/);
  });

  it('shows the queue as aligned columns', async () => {
    const add = await ws.run([...relayAccountArgs('Ann', 'ann@example.com', peer.host, String(peer.port))]);
    expect(add.code, add.stderr).toBe(0);
    const queued = await ws.run(['send', '--queue-only', 'bob@example.org'], { input: sampleEml() });
    expect(queued.code, queued.stderr).toBe(0);
    const r = await ws.run(['queue']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATE\s+ACCOUNT\s+TO\s+SUBJECT\s+NEXT ATTEMPT \/ REASON$/);
    const row = lines.find((l) => l.startsWith(queued.stdout.trim()))!;
    expect(row).toBeDefined();
    expect(lines[0]!.indexOf('STATE')).toBe(row.indexOf('queued'));
    expect(row).toContain('ann@example.com');
    expect(row).toContain('Lunch');
  });

  it('exits 66 for show with an unknown id', async () => {
    const r = await ws.run(['show', 'no-such-message']);
    expect(r.code).toBe(66);
    expect(oneLine(r.stderr)).toMatch(/no message "no-such-message"/);
  });
});
