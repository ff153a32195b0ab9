// Reads a mailto: link (RFC 6068) into what Compose fills in, refusing anything that could smuggle headers.
// Pure: the shell hands us a link from the OS (argv, open-url, a second launch), which is untrusted input.
import type { ComposePrefill } from './compose';

/** Longer than any link a person or a web page makes on purpose; more is refused rather than truncated. */
export const MAX_MAILTO_LENGTH = 64 * 1024;
/** The same cap Compose and the send request put on recipients. */
const MAX_RECIPIENTS = 1000;

type AddressField = 'to' | 'cc' | 'bcc';
const ADDRESS_FIELDS = new Set<string>(['to', 'cc', 'bcc']);
// A line break (or NUL) in a header value would start a new header: that is an injection, not a typo.
const HEADER_BREAK = /[\r\n\0]/;

/** The Compose fields of a mailto: URL, or null when it is not one, is too long, malformed, or tries to inject headers. */
export function parseMailto(url: string): ComposePrefill | null {
  if (typeof url !== 'string' || url.length > MAX_MAILTO_LENGTH) return null;
  const match = /^mailto:([^?#]*)(?:\?([^#]*))?(?:#.*)?$/is.exec(url.trim());
  if (!match) return null;
  const prefill: ComposePrefill = { to: [], cc: [], bcc: [], subject: '', body: '' };
  const subjects: string[] = [];
  const bodies: string[] = [];

  if (!addAddresses(prefill, 'to', match[1] ?? '')) return null;
  for (const pair of (match[2] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))?.toLowerCase();
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    if (name === undefined) return null;
    if (ADDRESS_FIELDS.has(name)) {
      if (!addAddresses(prefill, name as AddressField, rawValue)) return null;
    } else if (name === 'subject') {
      const subject = decode(rawValue);
      if (subject === undefined || HEADER_BREAK.test(subject)) return null;
      subjects.push(subject);
    } else if (name === 'body') {
      const body = decode(rawValue);
      if (body === undefined) return null;
      bodies.push(body.replace(/\0/g, '').replace(/\r\n?/g, '\n'));
    }
    // Any other header (In-Reply-To, From, X-…) is ignored: a link must not set who we are or thread for us.
  }
  prefill.subject = subjects.filter((s) => s !== '').join(' ');
  prefill.body = bodies.join('\n');
  return prefill;
}

/** The mailto: link on a command line (Windows and Linux pass it as an argument), if there is one. */
export function findMailtoArg(argv: readonly string[]): string | null {
  return argv.find((arg) => typeof arg === 'string' && /^mailto:/i.test(arg)) ?? null;
}

/** Splits before decoding, so an encoded comma (%2C) stays inside its address. False on a malformed or injected one. */
function addAddresses(prefill: ComposePrefill, field: AddressField, raw: string): boolean {
  for (const part of splitAddresses(raw)) {
    const address = decode(part)?.trim();
    if (address === undefined || HEADER_BREAK.test(address)) return false;
    if (address === '') continue;
    if (prefill[field].length >= MAX_RECIPIENTS) return false;
    prefill[field].push(address);
  }
  return true;
}

/** Commas separate addresses, except inside a quoted display name ("Doe, Jane" <jane@example.com>). */
function splitAddresses(raw: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch === '"' || raw.startsWith('%22', i)) quoted = !quoted;
    else if (ch === ',' && !quoted) {
      parts.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(raw.slice(start));
  return parts;
}

/** Percent-decoding once; '+' is a plus sign in mailto: (unlike HTML forms). Undefined on malformed escapes. */
function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
