// Deliverability advice for the sender's domain, never blocking: MX present, an SPF record that covers
// the chosen mail server (evaluated against the server's addresses), and the DMARC policy, in plain words.
import type { HealthAdvice } from '../../shared/autodetect';
import { DnsError, type DnsResolver } from './dns';

export type { HealthAdvice, HealthLevel } from '../../shared/autodetect';

/** RFC 7208 allows 10 lookups; beyond that receivers give up (permerror). */
const MAX_LOOKUPS = 10;

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base ?? '');
  if (a === null || b === null || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

async function txt(resolver: DnsResolver, name: string): Promise<string[]> {
  try {
    return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch {
    return [];
  }
}

async function spfRecord(resolver: DnsResolver, domain: string): Promise<string | undefined> {
  return (await txt(resolver, domain)).find((r) => /^v=spf1(\s|$)/i.test(r));
}

/**
 * Whether the SPF policy of `domain` lets any of `ips` send: ip4, a, mx, include and redirect are
 * followed (IPv6 and macros are not evaluated, which errs towards "not covered", so advice stays cautious).
 */
async function spfCovers(resolver: DnsResolver, domain: string, ips: string[], budget: { lookups: number }): Promise<boolean> {
  const record = await spfRecord(resolver, domain);
  if (!record) return false;
  const terms = record.split(/\s+/).slice(1);
  let redirect: string | undefined;
  for (const raw of terms) {
    const term = raw.replace(/^[+?~-]/, '');
    const pass = !/^[-~?]/.test(raw);
    const [name, value] = term.includes(':')
      ? [term.slice(0, term.indexOf(':')), term.slice(term.indexOf(':') + 1)]
      : [term.split('/')[0]!, undefined];
    const lower = name.toLowerCase();
    if (lower === 'ip4' && value) {
      if (pass && ips.some((ip) => inCidr(ip, value))) return true;
    } else if (lower === 'a' || lower === 'mx') {
      if (budget.lookups-- <= 0) return false;
      const target = value ?? domain;
      const hosts = lower === 'mx' ? (await resolver.resolveMx(target).catch(() => [])).map((m) => m.exchange) : [target];
      for (const host of hosts) {
        const addresses = await resolver.resolve4(host).catch(() => [] as string[]);
        if (pass && addresses.some((a) => ips.includes(a))) return true;
      }
    } else if (lower === 'include' && value) {
      if (budget.lookups-- <= 0) return false;
      if (pass && (await spfCovers(resolver, value, ips, budget))) return true;
    } else if (term.toLowerCase().startsWith('redirect=')) {
      redirect = term.slice('redirect='.length);
    }
  }
  if (redirect && budget.lookups-- > 0) return spfCovers(resolver, redirect, ips, budget);
  return false;
}

export async function checkDomainHealth(domain: string, smtpHost: string | undefined, resolver: DnsResolver): Promise<HealthAdvice[]> {
  const advice: HealthAdvice[] = [];
  let mx: Awaited<ReturnType<DnsResolver['resolveMx']>>;
  try {
    mx = await resolver.resolveMx(domain);
  } catch (error) {
    // An unreachable DNS server proves nothing about the records: say so instead of "you have none".
    if (!(error instanceof DnsError) || error.kind !== 'nxdomain') {
      const why = error instanceof DnsError ? ` (${error.message})` : '';
      return [
        {
          check: 'mx',
          level: 'warning',
          message: `Outbox could not check your domain's MX, SPF and DMARC records: DNS did not answer${why}. Check the network (or the DNS server given), then search again.`,
        },
      ];
    }
    mx = [];
  }
  advice.push(
    mx.length > 0
      ? {
          check: 'mx',
          level: 'ok',
          message: `Your domain has mail servers (MX): ${mx.map((m) => m.exchange).join(', ')}.`,
          record: mx.map((m) => `${m.priority} ${m.exchange}`).join(', '),
        }
      : {
          check: 'mx',
          level: 'warning',
          message: 'Your domain has no MX record, so replies to your mail cannot be delivered. Add MX records at your DNS host.',
        },
  );

  const spf = await spfRecord(resolver, domain);
  if (!spf) {
    advice.push({
      check: 'spf',
      level: 'warning',
      message:
        'Your domain has no SPF record; receivers may mark your mail as spam. Add a TXT record starting with "v=spf1" that names your mail host at your DNS host.',
    });
  } else if (smtpHost) {
    const ips = await resolver.resolve4(smtpHost).catch(() => [] as string[]);
    const covered = ips.length > 0 && (await spfCovers(resolver, domain, ips, { lookups: MAX_LOOKUPS }));
    advice.push(
      covered
        ? { check: 'spf', level: 'ok', message: `Your domain's SPF record allows ${smtpHost} to send for it.`, record: spf }
        : {
            check: 'spf',
            level: 'warning',
            message: `Your domain's SPF record does not include your mail host ${smtpHost}; receivers may mark your mail as spam. Add the include: your mail provider documents (or ip4: with its addresses) at your DNS host.`,
            record: spf,
          },
    );
  } else {
    advice.push({ check: 'spf', level: 'info', message: 'Your domain has an SPF record.', record: spf });
  }

  const dmarc = (await txt(resolver, `_dmarc.${domain}`)).find((r) => /^v=DMARC1/i.test(r));
  if (!dmarc) {
    advice.push({
      check: 'dmarc',
      level: 'info',
      message:
        'Your domain has no DMARC record. Adding one (v=DMARC1; p=none to start) tells receivers what to do with mail that fails checks and lets you get reports.',
    });
  } else {
    const policy = /(?:^|;)\s*p\s*=\s*(none|quarantine|reject)/i.exec(dmarc)?.[1]?.toLowerCase() ?? 'unknown';
    const meaning: Record<string, string> = {
      none: 'receivers only report failures',
      quarantine: 'receivers put failing mail in spam',
      reject: 'receivers refuse failing mail',
      unknown: 'the policy could not be read',
    };
    advice.push({
      check: 'dmarc',
      level: policy === 'unknown' ? 'warning' : 'ok',
      message: `Your domain's DMARC policy is "${policy}": ${meaning[policy]}.`,
      record: dmarc,
    });
  }
  return advice;
}
