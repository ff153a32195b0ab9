// flush_ratio: 1,000 queued 2 KB messages flushed by the engine to a loopback sink, against a bare
// nodemailer pooled transport (5 connections, no per-connection limit) sending the same bytes in the same run.
import fs from 'node:fs/promises';
import nodemailer from 'nodemailer';
import { makeBenchEngine, median, quietDisk, tempDataDir } from './fixtures';

const COUNT = 1000;
const WARMUP = 3;
const ROUNDS = 7;

function twoKilobytes(i: number): string {
  return `Message ${i}\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(34)}`.slice(0, 2000);
}

async function bareNodemailer(port: number, raw: Buffer[]): Promise<number> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
  });
  await quietDisk();
  const started = performance.now();
  await Promise.all(
    raw.map((message) => transport.sendMail({ envelope: { from: 'bench@example.com', to: ['sink@example.org'] }, raw: message })),
  );
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return COUNT / seconds;
}

/**
 * Warm: the engine that queued the messages flushes them (small bodies may still be in its memory).
 * Cold: a fresh engine, as after a restart, reads every message back from the spool.
 */
async function engineFlush(port: number, cold: boolean): Promise<{ rate: number; raw: Buffer[] }> {
  const dir = await tempDataDir('flush');
  let { engine } = makeBenchEngine(dir, port, true, false);
  await engine.start();
  const ids: string[] = [];
  for (let i = 0; i < COUNT; i++)
    ids.push((await engine.enqueue({ to: ['sink@example.org'], subject: `bench ${i}`, text: twoKilobytes(i) })).id);
  if (cold) {
    await engine.stop();
    ({ engine } = makeBenchEngine(dir, port, true, false));
    await engine.start();
  }
  const raw: Buffer[] = [];
  for (const id of ids.slice(0, COUNT)) {
    const where = (await engine.bytesOf(id))!;
    const handle = await fs.open(where.file, 'r');
    const buffer = Buffer.alloc(where.length);
    await handle.read(buffer, 0, where.length, where.offset);
    await handle.close();
    raw.push(buffer);
  }
  await quietDisk();
  const started = performance.now();
  await engine.flush();
  await engine.idle();
  const seconds = (performance.now() - started) / 1000;
  const sent = (await engine.list({ states: ['sent'] })).length;
  await engine.stop();
  await fs.rm(dir, { recursive: true, force: true });
  if (sent !== COUNT) throw new Error(`engine flush sent ${sent} of ${COUNT}`);
  return { rate: COUNT / seconds, raw };
}

export async function benchFlush(port: number): Promise<{ engine: number; cold: number; bare: number; ratio: number; coldRatio: number }> {
  const engineRates: number[] = [];
  const coldRates: number[] = [];
  const bareRates: number[] = [];
  // Alternate the two so that warm-up and machine noise fall on both alike.
  // Both sides need a few rounds before the JIT has compiled their hot paths; those rounds are dropped.
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const { rate, raw } = await engineFlush(port, false);
    const bare = await bareNodemailer(port, raw);
    const cold = await engineFlush(port, true);
    if (round < WARMUP) continue;
    engineRates.push(rate);
    coldRates.push(cold.rate);
    bareRates.push(bare);
  }
  const engine = median(engineRates);
  const cold = median(coldRates);
  const bare = median(bareRates);
  return { engine, cold, bare, ratio: engine / bare, coldRatio: cold / bare };
}
