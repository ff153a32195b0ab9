// throttled_flush_ratio (issue 10): 1,000 queued 2 KB messages into a server that takes 2 sessions at once and
// refuses the rest as Microsoft does (432 4.3.2). The engine starts from a profile of 3 connections, learns
// the limit from the replies and steps down; the baseline is a bare nodemailer pool already at 2 connections.
import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { createOutboxEngine } from '../electron/core/outbox';
import { SmtpSender } from '../electron/core/smtp/smtp-sender';
import { median, network, quietDisk, sinkAccount, staticAccounts, tempDataDir } from './fixtures';
import { benchLimits, startProviderSink } from './quota';

const COUNT = 1000;
const LIMIT = 2;
const WARMUP = 1;
const ROUNDS = 5;

function body(i: number): string {
  return `Message ${i}\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(34)}`.slice(0, 2000);
}

async function bare(raw: Buffer[]): Promise<number> {
  const sink = await startProviderSink({ threadLimit: LIMIT });
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: sink.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: LIMIT,
    maxMessages: Infinity,
  });
  await quietDisk();
  const started = performance.now();
  await Promise.all(
    raw.map((message) => transport.sendMail({ envelope: { from: 'bench@example.com', to: ['sink@example.org'] }, raw: message })),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  await sink.stop();
  return COUNT / seconds;
}

async function engineRun(): Promise<{ rate: number; raw: Buffer[]; failed: number; refused: number }> {
  const sink = await startProviderSink({ threadLimit: LIMIT });
  const dir = await tempDataDir('throttled');
  const accounts = staticAccounts(sinkAccount(sink.port));
  // Queued while no sender runs, so the whole queue meets the server at once when the sender starts.
  const producer = createOutboxEngine({ dataDir: dir, accounts, sender: new SmtpSender(), connectivity: network(true), mode: 'producer' });
  await producer.start();
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++)
    ids.push((await producer.enqueue({ to: ['sink@example.org'], subject: `throttled ${i}`, text: body(i) })).id);
  await producer.stop();
  // As the app runs it: sending by itself, retries scheduled by the engine.
  // Started offline, so loading the spool is not timed: the clock runs from the moment the network returns.
  const connectivity = network(false);
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts,
    sender: new SmtpSender(),
    connectivity,
    autoSend: true,
    pacing: { limitsFor: () => benchLimits({ name: 'Microsoft', maxConnections: LIMIT + 1 }) },
  });
  let sent = 0;
  let failed = 0;
  const done = new Promise<void>((resolve) =>
    engine.on((event) => {
      if (event.type !== 'changed') return;
      if (event.message.state === 'sent') sent++;
      if (event.message.state === 'failed') failed++;
      if (sent + failed >= COUNT) resolve();
    }),
  );
  await engine.start();
  await quietDisk();
  const started = performance.now();
  connectivity.set(true);
  await done;
  const seconds = (performance.now() - started) / 1000;
  // The same bytes for the baseline, read where the engine keeps them.
  const raw: Buffer[] = [];
  for (const id of ids) {
    const where = (await engine.bytesOf(id))!;
    // Sent files move from queue/ to sent/ while the engine is idle.
    const handle = await fs
      .open(where.file, 'r')
      .catch(() => fs.open(where.file.replace(`${path.sep}queue${path.sep}`, `${path.sep}sent${path.sep}`), 'r'));
    const buffer = Buffer.alloc(where.length);
    await handle.read(buffer, 0, where.length, where.offset);
    await handle.close();
    raw.push(buffer);
  }
  await engine.stop();
  const refused = sink.refused();
  await sink.stop();
  await fs.rm(dir, { recursive: true, force: true });
  return { rate: COUNT / seconds, raw, failed, refused };
}

export async function benchThrottled(): Promise<{ engine: number; bare: number; ratio: number; failed: number; refusals: number }> {
  const engineRates: number[] = [];
  const bareRates: number[] = [];
  let failed = 0;
  let refusals = 0;
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const run = await engineRun();
    const baseline = await bare(run.raw);
    failed += run.failed;
    refusals = run.refused;
    if (round < WARMUP) continue;
    engineRates.push(run.rate);
    bareRates.push(baseline);
  }
  const engine = median(engineRates);
  const bareRate = median(bareRates);
  return { engine, bare: bareRate, ratio: engine / bareRate, failed, refusals };
}
