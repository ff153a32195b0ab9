// The hand-edited server settings shared by the wizard and the account editor: validation as the user types,
// the words shown for security modes and candidate sources, and the Candidate built from a form for verification.
import type { Security } from '../../../electron/shared/account';
import type { Candidate, CandidateSource } from '../../../electron/shared/autodetect';

export interface ServerForm {
  host: string;
  /** Kept as typed so a half-written port can be shown and explained. */
  port: string;
  security: Security;
  user: string;
  /** The explicit "I understand…" for an unencrypted connection; never implied. */
  insecureConsent: boolean;
}

export interface ServerFormErrors {
  host?: string;
  port?: string;
  insecure?: string;
}

// The same pattern the IPC contract validates with, so the form never sends what main would refuse.
const HOST = /^[A-Za-z0-9.\-:[\]_]+$/;

export function validateHost(host: string): string | undefined {
  const h = host.trim();
  if (h === '') return 'Enter the server name, e.g. smtp.example.com';
  if (h.length > 253 || !HOST.test(h)) return 'A server name has only letters, digits, dots and dashes';
  return undefined;
}

export function validatePort(port: string): string | undefined {
  const p = port.trim();
  if (!/^\d+$/.test(p)) return 'The port is a number from 1 to 65535';
  const n = Number(p);
  if (n < 1 || n > 65535) return 'The port is a number from 1 to 65535';
  return undefined;
}

export function validateServerForm(form: ServerForm): ServerFormErrors {
  const errors: ServerFormErrors = {};
  const host = validateHost(form.host);
  if (host) errors.host = host;
  const port = validatePort(form.port);
  if (port) errors.port = port;
  if (form.security === 'none' && !form.insecureConsent)
    errors.insecure = 'Tick the box to accept an unencrypted connection, or choose SSL/TLS or STARTTLS';
  return errors;
}

export function isValid(errors: ServerFormErrors): boolean {
  return Object.keys(errors).length === 0;
}

export const SECURITY_LABELS: Record<Security, string> = {
  tls: 'SSL/TLS',
  starttls: 'STARTTLS',
  none: 'No encryption — not recommended',
};

export const SOURCE_LABELS: Record<CandidateSource, string> = {
  bundled: "Outbox's bundled provider data",
  'bundled-mx': "Outbox's bundled provider data (matched by the domain's mail server)",
  'ispdb-live': "Thunderbird's provider database",
  autoconfig: "the provider's autoconfig file",
  'autoconfig-http': "the provider's autoconfig file (fetched without encryption)",
  srv: 'DNS SRV records',
  probe: 'probed',
};

/** "Ann" from "ann.smith@…": the name to send as until the user types one. */
export function defaultName(email: string): string {
  const local = email.trim().split('@')[0] ?? '';
  const first = local.split(/[._+-]/)[0] ?? '';
  if (first === '') return '';
  return first.charAt(0).toUpperCase() + first.slice(1);
}

export function domainOf(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** What a user who found nothing most likely has: submission on 587 with STARTTLS at smtp.<domain>. */
export function manualDefaults(email: string): ServerForm {
  const domain = domainOf(email);
  return { host: domain ? `smtp.${domain}` : '', port: '587', security: 'starttls', user: email.trim(), insecureConsent: false };
}

export function formFromCandidate(candidate: Candidate): ServerForm {
  return {
    host: candidate.host,
    port: String(candidate.port),
    security: candidate.security,
    user: candidate.username,
    insecureConsent: false,
  };
}

function sameAs(form: ServerForm, candidate: Candidate): boolean {
  return (
    form.host.trim().toLowerCase() === candidate.host.toLowerCase() &&
    Number(form.port) === candidate.port &&
    form.security === candidate.security &&
    form.user.trim() === candidate.username
  );
}

/**
 * The form as a candidate to verify: the original when nothing changed (keeping where it came from),
 * else one marked as entered by hand. 'probe' is the nearest source the contract knows for that.
 */
export function candidateFromForm(form: ServerForm, original?: Candidate): Candidate {
  if (original && sameAs(form, original)) return original;
  return {
    protocol: 'smtp',
    host: form.host.trim(),
    port: Number(form.port),
    security: form.security,
    username: form.user.trim(),
    auth: ['password'],
    source: 'probe',
    insecure: form.security === 'none',
    notes: ['entered by hand'],
  };
}

export function serverLine(s: { host: string; port: number; security: Security }): string {
  return `${s.host}:${s.port}, ${s.security === 'none' ? 'no encryption' : SECURITY_LABELS[s.security]}`;
}
