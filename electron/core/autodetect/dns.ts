// The DNS queries autodetection needs, behind a small interface so tests and `--dns-server` can
// point them at another resolver; every query has its own timeout and failures become DnsError kinds.
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

export interface MxRecord {
  exchange: string;
  priority: number;
}

export interface SrvRecord {
  /** The target host; '' or '.' is the root: the service is explicitly not offered. */
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** Queries return [] when the name exists but has no record of that type; other failures throw DnsError. */
export interface DnsResolver {
  resolveMx(name: string): Promise<MxRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolveTxt(name: string): Promise<string[][]>;
  resolve4(name: string): Promise<string[]>;
}

export type DnsFailure = 'nxdomain' | 'timeout' | 'servfail' | 'refused' | 'error';

const FAILURE_TEXT: Record<DnsFailure, string> = {
  nxdomain: 'the domain does not exist',
  timeout: 'the DNS server did not answer in time',
  servfail: 'the DNS server failed to answer (SERVFAIL)',
  refused: 'the DNS server refused or could not be reached',
  error: 'the DNS query failed',
};

export class DnsError extends Error {
  constructor(
    readonly kind: DnsFailure,
    readonly query: string,
    options?: { cause?: unknown },
  ) {
    super(`${query}: ${FAILURE_TEXT[kind]}`, options);
    this.name = 'DnsError';
  }
}

export interface ResolverOptions {
  /** DNS servers as IP or IP:PORT ([v6]:PORT); default: the system's. */
  servers?: string[];
  /** Upper bound for one query, retries included. Default 2000 ms. */
  timeoutMs?: number;
}

/** Validates one `--dns-server` value (IP, IP:PORT, [IPv6]:PORT) and returns it in the form c-ares accepts. */
export function parseDnsServer(value: string): string {
  const text = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const [ip, port] = bracketed ? [bracketed[1]!, bracketed[2]] : isIP(text) ? [text, undefined] : splitPort(text);
  if (isIP(ip) === 0) throw new Error(`Not a DNS server address: "${value}" (expected IP or IP:PORT)`);
  if (port !== undefined && (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw new Error(`Not a valid port in "${value}"`);
  }
  if (port === undefined) return ip;
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function splitPort(text: string): [string, string | undefined] {
  const colon = text.lastIndexOf(':');
  return colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
}

function mapError(query: string, error: unknown): DnsError {
  const code = (error as { code?: unknown } | null)?.code;
  const kind: DnsFailure =
    code === 'ENOTFOUND'
      ? 'nxdomain'
      : code === 'ETIMEOUT'
        ? 'timeout'
        : code === 'ESERVFAIL'
          ? 'servfail'
          : code === 'ECONNREFUSED' || code === 'EREFUSED'
            ? 'refused'
            : 'error';
  return new DnsError(kind, query, { cause: error });
}

/** A resolver over node:dns/promises; a fresh c-ares channel so setServers never touches the process default. */
export function createResolver(options: ResolverOptions = {}): DnsResolver {
  const timeoutMs = options.timeoutMs ?? 2000;
  // Two tries, each a bit under half the budget: one lost UDP packet does not cost the whole query.
  const resolver = new Resolver({ timeout: Math.max(50, Math.floor(timeoutMs / 2.5)), tries: 2 });
  if (options.servers?.length) resolver.setServers(options.servers.map(parseDnsServer));

  async function query<T>(label: string, run: () => Promise<T>, empty: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    // c-ares backs off between tries, so a hard stop guarantees the per-query bound.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DnsError('timeout', label)), timeoutMs);
    });
    try {
      return await Promise.race([run(), deadline]);
    } catch (error) {
      if (error instanceof DnsError) throw error;
      if ((error as { code?: unknown }).code === 'ENODATA') return empty;
      throw mapError(label, error);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    resolveMx: (name) => query(`MX ${name}`, () => resolver.resolveMx(name), []),
    resolveSrv: (name) => query(`SRV ${name}`, () => resolver.resolveSrv(name), []),
    resolveTxt: (name) => query(`TXT ${name}`, () => resolver.resolveTxt(name), []),
    resolve4: (name) => query(`A ${name}`, () => resolver.resolve4(name), []),
  };
}
