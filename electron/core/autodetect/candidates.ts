// Turns a provider's server list into ranked candidates for one address: templates resolved, each with the
// reasons for its place. Ranking (issue 4): encrypted first, implicit TLS before STARTTLS, submission ports before 25.
import { domainToASCII } from 'node:url';
import type { Candidate, CandidateSource, ProviderConfig, ServerConfig } from './types';

export interface EmailAddress {
  /** As typed, trimmed. */
  address: string;
  localPart: string;
  /** Lower-case ASCII (punycode) domain. */
  domain: string;
}

export type ParseAddressResult = { ok: true; value: EmailAddress } | { ok: false; reason: string };

/** Splits an address at its last '@' and converts an IDN domain to punycode; bad input is a value. */
export function parseEmailAddress(input: string): ParseAddressResult {
  const address = input.trim();
  const at = address.lastIndexOf('@');
  if (at < 0) return { ok: false, reason: `"${address}" has no @; an email address looks like name@example.com` };
  const localPart = address.slice(0, at);
  const rawDomain = address.slice(at + 1).replace(/\.$/, '');
  if (!localPart) return { ok: false, reason: `"${address}" has nothing before the @` };
  if (!rawDomain) return { ok: false, reason: `"${address}" has no domain after the @` };
  const domain = /\s/.test(rawDomain) ? '' : domainToASCII(rawDomain.toLowerCase());
  if (!domain || !domain.includes('.')) return { ok: false, reason: `"${rawDomain}" is not a valid domain name` };
  return { ok: true, value: { address: `${localPart}@${domain}`, localPart, domain } };
}

/** Replaces %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% (also in host names, e.g. mail.%EMAILDOMAIN%). */
export function resolveTemplate(template: string, email: EmailAddress): string {
  return template
    .replaceAll('%EMAILADDRESS%', email.address)
    .replaceAll('%EMAILLOCALPART%', email.localPart)
    .replaceAll('%EMAILDOMAIN%', email.domain);
}

const SOURCE_NOTES: Record<CandidateSource, string> = {
  bundled: "from Outbox's bundled provider data (Thunderbird ISPDB), matched on the address's domain",
  'bundled-mx': "from Outbox's bundled provider data (Thunderbird ISPDB), matched on the domain's mail server (MX)",
  'ispdb-live': "from Thunderbird's online provider database",
  autoconfig: "from the domain's own autoconfig file (HTTPS)",
  'autoconfig-http': "from the domain's own autoconfig file fetched over plain HTTP, which could have been tampered with",
  srv: 'from the domain’s DNS SRV records',
  probe: 'found by probing the server',
};

function securityRank(c: Candidate): number {
  return c.security === 'tls' ? 0 : c.security === 'starttls' ? 1 : 2;
}

function portRank(c: Candidate): number {
  if (c.protocol !== 'smtp') return 0;
  if (c.port === 465 || c.port === 587) return 0;
  return c.port === 25 ? 2 : 1;
}

/**
 * Orders candidates best first: SMTP before IMAP, encrypted before plaintext, implicit TLS before STARTTLS
 * (RFC 8314), submission ports before 25, servers that take a sign-in before those that don't, verified
 * before guessed. Stable, so equal candidates keep the provider's own order.
 */
export function rankCandidates(candidates: Candidate[]): Candidate[] {
  const key = (c: Candidate): number[] => [
    c.protocol === 'smtp' ? 0 : 1,
    c.insecure ? 1 : 0,
    securityRank(c),
    portRank(c),
    c.auth.length > 0 ? 0 : 1,
    c.verified ? 0 : 1,
  ];
  return [...candidates].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    for (let i = 0; i < ka.length; i++) {
      const d = (ka[i] ?? 0) - (kb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  });
}

function notesFor(server: ServerConfig, providerName: string, source: CandidateSource, usernameGiven: boolean): string[] {
  const notes: string[] = [];
  if (server.security === 'tls') notes.push('implicit TLS: encrypted from the first byte (preferred, RFC 8314)');
  else if (server.security === 'starttls') notes.push('STARTTLS: connects in plaintext, then switches to encryption before signing in');
  else notes.push('insecure, not recommended: no encryption, so the password and mail travel readable; never chosen automatically');
  if (server.protocol === 'smtp') {
    if (server.port === 465 || server.port === 587) notes.push(`port ${server.port}: the mail submission port`);
    else if (server.port === 25) notes.push('port 25: the server-to-server relay port, often blocked by home and mobile networks');
    else notes.push(`port ${server.port}: a non-standard port`);
  }
  if (server.auth.includes('oauth2')) notes.push('sign in through the provider’s web page (OAuth2)');
  if (server.auth.includes('password')) notes.push('sign in with a password (some providers need an app password)');
  if (server.auth.length === 0) notes.push('no sign-in: the server accepts mail without one');
  if (!usernameGiven) notes.push('the provider data gives no user name; using the full address');
  notes.push(`${SOURCE_NOTES[source]}: ${providerName}`);
  return notes;
}

/** Ranked SMTP then IMAP candidates for an address from one provider's settings. */
export function candidatesFromProvider(provider: ProviderConfig, email: EmailAddress, source: CandidateSource): Candidate[] {
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  // Some files name the provider by template, e.g. "%EMAILDOMAIN%".
  const providerName = resolveTemplate(provider.displayName, email);
  for (const server of [...provider.smtp, ...provider.imap]) {
    const host = resolveTemplate(server.host, email).toLowerCase();
    const key = `${server.protocol} ${host} ${server.port} ${server.security}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const template = server.usernameTemplate ?? '%EMAILADDRESS%';
    candidates.push({
      protocol: server.protocol,
      host,
      port: server.port,
      security: server.security,
      auth: [...server.auth],
      username: resolveTemplate(template, email),
      source,
      insecure: server.security === 'none',
      notes: notesFor(server, providerName, source, server.usernameTemplate !== undefined),
    });
  }
  return rankCandidates(candidates);
}
