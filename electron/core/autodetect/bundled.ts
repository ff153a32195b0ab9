// The bundled provider data (derived from Thunderbird's ISPDB): an instant, offline answer by the address's
// domain or, after the MX lookup, by the MX hosts' domains, so a custom domain hosted by Google or Microsoft is recognised.
import { getDomain } from 'tldts';
import bundledData from './data/providers.json';
import { indexByDomain } from './bundled-domains';
import type { BundledProviderData } from './config-xml';
import { normalizeDomain } from './domain-name';
import type { ProviderConfig } from './types';

export interface MxMatch {
  provider: ProviderConfig;
  /** The MX host that matched, e.g. 'aspmx.l.google.com'. */
  mxHost: string;
  /** The provider domain it matched, e.g. 'google.com' or 'mail.protection.outlook.com'. */
  matchedDomain: string;
}

export class BundledProviders {
  private index: Map<string, ProviderConfig> | undefined;

  constructor(private readonly data: BundledProviderData = bundledData as BundledProviderData) {}

  /** Built on first use; the first provider to list a domain wins, as the derivation order is fixed. */
  private getIndex(): Map<string, ProviderConfig> {
    this.index ??= indexByDomain(this.data);
    return this.index;
  }

  /** The provider for an address's domain (any case, trailing dot, Unicode or punycode). */
  lookupDomain(domain: string): ProviderConfig | undefined {
    const ascii = normalizeDomain(domain);
    return ascii ? this.getIndex().get(ascii) : undefined;
  }

  /**
   * The provider behind the first MX host that matches, in the order given (callers pass them by priority).
   * Each host is tried from itself down to its registrable domain (public-suffix aware), never the suffix alone:
   * so contoso-com.mail.protection.outlook.com finds Microsoft 365 (listed as mail.protection.outlook.com)
   * before the consumer Outlook.com entry, and aspmx.l.google.com finds Gmail through google.com.
   */
  lookupMx(mxHosts: string[]): MxMatch | undefined {
    const index = this.getIndex();
    for (const raw of mxHosts) {
      const mxHost = normalizeDomain(raw);
      if (!mxHost) continue;
      const registrable = getDomain(mxHost, { allowPrivateDomains: false });
      if (!registrable) continue;
      const labels = mxHost.split('.');
      for (let i = 0; i < labels.length; i++) {
        const candidate = labels.slice(i).join('.');
        if (candidate.length < registrable.length) break;
        const provider = index.get(candidate);
        if (provider) return { provider, mxHost, matchedDomain: candidate };
      }
    }
    return undefined;
  }

  get providerCount(): number {
    return this.data.providers.length;
  }
}

// The data is immutable, so one shared lazily indexed instance serves the whole process.
let shared: BundledProviders | undefined;
function defaultProviders(): BundledProviders {
  shared ??= new BundledProviders();
  return shared;
}

export function lookupDomain(domain: string): ProviderConfig | undefined {
  return defaultProviders().lookupDomain(domain);
}

export function lookupMx(mxHosts: string[]): MxMatch | undefined {
  return defaultProviders().lookupMx(mxHosts);
}
