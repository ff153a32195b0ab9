// The bundled provider data by address domain only: what the sending profiles need to tell Gmail's own
// addresses from a Google Workspace domain at the first send. Its own module, without the public-suffix list
// (tldts, about 6 MB of memory and 10 ms to load) that only the MX matching in bundled.ts needs.
import bundledData from './data/providers.json';
import type { BundledProviderData } from './config-xml';
import { normalizeDomain } from './domain-name';
import type { ProviderConfig } from './types';

/** Providers by domain; the first provider to list a domain wins, as the derivation order is fixed. */
export function indexByDomain(data: BundledProviderData): Map<string, ProviderConfig> {
  const index = new Map<string, ProviderConfig>();
  for (const provider of data.providers) {
    for (const domain of provider.domains) if (!index.has(domain)) index.set(domain, provider);
  }
  return index;
}

let shared: Map<string, ProviderConfig> | undefined;

/** The bundled provider for an address's domain (any case, trailing dot, Unicode or punycode). */
export function lookupBundledDomain(domain: string): ProviderConfig | undefined {
  const ascii = normalizeDomain(domain);
  if (!ascii) return undefined;
  shared ??= indexByDomain(bundledData as BundledProviderData);
  return shared.get(ascii);
}
