// The wizard's detection for one app session: one cache per session, one search per address that a
// newer search or a cancel stops, domain-health advice beside the result, and verification.
import type { DetectReport } from '../../shared/ipc-contract';
import type { Candidate, DetectResult, TraceStep, VerifyOutcome } from '../../shared/autodetect';
import { PROVIDER_IDS, PROVIDERS } from '../oauth/providers';
import { checkDomainHealth } from './domain-health';
import { DetectCache, detect, type DetectOptions } from './detect';
import { createResolver } from './dns';
import { verifyCandidates, type VerifyOptions } from './verify';

const HEALTH_MS = 3_000;

async function withinMs<T>(work: Promise<T[]>, ms: number): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T[]>((resolve) => (timer = setTimeout(() => resolve([]), ms)));
  try {
    return await Promise.race([work.catch(() => [] as T[]), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Offers "Sign in with Google/Microsoft" when the found SMTP servers are that provider's and accept OAuth2. */
function withSignIn(result: DetectResult): DetectResult {
  const oauthHosts = new Set(result.smtp.filter((c) => c.auth.includes('oauth2')).map((c) => c.host.toLowerCase()));
  const serves = (id: (typeof PROVIDER_IDS)[number], host: string): boolean =>
    host === PROVIDERS[id].smtp.host.toLowerCase() || PROVIDERS[id].serverDomains.some((d) => host.endsWith(`.${d}`));
  const signIn = PROVIDER_IDS.find((id) => [...oauthHosts].some((host) => serves(id, host)));
  if (!signIn) return result;
  return { ...result, provider: { ...(result.provider ?? { name: PROVIDERS[signIn].name }), signIn } };
}

export class DetectionService {
  private readonly cache = new DetectCache();
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly options: { detect?: Partial<DetectOptions>; verify?: VerifyOptions } = {}) {}

  async detect(email: string, timeoutSeconds?: number, onStep?: (step: TraceStep) => void): Promise<DetectReport> {
    const key = email.trim().toLowerCase();
    this.running.get(key)?.abort();
    const controller = new AbortController();
    this.running.set(key, controller);
    try {
      const resolver = this.options.detect?.resolver ?? createResolver({});
      const result = await detect(email, {
        ...this.options.detect,
        resolver,
        cache: this.cache,
        signal: controller.signal,
        ...(onStep ? { onStep } : {}),
        ...(timeoutSeconds ? { deadlineMs: timeoutSeconds * 1000 } : {}),
      });
      // Advice never blocks the wizard: a slow or failing DNS here only leaves it out.
      const health =
        result.domain && result.status !== 'cancelled'
          ? await withinMs(checkDomainHealth(result.domain, result.best?.host, resolver), HEALTH_MS)
          : [];
      return { ...withSignIn(result), health };
    } finally {
      if (this.running.get(key) === controller) this.running.delete(key);
    }
  }

  cancel(email: string): void {
    this.running.get(email.trim().toLowerCase())?.abort();
  }

  async verify(candidates: Candidate[], password: string | null): Promise<VerifyOutcome> {
    const result = await verifyCandidates(candidates, password, this.options.verify);
    return {
      ...(result.chosen ? { chosen: result.chosen } : {}),
      attempts: result.attempts.map((a) => ({
        candidate: a.candidate,
        ok: a.ok,
        verdict: a.verdict ? { code: a.verdict.code, message: a.verdict.message, next: a.verdict.next } : null,
      })),
    };
  }
}
