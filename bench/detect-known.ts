// detect_known_ms: a bundled provider, no network (target ≤ 50): domain lookup plus ranked candidates for
// gmail.com, the first call on a fresh index (cold, builds it) and then warm calls; max is the cold one or worse.
import { BundledProviders } from '../electron/core/autodetect/bundled';
import { candidatesFromProvider, parseEmailAddress } from '../electron/core/autodetect/candidates';
import { percentile } from './fixtures';

const WARM_SAMPLES = 200;

function detectOnce(bundled: BundledProviders): void {
  const parsed = parseEmailAddress('bench.user@gmail.com');
  if (!parsed.ok) throw new Error(parsed.reason);
  const provider = bundled.lookupDomain(parsed.value.domain);
  if (!provider) throw new Error('gmail.com is missing from the bundled provider data');
  const candidates = candidatesFromProvider(provider, parsed.value, 'bundled');
  if (candidates[0]?.host !== 'smtp.gmail.com') throw new Error(`unexpected first candidate ${candidates[0]?.host}`);
}

export async function benchDetectKnown(): Promise<{ p50Ms: number; maxMs: number }> {
  const bundled = new BundledProviders();
  const times: number[] = [];
  for (let i = 0; i <= WARM_SAMPLES; i++) {
    const started = performance.now();
    detectOnce(bundled);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 50), maxMs: times[times.length - 1] ?? 0 };
}
