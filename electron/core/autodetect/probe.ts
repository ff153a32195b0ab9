// The last resort when no published settings answered: try smtp.DOMAIN, mail.DOMAIN and DOMAIN on the
// submission and relay ports all at once, briefly, and describe what each server offers and proves.
import { DnsError, type DnsResolver } from './dns';
import type { ConnectionReport, VerdictKind } from '../diagnostics/connection-report';
import { checkSmtp } from '../diagnostics/smtp-check';
import type { Trace } from './trace';
import type { Candidate } from './types';

export interface ProbePort {
  port: number;
  /** 'tls': implicit TLS from the first byte; 'starttls': plaintext greeting, upgraded when offered. */
  mode: 'tls' | 'starttls';
}

export const DEFAULT_PROBE_PORTS: readonly ProbePort[] = [
  { port: 465, mode: 'tls' },
  { port: 587, mode: 'starttls' },
  { port: 25, mode: 'starttls' },
  { port: 2525, mode: 'starttls' },
];

export interface ProbeOptions {
  email: string;
  resolver: DnsResolver;
  /** Default DEFAULT_PROBE_PORTS; tests pass loopback ports. */
  ports?: readonly ProbePort[];
  /** Per connection, greeting to last EHLO. Default 2500 ms. */
  timeoutMs?: number;
  /** After the first good answer (encrypted, offers AUTH), how long the others may still finish. Default 300 ms. */
  settleMs?: number;
  /** Extra CA certificates to trust (tests). */
  ca?: string | string[];
  signal?: AbortSignal;
}

/** Why a probe found nothing at a host and port. */
class ProbeFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'dropped' | 'silent' | 'protocol' | 'tls' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

/** What one probe saw: the connection check's report, run without credentials, certificates reported not enforced. */
interface ProbeResult {
  security: 'tls' | 'starttls' | 'none';
  report: ConnectionReport;
  /** Why the certificate would be refused for signing in (shown as a note), if it would. */
  certificateProblem?: string;
}

function failureKind(kind: VerdictKind): ProbeFailure['kind'] {
  if (kind === 'refused') return 'refused';
  if (kind === 'dropped') return 'dropped';
  if (kind.startsWith('timeout')) return 'silent';
  if (kind.startsWith('tls')) return 'tls';
  if (kind === 'dns' || kind === 'offline') return 'network';
  return 'protocol';
}

/** One conversation through the connection check's SMTP reader and network leg: greeting, EHLO, STARTTLS when offered. */
async function probeOne(
  host: string,
  address: string,
  port: ProbePort,
  options: ProbeOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ProbeResult> {
  let certificateProblem: string | undefined;
  const report = await checkSmtp({
    host,
    port: port.port,
    security: port.mode,
    startTls: 'if-offered',
    certificates: 'report',
    credentials: null,
    user: '',
    clientName: 'outbox.localhost',
    resolver: async () => ({ address }),
    ...(options.ca ? { tls: { ca: options.ca } } : {}),
    timeouts: { connect: timeoutMs, tls: timeoutMs, greeting: timeoutMs, command: timeoutMs },
    signal,
  });
  if (signal.aborted) throw new ProbeFailure('silent', 'no answer in time');
  if (report.verdict) {
    const v = report.verdict;
    const detail = v.kind === 'dropped' ? 'the server closed the connection' : `${v.message}${v.reply ? ` (${v.reply})` : ''}`;
    throw new ProbeFailure(failureKind(v.kind), detail);
  }
  const cert = report.certificate;
  if (cert && !(cert.trusted && cert.hostMatches))
    certificateProblem = report.transcript
      .find((l) => l.startsWith('* Certificate would not'))
      ?.replace(/^\* Certificate would not be accepted for signing in: /, '');
  return { security: report.server.security ?? 'none', report, ...(certificateProblem ? { certificateProblem } : {}) };
}

export function probeHosts(domain: string): string[] {
  return [`smtp.${domain}`, `mail.${domain}`, domain];
}

function describe(result: ProbeResult, host: string): string[] {
  const notes: string[] = [];
  const caps = result.report.server.capabilities;
  if (result.security === 'tls') notes.push('implicit TLS: encrypted from the first byte (preferred, RFC 8314)');
  else if (result.security === 'starttls') notes.push('STARTTLS offered and working');
  else notes.push('the server did not offer STARTTLS: only an unencrypted connection, insecure, not recommended');
  const cert = result.report.certificate;
  if (cert && !cert.hostMatches)
    notes.push(
      `the certificate does not match ${host} (it names ${cert.names?.join(', ') || 'nothing'}): connecting would fail unless you trust it`,
    );
  if (cert && !cert.trusted) notes.push(`the certificate is not trusted (${result.certificateProblem ?? 'unknown issuer'})`);
  const auth = caps?.auth ?? [];
  notes.push(auth.length > 0 ? `sign-in offered: ${auth.join(' ')}` : 'no sign-in (AUTH) offered');
  if (caps?.size !== undefined) notes.push(`largest message: ${Math.round(caps.size / 1048576)} MB`);
  notes.push('found by probing the server');
  return notes;
}

function toCandidate(result: ProbeResult, host: string, port: number, email: string): Candidate {
  const caps = result.report.server.capabilities;
  const mechanisms = caps?.auth ?? [];
  const cert = result.report.certificate;
  const auth: Candidate['auth'] = [];
  if (mechanisms.some((m) => m === 'PLAIN' || m === 'LOGIN' || m === 'CRAM-MD5')) auth.push('password');
  if (mechanisms.some((m) => m === 'XOAUTH2' || m === 'OAUTHBEARER')) auth.push('oauth2');
  return {
    protocol: 'smtp',
    host,
    port,
    security: result.security,
    auth,
    username: email,
    source: 'probe',
    verified: {
      startTls: caps?.startTls ?? false,
      authMechanisms: mechanisms,
      ...(caps?.size !== undefined ? { size: caps.size } : {}),
      ...(caps ? { smtpUtf8: caps.smtpUtf8 } : {}),
      ...(cert ? { certificateMatchesHost: cert.hostMatches } : {}),
    },
    insecure: result.security === 'none',
    notes: describe(result, host),
  };
}

function isGood(c: Candidate): boolean {
  return !c.insecure && c.auth.length > 0 && c.verified?.certificateMatchesHost !== false;
}

async function resolveHost(host: string, resolver: DnsResolver, trace: Trace): Promise<string | undefined> {
  const done = trace.begin(`probe resolve ${host}`);
  try {
    const [address] = await resolver.resolve4(host);
    done(address ? 'found' : 'nothing', address ?? 'no IPv4 address');
    return address;
  } catch (error) {
    const kind = error instanceof DnsError ? error.kind : 'error';
    done(
      kind === 'timeout' ? 'timeout' : kind === 'nxdomain' ? 'nothing' : 'error',
      error instanceof Error ? error.message : String(error),
    );
    return undefined;
  }
}

/** Probes every host × port at once; returns what answered (unranked), every attempt in the trace. */
export async function probeDomain(domain: string, options: ProbeOptions, trace: Trace): Promise<Candidate[]> {
  const ports = options.ports ?? DEFAULT_PROBE_PORTS;
  const timeoutMs = options.timeoutMs ?? 2500;
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let settleTimer: NodeJS.Timeout | undefined;
  const found: Candidate[] = [];

  const one = async (host: string, address: string, port: ProbePort): Promise<void> => {
    const done = trace.begin(`probe ${host}:${port.port} (${port.mode === 'tls' ? 'implicit TLS' : 'STARTTLS'})`);
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const result = await probeOne(host, address, port, options, AbortSignal.any([signal, timeout]), timeoutMs);
      const candidate = toCandidate(result, host, port.port, options.email);
      found.push(candidate);
      done('found', candidate.notes.slice(0, -1).join('; '));
      if (isGood(candidate) && !settleTimer) settleTimer = setTimeout(() => stop.abort(), options.settleMs ?? 300);
    } catch (error) {
      if (options.signal?.aborted) return done('cancelled', 'stopped: detection was cancelled or reached its deadline');
      if (stop.signal.aborted && !timeout.aborted) return done('skipped', 'stopped: a usable server had already answered');
      if (error instanceof ProbeFailure) {
        if (error.kind === 'silent')
          return done('timeout', `no SMTP answer within ${timeoutMs} ms (the port accepted and stayed silent, or never connected)`);
        return done(error.kind === 'refused' ? 'nothing' : 'error', error.message);
      }
      done('error', error instanceof Error ? error.message : String(error));
    }
  };

  try {
    await Promise.all(
      probeHosts(domain).map(async (host) => {
        const address = await resolveHost(host, options.resolver, trace);
        if (address && !signal.aborted) await Promise.all(ports.map((p) => one(host, address, p)));
      }),
    );
  } finally {
    clearTimeout(settleTimer);
  }
  return found;
}
