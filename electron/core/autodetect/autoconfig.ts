// The HTTP side of detection: Thunderbird's live ISPDB and the domain's own autoconfig files (HTTPS first,
// plain http last and marked as such), each capped in size and time, each outcome written to the trace.
import { CONFIG_XML_MAX_BYTES, parseConfigXml } from './config-xml';
import { FetchError, type Fetcher } from './fetcher';
import type { Trace } from './trace';
import type { CandidateSource, ProviderConfig } from './types';

export const ISPDB_LIVE_BASE = 'https://live.thunderbird.net/autoconfig/v1.1/';

export interface AutoconfigOptions {
  fetcher: Fetcher;
  /** Per request. Default 3000 ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Default 256 KB: an autoconfig file is a few KB, anything huge is not one. */
  maxBytes?: number;
  /** Default ISPDB_LIVE_BASE. */
  ispdbBase?: string;
}

export interface AutoconfigFound {
  provider: ProviderConfig;
  source: CandidateSource;
  url: string;
}

type Attempt = { found: AutoconfigFound } | { failed: true };

async function attempt(url: string, source: CandidateSource, domain: string, options: AutoconfigOptions, trace: Trace): Promise<Attempt> {
  const done = trace.begin(`${source} ${url}`);
  const timeoutMs = options.timeoutMs ?? 3000;
  const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  let body: string;
  try {
    const response = await options.fetcher(url, { signal, maxBytes: options.maxBytes ?? CONFIG_XML_MAX_BYTES });
    if (response.status !== 200) {
      done('nothing', `HTTP ${response.status}`);
      return { failed: true };
    }
    body = response.body;
  } catch (error) {
    if (options.signal?.aborted) done('cancelled', 'stopped: detection was cancelled or reached its deadline');
    else if (signal.aborted) done('timeout', `no answer within ${timeoutMs} ms`);
    else if (error instanceof FetchError && error.kind === 'too-large') done('error', `rejected: ${error.message}`);
    else done('error', error instanceof Error ? error.message : String(error));
    return { failed: true };
  }
  const parsed = parseConfigXml(body, domain);
  if (!parsed.ok) {
    done('error', `unusable autoconfig file: ${parsed.reason}`);
    return { failed: true };
  }
  const plaintextOnly = [...parsed.provider.smtp, ...parsed.provider.imap].every((s) => s.security === 'none');
  const notes = [
    `${parsed.provider.smtp.length} SMTP, ${parsed.provider.imap.length} IMAP`,
    ...(source === 'autoconfig-http' ? ['fetched over plain http: anyone on the network could have altered it'] : []),
    ...(plaintextOnly ? ['it lists unencrypted servers only: insecure, not recommended'] : []),
  ];
  done('found', notes.join('; '));
  return { found: { provider: parsed.provider, source, url } };
}

/** Thunderbird's live ISPDB: the same data as the bundled copy, but current. */
export async function fetchIspdbLive(domain: string, options: AutoconfigOptions, trace: Trace): Promise<AutoconfigFound | undefined> {
  const result = await attempt(`${options.ispdbBase ?? ISPDB_LIVE_BASE}${domain}`, 'ispdb-live', domain, options, trace);
  return 'found' in result ? result.found : undefined;
}

/**
 * The domain's own files: both HTTPS locations at once, the first in Thunderbird's order wins;
 * plain http only when neither HTTPS location gave a usable file.
 */
export async function fetchDomainAutoconfig(
  domain: string,
  email: string,
  options: AutoconfigOptions,
  trace: Trace,
): Promise<AutoconfigFound | undefined> {
  const query = `?emailaddress=${encodeURIComponent(email)}`;
  const secure = await Promise.all([
    attempt(`https://autoconfig.${domain}/mail/config-v1.1.xml${query}`, 'autoconfig', domain, options, trace),
    attempt(`https://${domain}/.well-known/autoconfig/mail/config-v1.1.xml`, 'autoconfig', domain, options, trace),
  ]);
  for (const result of secure) if ('found' in result) return result.found;
  if (options.signal?.aborted) return undefined;
  const plain = await attempt(`http://autoconfig.${domain}/mail/config-v1.1.xml${query}`, 'autoconfig-http', domain, options, trace);
  return 'found' in plain ? plain.found : undefined;
}
