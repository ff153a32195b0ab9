// enqueue_p50_ms / enqueue_p99_ms: durable enqueue of a 10 KB message, from the call until it is safe on
// disk; beside it, a bare fsync'd 10 KB write measured the same way, as the floor this machine allows.
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeBenchEngine, percentile, tempDataDir } from './fixtures';

const SAMPLES = 1000;

export async function benchEnqueue(): Promise<{ p50: number; p99: number; bareP50: number; bareP99: number }> {
  const dir = await tempDataDir('enqueue');
  const { engine } = makeBenchEngine(dir, 9, false, true);
  await engine.start();
  const text = 'The quick brown fox jumps over the lazy dog. '.repeat(228).slice(0, 10_240);
  const times: number[] = [];
  for (let i = 0; i < SAMPLES + 50; i++) {
    const started = performance.now();
    await engine.enqueue({ to: ['sink@example.org'], subject: `enqueue ${i}`, text });
    if (i >= 50) times.push(performance.now() - started);
  }
  await engine.stop();
  const bare: number[] = [];
  const data = Buffer.alloc(10_240, 'x');
  const bareDir = path.join(dir, 'bare');
  await fs.mkdir(bareDir);
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const handle = await fs.open(path.join(bareDir, `${i}`), 'w');
    await handle.write(data);
    await handle.sync();
    await handle.close();
    bare.push(performance.now() - started);
  }
  await fs.rm(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  bare.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), bareP50: percentile(bare, 50), bareP99: percentile(bare, 99) };
}
