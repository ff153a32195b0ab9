// `outbox detect EMAIL`: finds the server settings for an address and prints the ranked candidates,
// every step of the search with its timing, and advice on the domain's SPF, DMARC and MX records.
import { checkDomainHealth, type HealthAdvice } from '../../core/autodetect/domain-health';
import { detect, type DetectResult } from '../../core/autodetect/detect';
import { createResolver, parseDnsServer } from '../../core/autodetect/dns';
import { createHttpFetcher } from '../../core/autodetect/fetcher';
import type { Candidate } from '../../core/autodetect/types';
import { AppError } from '../../shared/errors';
import { helpFor, type CliCommand } from '../command';
import { EX, UsageError } from '../exit-codes';
import { out, type CliIo } from '../io';
import { table } from '../output';
import { parseWithIds, str, type Values } from '../parse-options';

export const HELP = `Usage: outbox detect EMAIL [--json] [--dns-server IP[:PORT]] [--timeout SECONDS]

Finds the SMTP (and IMAP) settings for an address: Outbox's bundled provider data (also matched on the
domain's MX), Thunderbird's online database, the domain's own autoconfig file, SRV records, and only
if none of those answer, a probe of smtp., mail. and the domain on 465, 587, 25 and 2525. Prints the
ranked candidates (encrypted first; an unencrypted one is never picked by itself), every step with its
timing, and advice on the domain's SPF, DMARC and MX records.

  --json                 machine-readable result
  --dns-server IP[:PORT] send every DNS query to this server instead of the system's
  --timeout SECONDS      the whole search's deadline (default 8); the best found by then is shown

Exits 0 when an encrypted SMTP server was found, 69 when none was.
`;

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

function detectArgs(email: string, values: Values): DetectArgs {
  const args: DetectArgs = { email, json: values.json === true };
  const dnsServer = str(values['dns-server']);
  if (dnsServer !== undefined) args.dnsServer = dnsServer;
  const timeout = str(values.timeout);
  if (timeout !== undefined) {
    const seconds = Number(timeout);
    if (!(seconds > 0 && seconds <= 120)) throw new UsageError('--timeout takes a number of seconds above 0, at most 120');
    args.timeoutSeconds = seconds;
  }
  return args;
}

export const detectCommand: CliCommand<{ name: 'detect'; args: DetectArgs }> = {
  help: HELP,
  parse(argv) {
    const options = { json: { type: 'boolean' }, 'dns-server': { type: 'string' }, timeout: { type: 'string' } } as const;
    const line = parseWithIds('detect', argv, options, 1, 'one email address');
    if (!line) return { command: helpFor('detect') };
    return { command: { name: 'detect', args: detectArgs(line.id, line.values) }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runDetect(ctx.io, command.args),
  needsDataDir: false,
};
