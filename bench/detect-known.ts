// detect_known_ms: detect() for an address at a bundled provider (gmail.com), with a resolver and fetcher
// that fail the run if touched: no network at all. The figure is the first call (it builds the index).
import { detect } from '../electron/core/autodetect/detect';
import type { DnsResolver } from '../electron/core/autodetect/dns';
import type { Fetcher } from '../electron/core/autodetect/fetcher';
import { percentile } from './fixtures';

const WARM_SAMPLES = 200;

const offline = new Proxy(
  {},
  {
    get: () => () => {
      throw new Error('detect() used the network for a bundled provider');
    },
  },
);

async function detectOnce(): Promise<void> {
  const result = await detect('bench.user@gmail.com', { resolver: offline as DnsResolver, fetcher: offline as Fetcher });
  if (result.best?.host !== 'smtp.gmail.com') throw new Error(`unexpected best candidate ${result.best?.host}`);
}

export async function benchDetectKnown(): Promise<{ firstMs: number; p50Ms: number }> {
  let started = performance.now();
  await detectOnce();
  const firstMs = performance.now() - started;
  const times: number[] = [];
  for (let i = 0; i < WARM_SAMPLES; i++) {
    started = performance.now();
    await detectOnce();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { firstMs, p50Ms: percentile(times, 50) };
}
