// `outbox detect EMAIL`: finds the server settings for an address and prints the ranked candidates,
// every step of the search with its timing, and advice on the domain's SPF, DMARC and MX records.
import { checkDomainHealth, type HealthAdvice } from '../../core/autodetect/domain-health';
import { detect, type DetectResult } from '../../core/autodetect/detect';
import { createResolver, parseDnsServer } from '../../core/autodetect/dns';
import { createHttpFetcher } from '../../core/autodetect/fetcher';
import type { Candidate } from '../../core/autodetect/types';
import { AppError } from '../../shared/errors';
import { EX, UsageError } from '../exit-codes';
import { out, type CliIo } from '../io';
import { table } from '../output';

export interface DetectArgs {
  email: string;
  json: boolean;
  dnsServer?: string;
  timeoutSeconds?: number;
}

function candidateRows(candidates: readonly Candidate[]): string[][] {
  return candidates.map((c, i) => [
    String(i + 1),
    `${c.host}:${c.port}`,
    c.insecure ? 'none (insecure, not recommended)' : c.security,
    c.username,
    c.auth.join(', '),
    c.source,
  ]);
}

export function detectReportText(result: DetectResult, health: readonly HealthAdvice[]): string {
  const lines: string[] = [];
  if (result.best) lines.push(`Best: ${result.best.host}:${result.best.port} (${result.best.security}), user ${result.best.username}`);
  else {
    // Every lookup that needs the network failed: the cause is the network, not the domain.
    const lookups = result.trace.filter((s) => !['address', 'bundled', 'detect'].includes(s.step));
    const unanswered = lookups.length > 0 && lookups.every((s) => s.outcome === 'error' || s.outcome === 'timeout');
    lines.push(
      unanswered
        ? 'No encrypted SMTP server was found for this address: none of the lookups got an answer. Check the network (or the --dns-server given) and search again, or add the account by hand with outbox account add --host H --port P --security tls|starttls.'
        : 'No encrypted SMTP server was found for this address. Ask your provider for its SMTP settings and add the account by hand with outbox account add --host H --port P --security tls|starttls.',
    );
  }
  lines.push(
    '',
    'SMTP',
    result.smtp.length ? table(['#', 'server', 'security', 'user name', 'sign-in', 'found by'], candidateRows(result.smtp)) : '  none',
  );
  lines.push(
    '',
    'IMAP (for the copy in Sent)',
    result.imap.length ? table(['#', 'server', 'security', 'user name', 'sign-in', 'found by'], candidateRows(result.imap)) : '  none',
  );
  lines.push('', 'How they were found');
  for (const step of result.trace)
    lines.push(
      `  ${String(Math.round(step.startedMs)).padStart(5)} ms  ${step.step}: ${step.outcome}, ${step.detail} (${Math.round(step.durationMs)} ms)`,
    );
  if (health.length) {
    lines.push('', `Domain health for ${result.domain}`);
    for (const a of health)
      lines.push(
        `  ${a.level === 'ok' ? 'ok  ' : a.level === 'warning' ? 'warn' : 'info'}  ${a.message}${a.record ? `\n        record: ${a.record}` : ''}`,
      );
  }
  if (result.status === 'deadline') lines.push('', 'The search hit its deadline; these are the best settings found by then.');
  return lines.join('\n');
}

/** A wrong --dns-server is a usage mistake (64), said in one line, not an unexpected error. */
function dnsServerArg(value: string): string {
  try {
    return parseDnsServer(value);
  } catch (error) {
    throw new UsageError(`--dns-server takes an IP address, optionally with :PORT (e.g. 127.0.0.1:5353); ${(error as Error).message}`);
  }
}

export async function runDetect(io: CliIo, args: DetectArgs): Promise<number> {
  const resolver = createResolver(args.dnsServer ? { servers: [dnsServerArg(args.dnsServer)] } : {});
  // With --dns-server, the autoconfig downloads look their hosts up there too: every query goes to it.
  const fetcher = args.dnsServer ? createHttpFetcher({ resolve4: (host) => resolver.resolve4(host) }) : undefined;
  const result = await detect(args.email, {
    resolver,
    ...(fetcher ? { fetcher } : {}),
    ...(args.timeoutSeconds ? { deadlineMs: args.timeoutSeconds * 1000 } : {}),
  });
  if (result.status === 'invalid') {
    throw new AppError('VALIDATION', {
      message: `"${args.email}" is not an email address: ${result.error ?? 'it has no @'}.`,
      next: 'Give an address like name@example.com.',
    });
  }
  // Advice never blocks: a DNS failure here only leaves it out.
  const health = await checkDomainHealth(result.domain, result.best?.host, resolver).catch(() => [] as HealthAdvice[]);
  out(io, args.json ? JSON.stringify({ ...result, health }, null, 2) : detectReportText(result, health));
  return result.best ? EX.OK : EX.UNAVAILABLE;
}
