// `outbox account remove` never drops mail silently: while messages wait for the account it refuses and says
// how many and what to do; --force cancels them (they stay listed as failed) and says how many. A name that is
// no account is said as such, also when there is no account at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relayAccountArgs, sampleEml, Workspace } from './harness';

let ws: Workspace;

beforeAll(() => {
  ws = new Workspace();
});

afterAll(() => {
  ws?.remove();
});

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

async function add(name: string, email: string): Promise<string> {
  // Port 9 on loopback: nothing is sent, the messages below are only queued.
  const r = await ws.run(relayAccountArgs(name, email, '127.0.0.1', 9));
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

async function queueFrom(from: string): Promise<string> {
  const r = await ws.run(['send', '-t', '--queue-only'], { input: sampleEml([`From: <${from}>`, 'To: <bob@example.org>']) });
  expect(r.code).toBe(0);
  return r.stdout.trim();
}

async function queued(): Promise<{ id: string; state: string; accountId: string; lastError?: { message: string } }[]> {
  const r = await ws.run(['queue', '--all', '--json']);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('outbox account remove', () => {
  it('refuses while mail waits for the account, says how many and how to go on, and keeps account and mail', async () => {
    const work = await add('Work', 'work@example.com');
    const home = await add('Home', 'home@example.com');
    const a = await queueFrom('work@example.com');
    const b = await queueFrom('work@example.com');
    await queueFrom('home@example.com');

    const r = await ws.run(['account', 'remove', work]);
    expect(r.code).toBe(65);
    const line = oneLine(r.stderr);
    expect(line).toContain(`${work} has 2 messages waiting to be sent`);
    expect(line).toContain('outbox flush');
    expect(line).toContain('outbox delete');
    expect(line).toContain('--force');
    expect(r.stdout).toBe('');

    const list = await ws.run(['account', 'list', '--json']);
    expect((JSON.parse(list.stdout) as { id: string }[]).map((x) => x.id).sort()).toEqual([home, work].sort());
    const mine = (await queued()).filter((m) => m.accountId === work);
    expect(mine.map((m) => m.id).sort()).toEqual([a, b].sort());
    expect(mine.every((m) => m.state === 'queued')).toBe(true);
  });

  it('with --force removes the account, cancels its waiting mail (still listed) and says how many were dropped', async () => {
    const accounts = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as { id: string; email: string }[];
    const work = accounts.find((x) => x.email === 'work@example.com')!.id;
    const home = accounts.find((x) => x.email === 'home@example.com')!.id;

    const r = await ws.run(['account', 'remove', work, '--force']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(oneLine(r.stdout)).toContain(`Removed account ${work}; dropped 2 messages`);

    const left = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as { id: string }[];
    expect(left.map((x) => x.id)).toEqual([home]);
    const all = await queued();
    const dropped = all.filter((m) => m.accountId === work);
    expect(dropped).toHaveLength(2);
    expect(dropped.every((m) => m.state === 'failed')).toBe(true);
    // The other account's mail is untouched.
    expect(all.filter((m) => m.accountId === home).map((m) => m.state)).toEqual(['queued']);
  });

  it('removes an account with nothing waiting at once, without --force', async () => {
    const spare = await add('Spare', 'spare@example.com');
    const r = await ws.run(['account', 'remove', spare]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`Removed account ${spare}.`);
  });
});

describe('an account name that is no account', () => {
  it.each([
    [['account', 'remove', 'nobody']],
    [['account', 'test', 'nobody']],
    [['account', 'set', 'nobody', '--sent-folder', 'Sent']],
    [['account', 'password', 'nobody', '--password-stdin']],
  ])('with no account at all, %j says there is no account "nobody" and how to add one (78)', async (args) => {
    const empty = new Workspace();
    try {
      const r = await empty.run(args, { input: 'secret\n' });
      expect(r.code).toBe(78);
      const line = oneLine(r.stderr);
      expect(line).toContain('no account "nobody"');
      expect(line).toContain('outbox account add');
      expect(line).not.toContain('No account is set up to send from');
    } finally {
      empty.remove();
    }
  });
});
