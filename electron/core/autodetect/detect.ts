// From an email address to ranked SMTP and IMAP candidates with a trace: bundled data first, then the
// live ISPDB, the domain's autoconfig, SRV and MX at once, probing last; bounded by a deadline, cancellable.
import { fetchDomainAutoconfig, fetchIspdbLive } from './autoconfig';
import { lookupDomain, lookupMx } from './bundled';
import { candidatesFromProvider, parseEmailAddress, rankCandidates, type EmailAddress } from './candidates';
import { createResolver, DnsError, type DnsResolver } from './dns';
import { createHttpFetcher, type Fetcher } from './fetcher';
import { probeDomain, type ProbePort } from './probe';
import { lookupSrv } from './srv';
import { Trace } from './trace';
import type { DetectResult, DetectStatus } from '../../shared/autodetect';

export type { DetectResult, DetectStatus } from '../../shared/autodetect';
import type { Candidate, CandidateSource, ProviderConfig, TraceStep } from './types';

export interface DetectOptions {
  /** Default: the system resolver (a `--dns-server` one from the CLI, a loopback one in tests). */
  resolver?: DnsResolver;
  /** Default: node:https with the system's CAs. */
  fetcher?: Fetcher;
  /** Default 465, 587, 25, 2525. */
  probePorts?: readonly ProbePort[];
  /** The whole run; when it passes, the best found so far is returned. Default 8000 ms. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Findings per domain for the session; the composition root owns one. */
  cache?: DetectCache;
  /** Per HTTP request. Default 3000 ms. */
  httpTimeoutMs?: number;
  /** Per probed connection. Default 2500 ms (Thunderbird allows 10 s). */
  probeTimeoutMs?: number;
  /** Extra CA certificates the probe trusts (tests). */
  probeCa?: string | string[];
  ispdbBase?: string;
  /** Called with each trace step as it is recorded. */
  onStep?: (step: TraceStep) => void;
}

interface Finding {
  provider?: ProviderConfig;
  source: CandidateSource;
  /** Probe results, already candidates (user name set per address when read from the cache). */
  probed?: Candidate[];
}

/** Session cache of what was found per domain; only complete runs that found something are kept. */
export class DetectCache {
  private readonly byDomain = new Map<string, Finding[]>();
  get(domain: string): Finding[] | undefined {
    return this.byDomain.get(domain);
  }
  set(domain: string, findings: Finding[]): void {
    this.byDomain.set(domain, findings);
  }
  clear(): void {
    this.byDomain.clear();
  }
}

// When the same server comes from several places, the more trustworthy source keeps it.
const SOURCE_ORDER: CandidateSource[] = ['bundled', 'bundled-mx', 'ispdb-live', 'autoconfig', 'srv', 'probe', 'autoconfig-http'];

function buildCandidates(findings: Finding[], email: EmailAddress): { smtp: Candidate[]; imap: Candidate[] } {
  const ordered = [...findings].sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source));
  const all: Candidate[] = [];
  const seen = new Map<string, Candidate>();
  for (const finding of ordered) {
    const list = finding.provider
      ? candidatesFromProvider(finding.provider, email, finding.source)
      : (finding.probed ?? []).map((c) => ({ ...c, username: email.address }));
    for (const candidate of list) {
      const key = `${candidate.protocol} ${candidate.host} ${candidate.port} ${candidate.security}`;
      const earlier = seen.get(key);
      if (earlier) {
        // A probe confirming a published setting: keep the published one, add what the probe saw.
        if (candidate.verified && !earlier.verified) {
          earlier.verified = candidate.verified;
          earlier.notes.push(...candidate.notes.filter((n) => /certificate|sign-in|largest/.test(n)));
        }
        continue;
      }
      seen.set(key, candidate);
      all.push(candidate);
    }
  }
  // A certificate that names another host would fail at connect time: after every candidate that would not.
  const ranked = rankCandidates(all);
  const certOk = (c: Candidate) => c.verified?.certificateMatchesHost !== false;
  const final = [...ranked.filter(certOk), ...ranked.filter((c) => !certOk(c))];
  return { smtp: final.filter((c) => c.protocol === 'smtp'), imap: final.filter((c) => c.protocol === 'imap') };
}

function dnsOutcome(error: unknown): { outcome: TraceStep['outcome']; detail: string; nxdomain: boolean } {
  const kind = error instanceof DnsError ? error.kind : 'error';
  return {
    outcome: kind === 'timeout' ? 'timeout' : kind === 'nxdomain' ? 'nothing' : 'error',
    detail: error instanceof Error ? error.message : String(error),
    nxdomain: kind === 'nxdomain',
  };
}

async function lookupMxProvider(domain: string, resolver: DnsResolver, trace: Trace): Promise<{ finding?: Finding; nxdomain: boolean }> {
  const done = trace.begin(`mx ${domain}`);
  try {
    const records = (await resolver.resolveMx(domain)).sort((a, b) => a.priority - b.priority);
    if (records.length === 0) {
      done('nothing', 'no MX record: this domain receives no mail');
      return { nxdomain: false };
    }
    const hosts = records.map((r) => r.exchange);
    const match = lookupMx(hosts);
    if (!match) {
      done('nothing', `MX ${hosts.join(', ')}: not a provider Outbox knows`);
      return { nxdomain: false };
    }
    done('found', `MX ${match.mxHost} belongs to ${match.provider.displayName} (${match.matchedDomain})`);
    return { finding: { provider: match.provider, source: 'bundled-mx' }, nxdomain: false };
  } catch (error) {
    const { outcome, detail, nxdomain } = dnsOutcome(error);
    done(outcome, detail);
    return { nxdomain };
  }
}

/** Runs detection for one address; never throws for bad input, missing domains or network trouble. */
export async function detect(input: string, options: DetectOptions = {}): Promise<DetectResult> {
  const trace = new Trace(undefined, options.onStep);
  const parsed = parseEmailAddress(input);
  if (!parsed.ok) {
    trace.add('address', 'error', parsed.reason);
    return { email: '', domain: '', smtp: [], imap: [], trace: trace.steps, status: 'invalid', error: parsed.reason };
  }
  const email = parsed.value;
  const domain = email.domain;
  const typedDomain = input
    .trim()
    .slice(input.trim().lastIndexOf('@') + 1)
    .toLowerCase();
  trace.add('address', 'found', typedDomain !== domain ? `domain ${typedDomain} is ${domain} in DNS (punycode)` : `domain ${domain}`);
  const finish = (findings: Finding[], status: DetectStatus): DetectResult => {
    const { smtp, imap } = buildCandidates(findings, email);
    const best = smtp.find((c) => !c.insecure && c.verified?.certificateMatchesHost !== false);
    const known = findings.find((f) => f.provider)?.provider;
    const provider = known
      ? { name: known.displayName, ...(known.documentation?.length ? { documentation: known.documentation } : {}) }
      : undefined;
    return {
      email: email.address,
      domain,
      smtp,
      imap,
      ...(best ? { best } : {}),
      ...(provider ? { provider } : {}),
      trace: [...trace.steps],
      status,
    };
  };

  const cached = options.cache?.get(domain);
  if (cached) {
    trace.add('cache', 'found', `settings found earlier in this session for ${domain}`);
    return finish(cached, 'complete');
  }

  const known = lookupDomain(domain);
  if (known) {
    trace.add('bundled', 'found', `${known.displayName}, from Outbox's bundled provider data; no network needed`);
    return finish([{ provider: known, source: 'bundled' }], 'complete');
  }
  trace.add('bundled', 'nothing', `${domain} is not in the bundled provider data`);

  const stop = new AbortController();
  const onCancel = (): void => stop.abort();
  if (options.signal?.aborted) stop.abort();
  options.signal?.addEventListener('abort', onCancel, { once: true });
  const deadlineMs = options.deadlineMs ?? 8000;
  const deadline = setTimeout(() => stop.abort(), deadlineMs);
  const findings: Finding[] = [];
  const resolver = options.resolver ?? createResolver();
  const fetcher = options.fetcher ?? createHttpFetcher();

  const work = (async () => {
    const http = {
      fetcher,
      signal: stop.signal,
      timeoutMs: options.httpTimeoutMs ?? 3000,
      ...(options.ispdbBase ? { ispdbBase: options.ispdbBase } : {}),
    };
    const [ispdb, own, srv, mx] = await Promise.all([
      fetchIspdbLive(domain, http, trace),
      fetchDomainAutoconfig(domain, email.address, http, trace),
      lookupSrv(domain, resolver, trace),
      lookupMxProvider(domain, resolver, trace),
    ]);
    for (const found of [ispdb, own]) if (found) findings.push({ provider: found.provider, source: found.source });
    if (srv.smtp.length + srv.imap.length > 0) {
      findings.push({
        provider: { id: `srv:${domain}`, displayName: `${domain} (DNS SRV)`, domains: [domain], smtp: srv.smtp, imap: srv.imap },
        source: 'srv',
      });
    }
    if (mx.finding) findings.push(mx.finding);
    if (mx.nxdomain && srv.domainMissing) {
      trace.add('domain', 'error', `${domain} does not exist in DNS: check the spelling of the address`);
      trace.add('probe', 'skipped', 'nothing to probe on a domain that does not exist');
      return;
    }
    if (findings.some((f) => (f.provider?.smtp.length ?? 0) > 0)) {
      trace.add('probe', 'skipped', 'published settings were found, so no server was probed');
      return;
    }
    if (stop.signal.aborted) return;
    const probed = await probeDomain(
      domain,
      {
        email: email.address,
        resolver,
        signal: stop.signal,
        timeoutMs: options.probeTimeoutMs ?? 2500,
        ...(options.probePorts ? { ports: options.probePorts } : {}),
        ...(options.probeCa ? { ca: options.probeCa } : {}),
      },
      trace,
    );
    if (probed.length > 0) findings.push({ source: 'probe', probed });
  })();

  let stopped = false;
  const aborted = new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  try {
    await Promise.race([work, aborted]);
    if (stop.signal.aborted) {
      stopped = true;
      // Let the steps that were cut short write their outcome, but never wait long past the deadline.
      await Promise.race([work, new Promise((r) => setTimeout(r, 30))]);
    }
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onCancel);
  }
  work.catch(() => {});

  if (stopped && options.signal?.aborted) {
    trace.add('detect', 'cancelled', 'cancelled; showing what was found until then');
    return finish(findings, 'cancelled');
  }
  if (stopped) {
    trace.add('detect', 'timeout', `stopped at the ${deadlineMs} ms deadline; showing the best found so far`);
    return finish(findings, 'deadline');
  }
  const result = finish(findings, 'complete');
  if (findings.length > 0) options.cache?.set(domain, findings);
  if (result.smtp.length === 0) trace.add('detect', 'nothing', `no SMTP settings found for ${domain}; enter them by hand`);
  return { ...result, trace: [...trace.steps] };
}
