// A domain as the provider tables key it: trimmed, without the root dot, lower case, as an A-label.
// Its own module so that what matches a domain (sending profiles, the bundled providers) does not load
// the XML parser of config-xml.ts, which only autodetection needs.
import { domainToASCII } from 'node:url';

export function normalizeDomain(domain: string): string | undefined {
  const trimmed = domain.trim().replace(/\.$/, '');
  if (!trimmed || /\s/.test(trimmed)) return undefined;
  const ascii = domainToASCII(trimmed.toLowerCase());
  return ascii || undefined;
}
