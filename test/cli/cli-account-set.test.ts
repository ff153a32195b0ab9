// `outbox account set`: the provider-limit overrides README's "Provider limits" documents, said back in one
// sentence and kept per flag; and a Sent copy asked of an account without IMAP names a way the user has.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayAccountArgs, Workspace } from './harness';

describe('outbox account set', () => {
  const ws = new Workspace();
  const id = 'ann-example-com';
  beforeAll(async () => {
    // No sign-in and no server contact: nothing here needs the keychain or the network.
    const add = await ws.run([...relayAccountArgs('Relay', 'ann@example.com', '127.0.0.1', '9')]);
    expect(add.stdout.trim()).toBe(id);
  });
  afterAll(() => ws.remove());

  it('sets every limit README shows, says them back in plain words, and keeps the others when one flag changes', async () => {
    const all = await ws.run([
      'account',
      'set',
      id,
      '--max-connections',
      '2',
      '--per-minute',
      '10',
      '--per-day',
      '1500',
      '--recipients-per-day',
      '5000',
      '--recipients-per-message',
      '200',
    ]);
    expect(all.code).toBe(0);
    expect(all.stdout.trim()).toBe(
      `${id}: sends with at most 2 connections, 10 messages a minute, 1500 messages and 5000 recipients a day, 200 recipients a message (your limits over the profile for any other server).`,
    );
    const one = await ws.run(['account', 'set', id, '--per-day', '3']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain(
      'at most 2 connections, 10 messages a minute, 3 messages and 5000 recipients a day, 200 recipients a message',
    );
    const listed = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as { limits?: Record<string, number> }[];
    expect(listed[0]?.limits).toEqual({
      maxConnections: 2,
      messagesPerMinute: 10,
      messagesPerDay: 3,
      recipientsPerDay: 5000,
      recipientsPerMessage: 200,
    });
  });

  it('refuses a limit that is not a whole number above 0 as a usage mistake (64), in one line', async () => {
    for (const bad of ['0', 'abc', '1.5']) {
      const r = await ws.run(['account', 'set', id, '--per-day', bad]);
      expect(r.code, bad).toBe(64);
      expect(r.stderr.trim().split('\n'), bad).toHaveLength(1);
      expect(r.stderr, bad).toContain('--per-day must be a whole number');
    }
  });

  it('picks a provider profile by name, goes back to its figures with --reset-limits, and to matching by server with auto', async () => {
    const picked = await ws.run(['account', 'set', id, '--profile', 'google-workspace', '--reset-limits']);
    expect(picked.code, picked.stderr).toBe(0);
    expect(picked.stdout.trim()).toBe(
      `${id}: sends with at most 3 connections, 20 messages a minute, 2000 messages and 10000 recipients a day, 100 recipients a message (Google Workspace's profile (google-workspace), as set).`,
    );
    type Listed = { sendingProfile?: string; limits?: Record<string, number> };
    const list = async () => JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as Listed[];
    expect((await list())[0]).toMatchObject({ sendingProfile: 'google-workspace' });
    expect((await list())[0]?.limits).toBeUndefined();

    const own = await ws.run(['account', 'set', id, '--per-day', '1500']);
    expect(own.stdout).toContain(
      "1500 messages and 10000 recipients a day, 100 recipients a message (your limits over Google Workspace's profile",
    );

    const auto = await ws.run(['account', 'set', id, '--profile', 'auto', '--reset-limits']);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout.trim()).toBe(
      `${id}: sends with at most 5 connections, any number of messages a minute, any number of messages and any number of recipients a day, 100 recipients a message (the profile for any other server).`,
    );
    expect((await list())[0]?.sendingProfile).toBeUndefined();
    expect((await list())[0]?.limits).toBeUndefined();
  });

  it('refuses a profile that does not exist (64), naming the ones that do, and changes nothing', async () => {
    const r = await ws.run(['account', 'set', id, '--profile', 'gmail-premium', '--per-day', '7']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("There is no sending profile 'gmail-premium'");
    expect(r.stderr).toContain('google-workspace');
    expect(r.stderr).toContain('auto');
    const listed = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as { limits?: Record<string, number> }[];
    expect(listed[0]?.limits?.messagesPerDay).not.toBe(7);
  });

  it('asked for a Sent copy without an IMAP server, says how to add one from here (65)', async () => {
    const r = await ws.run(['account', 'set', id, '--sent-copy']);
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('has no IMAP server');
    expect(r.stderr).toMatch(/add it again with --imap-host, --imap-port and --imap-security/);
  });

  it("matches Gmail's server to Gmail for a gmail.com address and to Google Workspace for an address of one's own", async () => {
    // The bundled provider data that tells the two apart is read only then (the CLI build loads it at its first read).
    const own = new Workspace();
    try {
      const gmail = await own.run([...relayAccountArgs('Gmail', 'ann@gmail.com', 'smtp.gmail.com', '587')]);
      const domain = await own.run([...relayAccountArgs('Work', 'ann@example.com', 'smtp.gmail.com', '587')]);
      expect([gmail.code, domain.code], gmail.stderr + domain.stderr).toEqual([0, 0]);
      const said = async (account: string) => (await own.run(['account', 'set', account, '--profile', 'auto'])).stdout;
      expect(await said(gmail.stdout.trim())).toMatch(/\(Gmail's profile \(gmail\)/);
      expect(await said(domain.stdout.trim())).toMatch(/\(Google Workspace's profile \(google-workspace\)/);
    } finally {
      own.remove();
    }
  });
});
