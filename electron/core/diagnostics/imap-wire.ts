// The little of IMAP's wire format the connection check needs: whole responses up to a tagged completion
// (literals folded in as quoted strings), capability lists, LIST entries and modified UTF-7 folder names.
import type { FolderEntry } from '../imap/sent-folder';
import { SocketReader } from './socket-reader';

export interface ImapResponse {
  /** Untagged ("* …") lines before the end, literals folded in. */
  untagged: string[];
  /** The tagged completion ("A1 OK …"), a continuation ("+ …") or, for the greeting, the "* OK …" line. */
  final: string;
}

// A runaway peer is not an IMAP server; a LIST of a few thousand folders still fits.
const MAX_BUFFER = 1024 * 1024;
const LITERAL = /\{(\d{1,7})\+?\}$/;

function quote(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

/** Reads IMAP responses from a socket; swapped to the TLS socket after STARTTLS, like the SMTP reader. */
export class ImapReader extends SocketReader<ImapResponse, { done(line: string): boolean }> {
  constructor() {
    super(MAX_BUFFER);
  }

  /** The greeting: the first line, whatever it is. */
  greeting(timeoutMs: number): Promise<ImapResponse> {
    return this.startRead(timeoutMs, { done: () => true });
  }

  /** Lines up to the completion tagged `tag`, or up to a continuation request. */
  response(tag: string, timeoutMs: number): Promise<ImapResponse> {
    return this.startRead(timeoutMs, { done: (line) => line.startsWith(`${tag} `) || line === '+' || line.startsWith('+ ') });
  }

  // IMAP lines start with "*", "+" or a tag; TLS records start with 0x14-0x17.
  protected textStart(first: number): boolean {
    return first >= 0x20 && first <= 0x7e;
  }

  /** One logical line: a line whose literal "{n}" is followed by n bytes continues after them. */
  private takeLine(): string | undefined {
    let line = '';
    let offset = 0;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a, offset);
      if (nl < 0) return undefined;
      const part = this.buffer.subarray(offset, nl).toString('utf8').replace(/\r$/, '');
      const literal = LITERAL.exec(part);
      if (!literal) {
        this.buffer = this.buffer.subarray(nl + 1);
        return line + part;
      }
      const size = Number(literal[1]);
      if (this.buffer.length < nl + 1 + size) return undefined;
      line += part.slice(0, literal.index) + quote(this.buffer.subarray(nl + 1, nl + 1 + size).toString('utf8'));
      offset = nl + 1 + size;
    }
  }

  protected parse(): void {
    while (this.waiter) {
      const line = this.takeLine();
      if (line === undefined) return;
      if (!this.waiter.done(line)) {
        this.lines.push(line);
        continue;
      }
      const untagged = this.lines;
      this.lines = [];
      this.finish({ untagged, final: line });
    }
  }
}

/** The status of a tagged completion or untagged status line: "OK", "NO", "BAD", "BYE", "PREAUTH". */
export function statusOf(line: string): string {
  return (/^\S+ (\S+)/.exec(line)?.[1] ?? '').toUpperCase();
}

/** The capabilities from a "* CAPABILITY …" line or a "[CAPABILITY …]" response code, upper-cased. */
export function capabilitiesIn(lines: readonly string[]): string[] | undefined {
  for (const line of lines) {
    const m = /^\* CAPABILITY (.*)$/i.exec(line) ?? /\[CAPABILITY ([^\]]*)\]/i.exec(line);
    if (m)
      return m[1]!
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((c) => c.toUpperCase());
  }
  return undefined;
}

/** Decodes IMAP's modified UTF-7 (RFC 3501 5.1.3): "&AMk-l&AOk-ments" is "Éléments". */
export function decodeMailboxName(name: string): string {
  return name.replace(/&([^-]*)-/g, (_, b64: string) => {
    if (b64 === '') return '&';
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    let out = '';
    for (let i = 0; i + 1 < bytes.length; i += 2) out += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return out;
  });
}

const FLAG_NAMES = [
  '\\Noselect',
  '\\NonExistent',
  '\\Sent',
  '\\HasChildren',
  '\\HasNoChildren',
  '\\Marked',
  '\\Unmarked',
  '\\Subscribed',
  '\\Drafts',
  '\\Trash',
  '\\Junk',
  '\\Archive',
  '\\All',
  '\\Flagged',
];
const FLAG_BY_LOWER = new Map(FLAG_NAMES.map((f) => [f.toLowerCase(), f]));

/** Reads one quoted string or atom at `text[i]`; returns it and the index after it. */
function token(text: string, i: number): [string | null, number] {
  while (text[i] === ' ') i++;
  if (text[i] === '"') {
    let out = '';
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === '\\') i++;
      out += text[i] ?? '';
    }
    return [out, i + 1];
  }
  const end = text.indexOf(' ', i);
  const atom = text.slice(i, end < 0 ? text.length : end);
  return [atom.toUpperCase() === 'NIL' ? null : atom, end < 0 ? text.length : end];
}

/** A "* LIST (flags) delimiter name" line as a folder entry; undefined for anything else. */
export function parseListLine(line: string): FolderEntry | undefined {
  const m = /^\* LIST \(([^)]*)\) (.*)$/i.exec(line);
  if (!m) return undefined;
  const flags = new Set(
    m[1]!
      .split(/\s+/)
      .filter(Boolean)
      .map((f) => FLAG_BY_LOWER.get(f.toLowerCase()) ?? f),
  );
  const [delimiter, next] = token(m[2]!, 0);
  const [raw] = token(m[2]!, next);
  if (raw === null) return undefined;
  const path = decodeMailboxName(raw);
  const name = delimiter ? (path.split(delimiter).at(-1) ?? path) : path;
  return { path, name, flags };
}
