// A send still stuck when the engine stops (past the stop's grace) that settles afterwards: its outcome arrives after
// the journal closed. It must be dropped, not written and not an unhandled rejection, and the message recovered at
// the next start exactly as after a kill: caught mid-send ('interrupted'), so the Sent folder decides.
import fs from 'node:fs/promises';
import { afterEach, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { Logger, SendResult } from '../../../electron/core/ports';
import { account, FakeNetwork, MemoryAccounts, ScriptedSender, tempDir } from './harness';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
}

it('an outcome that arrives after stop is dropped without an unhandled rejection, and the message comes back interrupted', async () => {
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  cleanups.push(async () => process.off('unhandledRejection', onRejection));

  const dir = await tempDir('outbox-stop-stuck-');
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  const accounts = new MemoryAccounts(account());
  let release: (r: SendResult) => void = () => {};
  let started = 0;
  const stuck = new ScriptedSender(() => {
    started++;
    return new Promise<SendResult>((resolve) => (release = resolve));
  });
  const logger = capture();
  const first = createOutboxEngine({ dataDir: dir, accounts, sender: stuck, connectivity: new FakeNetwork(), logger });
  await first.start();
  const m = await first.enqueue({ to: ['bob@example.test'], subject: 'Stuck', text: 'Still going out when Outbox stops.' });
  await expect.poll(() => started).toBe(1);
  await first.stop({ graceMs: 20 });

  // The server answers at last, after the journal closed.
  release({ outcome: 'sent', reply: '250 2.0.0 Ok: late', transcript: ['S: 250 2.0.0 Ok: late'] });
  const dropped = () => logger.lines.some((l) => l.includes(`${m.id}: a change after the state journal closed was not recorded`));
  await expect.poll(() => dropped() || rejections.length > 0).toBe(true);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  expect(rejections).toEqual([]);
  expect(dropped()).toBe(true);
  // Nothing written after close: the journal holds no 'sent' for it.
  const logs = (await fs.readdir(`${dir}/spool/state`)).filter((n) => n.endsWith('.log'));
  const text = (await Promise.all(logs.map((n) => fs.readFile(`${dir}/spool/state/${n}`, 'utf8')))).join('');
  expect(text).not.toContain('Ok: late');

  // Next start: recovered as caught mid-send, so the Sent folder is asked; it says the server took it.
  const searched: string[] = [];
  const again = new ScriptedSender();
  const second = createOutboxEngine({
    dataDir: dir,
    accounts,
    sender: again,
    connectivity: new FakeNetwork(),
    sentSearch: async (_account, messageId) => {
      searched.push(messageId);
      return true;
    },
  });
  cleanups.push(() => second.stop({ graceMs: 200 }));
  await second.start();
  const done = await second.waitFor(m.id);
  expect(done.state).toBe('sent');
  expect(done.attempts.at(-1)?.reply).toMatch(/^Confirmed in your Sent folder/);
  expect(searched).toEqual([m.messageId]);
  expect(again.received).toEqual([]);
  expect(rejections).toEqual([]);
});
