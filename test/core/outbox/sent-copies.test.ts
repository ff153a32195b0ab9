import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxEngine } from '../../../electron/core/outbox';
import type { SentCopyRequest, SentCopyResult, SentCopyWriter } from '../../../electron/core/ports';
import { account, FakeNetwork, ManualClock, MemoryAccounts, ScriptedSender, tempDir } from './harness';

class FakeFolder implements SentCopyWriter {
  readonly saved: { messageId: string; bytes: Buffer }[] = [];
  calls = 0;
  constructor(public answer: (call: number) => SentCopyResult | 'save' = () => 'save') {}
  async append(request: SentCopyRequest): Promise<SentCopyResult> {
    const answer = this.answer(++this.calls);
    if (answer !== 'save') return answer;
    const chunks: Buffer[] = [];
    for await (const c of await request.openMessage()) chunks.push(c as Buffer);
    this.saved.push({ messageId: request.messageId, bytes: Buffer.concat(chunks) });
    return { outcome: 'saved', folder: 'Sent' };
  }
}

const busy: SentCopyResult = {
  outcome: 'temporary',
  error: { code: 'NETWORK_TIMEOUT', message: 'The IMAP server did not answer in time.', next: 'Outbox will try again.', retryable: true },
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function setup(folder: FakeFolder, options: { copy?: boolean; clock?: ManualClock; dir?: string } = {}) {
  const dir = options.dir ?? (await tempDir());
  const accounts = new MemoryAccounts(account('acct', { sentCopy: { enabled: options.copy ?? true } }));
  const sender = new ScriptedSender();
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts,
    sender,
    connectivity: new FakeNetwork(),
    sentCopy: folder,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await engine.start();
  cleanups.push(async () => {
    await engine.stop();
    if (!options.dir) await fs.rm(dir, { recursive: true, force: true });
  });
  return { engine, sender, dir };
}

const mail = { to: ['bob@example.org'], subject: 'Copy me', text: 'Hello' };

describe('the copy in the Sent folder', () => {
  it('saves the exact bytes that were sent, once, and shows the copy as saved', async () => {
    const folder = new FakeFolder();
    const { engine, sender } = await setup(folder);
    const m = await engine.enqueue(mail);
    await expect.poll(async () => (await engine.get(m.id))?.sentCopy?.state).toBe('saved');
    expect(folder.saved).toHaveLength(1);
    expect(folder.saved[0]!.messageId).toBe(m.messageId);
    expect(folder.saved[0]!.bytes.equals(sender.received[0]!.bytes)).toBe(true);
    expect((await engine.get(m.id))?.sentCopy?.folder).toBe('Sent');
  });

  it('retries a copy that failed for now with its own backoff, and never sends the mail again', async () => {
    const clock = new ManualClock();
    const folder = new FakeFolder((call) => (call === 1 ? busy : 'save'));
    const { engine, sender } = await setup(folder, { clock });
    const m = await engine.enqueue(mail);
    await expect.poll(async () => (await engine.get(m.id))?.sentCopy?.attempts).toBe(1);
    const waiting = (await engine.get(m.id))!;
    expect(waiting.state).toBe('sent');
    expect(waiting.sentCopy).toMatchObject({ state: 'pending', error: { code: 'NETWORK_TIMEOUT' } });
    clock.advance(Date.parse(waiting.sentCopy!.nextAttemptAt!) - clock.now());
    await expect.poll(async () => (await engine.get(m.id))?.sentCopy?.state).toBe('saved');
    expect(sender.received).toHaveLength(1);
  });

  it('marks a copy the server refuses as failed with its reason, while the mail stays sent', async () => {
    const refused: SentCopyResult = {
      outcome: 'permanent',
      error: {
        code: 'INTERNAL',
        message: 'The server refused to store the copy.',
        next: 'Check the Sent folder setting.',
        retryable: false,
        reply: 'NO [OVERQUOTA] Quota exceeded',
      },
    };
    const folder = new FakeFolder(() => refused);
    const { engine, sender } = await setup(folder);
    const m = await engine.enqueue(mail);
    await expect.poll(async () => (await engine.get(m.id))?.sentCopy?.state).toBe('failed');
    const done = (await engine.get(m.id))!;
    expect(done.state).toBe('sent');
    expect(done.sentCopy?.error?.reply).toBe('NO [OVERQUOTA] Quota exceeded');
    expect(sender.received).toHaveLength(1);
  });

  it('picks a pending copy up again after a restart', async () => {
    const dir = await tempDir();
    cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
    const first = await setup(new FakeFolder(() => busy), { dir });
    const m = await first.engine.enqueue(mail);
    await expect.poll(async () => (await first.engine.get(m.id))?.sentCopy?.attempts).toBe(1);
    await first.engine.stop();
    const folder = new FakeFolder();
    const clock = new ManualClock(Date.now() + 3_600_000);
    const second = await setup(folder, { dir, clock });
    await expect.poll(async () => (await second.engine.get(m.id))?.sentCopy?.state).toBe('saved');
    expect(folder.saved).toHaveLength(1);
  });

  it('makes no copy for an account that does not keep one', async () => {
    const folder = new FakeFolder();
    const { engine } = await setup(folder, { copy: false });
    const m = await engine.enqueue(mail);
    expect((await engine.waitFor(m.id)).state).toBe('sent');
    await new Promise((r) => setTimeout(r, 50));
    expect((await engine.get(m.id))?.sentCopy).toBeUndefined();
    expect(folder.calls).toBe(0);
  });
});
