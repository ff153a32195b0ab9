// RFC 6186 / RFC 8314 service records: _submissions (implicit TLS), _submission (STARTTLS), _imaps and
// _imap, in priority then weight order; a target of "." is the domain saying the service is not offered.
import type { Security } from '../../shared/account';
import { DnsError, type DnsResolver, type SrvRecord } from './dns';
import type { Trace } from './trace';
import type { Protocol, ServerConfig } from './types';

interface SrvService {
  label: string;
  protocol: Protocol;
  security: Security;
}

export const SRV_SERVICES: readonly SrvService[] = [
  { label: '_submissions._tcp', protocol: 'smtp', security: 'tls' },
  { label: '_submission._tcp', protocol: 'smtp', security: 'starttls' },
  { label: '_imaps._tcp', protocol: 'imap', security: 'tls' },
  { label: '_imap._tcp', protocol: 'imap', security: 'starttls' },
];

export interface SrvResult {
  smtp: ServerConfig[];
  imap: ServerConfig[];
  /** Every query failed with nxdomain: the domain itself does not exist (as far as SRV can tell). */
  domainMissing: boolean;
}

function isRoot(name: string): boolean {
  return name === '' || name === '.';
}

/**
 * Priority ascending, then weight descending. RFC 2782 asks for a weighted random pick among equal
 * priorities; a ranked list shown to a person should not reshuffle between runs, so weight only orders.
 */
export function orderSrv(records: readonly SrvRecord[]): SrvRecord[] {
  return records.filter((r) => !isRoot(r.name)).sort((a, b) => a.priority - b.priority || b.weight - a.weight);
}

async function lookupOne(domain: string, service: SrvService, resolver: DnsResolver, trace: Trace): Promise<ServerConfig[] | 'nxdomain'> {
  const name = `${service.label}.${domain}`;
  const done = trace.begin(`srv ${name}`);
  let records: SrvRecord[];
  try {
    records = await resolver.resolveSrv(name);
  } catch (error) {
    const kind = error instanceof DnsError ? error.kind : 'error';
    done(
      kind === 'timeout' ? 'timeout' : kind === 'nxdomain' ? 'nothing' : 'error',
      error instanceof Error ? error.message : String(error),
    );
    return kind === 'nxdomain' ? 'nxdomain' : [];
  }
  if (records.length === 0) {
    done('nothing', 'no SRV record');
    return [];
  }
  const usable = orderSrv(records);
  if (usable.length === 0) {
    done('nothing', `target "." : ${domain} says this service is explicitly not offered`);
    return [];
  }
  const servers = usable.map((r): ServerConfig => ({
    protocol: service.protocol,
    host: r.name.replace(/\.$/, '').toLowerCase(),
    port: r.port,
    security: service.security,
    // RFC 6186 §5: the full address is the user name to try first.
    usernameTemplate: '%EMAILADDRESS%',
    auth: ['password'],
  }));
  done('found', servers.map((s) => `${s.host}:${s.port}`).join(', '));
  return servers;
}

/** Queries the four services at once; each one's outcome lands in the trace. */
export async function lookupSrv(domain: string, resolver: DnsResolver, trace: Trace): Promise<SrvResult> {
  const results = await Promise.all(SRV_SERVICES.map((s) => lookupOne(domain, s, resolver, trace)));
  const result: SrvResult = { smtp: [], imap: [], domainMissing: results.every((r) => r === 'nxdomain') };
  results.forEach((servers, i) => {
    if (servers === 'nxdomain') return;
    result[SRV_SERVICES[i]!.protocol].push(...servers);
  });
  return result;
}
