// The memory benchmarks, each run in a fresh child process so its RSS is its own:
// a 100 MB attachment enqueued and sent, and a start with 10,000 queued messages.
import fs from 'node:fs/promises';
import path from 'node:path';
import { makeBenchEngine } from './fixtures';

const MB = 1024 * 1024;

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** Peak RSS growth (MB) while enqueuing and sending one message with a 100 MB attachment. */
export async function attachmentChild(dir: string, port: number): Promise<number> {
  const file = path.join(dir, 'big.bin');
  const handle = await fs.open(file, 'w');
  const chunk = Buffer.alloc(MB);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < chunk.length; j += 4) chunk.writeUInt32LE((i * 7919 + j) >>> 0, j);
    await handle.write(chunk);
  }
  await handle.close();
  const { engine } = makeBenchEngine(path.join(dir, 'data'), port, true, false);
  await engine.start();
  global.gc?.();
  const before = process.memoryUsage.rss();
  const rss = sampleRss();
  const message = await engine.enqueue({ to: ['sink@example.org'], subject: 'big', text: 'see attachment', attachments: [{ path: file }] });
  const sent = await engine.sendNow(message.id);
  const peak = rss.stop();
  await engine.stop();
  if (sent.state !== 'sent') throw new Error(`the 100 MB message was not sent: ${JSON.stringify(sent.lastError)}`);
  return (peak - before) / MB;
}

/** Time (ms) and total RSS (MB) to start with 10,000 queued messages until ready to send. */
export async function startupChild(dataDir: string): Promise<{ ms: number; rssMb: number; queued: number }> {
  const started = performance.now();
  const { engine } = makeBenchEngine(dataDir, 9, false, true);
  await engine.start();
  const ms = performance.now() - started;
  global.gc?.();
  const rssMb = process.memoryUsage.rss() / MB;
  const queued = (await engine.list({ states: ['queued'] })).length;
  if (engine.role !== 'sender') throw new Error('the engine did not become the sender');
  await engine.stop();
  return { ms, rssMb, queued };
}

/** Fills a data directory with `count` queued messages of a few KB each (not measured). */
export async function fillQueue(dataDir: string, count: number): Promise<void> {
  const { engine } = makeBenchEngine(dataDir, 9, false, true);
  await engine.start();
  const text = 'Queued while offline. '.repeat(100);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        await engine.enqueue({ to: [`r${i}@example.org`], subject: `queued ${i}`, text });
      }
    }),
  );
  await engine.stop();
}
