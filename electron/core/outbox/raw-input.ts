// Sendmail-style input, read as Postfix's sendmail reads it, once, at enqueue:
// - line ends are normalised to CRLF: a bare LF and a bare CR are each a line end, as nodemailer's
//   DATA stream and Python's email package read them, so the stored bytes are exactly the bytes sent;
// - an mbox "From " first line is dropped; a lone "." ends the input unless -i;
// - a NUL byte or a line over 998 bytes (RFC 5322 §2.1.1) is refused, naming the line;
// - the header block ends at the empty line or at the first line that is neither a field (a name,
//   optional whitespace as RFC 5322 §4.5 obsolete syntax allows, then ":") nor a continuation;
//   mailsplit's Headers (the header model mailparser uses) parses, edits and rebuilds it;
// - the body is streamed, never held whole.
import { Readable } from 'node:stream';
import Headers from '@zone-eu/mailsplit/lib/headers';
import { AppError } from '../../shared/errors';

export const MAX_HEADER_BYTES = 1024 * 1024;
/** RFC 5322 §2.1.1: at most 998 characters on a line, not counting the CRLF. */
export const MAX_LINE_BYTES = 998;

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const CRLF = Buffer.from('\r\n');
const DOT_BYTE = Buffer.from('.');
const EMPTY = Buffer.alloc(0);

function refused(message: string, next: string): AppError {
  return new AppError('VALIDATION', { message, next });
}

/**
 * Normalises line ends to CRLF chunk by chunk, counts lines, refuses NUL bytes and over-long lines,
 * and stops at a lone "." unless dots are ignored. State carries across chunks.
 */
export class LineNormalizer {
  /** 1-based number of the line being read, as the user counts lines in the input. */
  line = 1;
  /** True once a lone "." ended the input. */
  stopped = false;
  private column = 0;
  private afterCr = false;
  private heldDot = false;

  constructor(private readonly ignoreDots: boolean) {}

  push(chunk: Buffer): Buffer {
    if (this.stopped) return EMPTY;
    // Native scans (indexOf) find the line ends and a NUL; only the bytes around them are touched here.
    const nul = chunk.indexOf(0);
    const limit = nul < 0 ? chunk.length : nul;
    const out: Buffer[] = [];
    let i = 0;
    if (this.afterCr && limit > 0) {
      this.afterCr = false;
      // The CRLF went out with the CR.
      if (chunk[0] === LF) i = 1;
    }
    let start = i; // first byte not yet handed out
    let nextCr = chunk.indexOf(CR, i);
    let nextLf = chunk.indexOf(LF, i);
    while (i < limit) {
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf(CR, i);
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf(LF, i);
      const eol = nextCr === -1 ? nextLf : nextLf === -1 ? nextCr : Math.min(nextCr, nextLf);
      const end = eol === -1 || eol >= limit ? limit : eol;
      const atEol = end === eol;
      if (this.heldDot) {
        // The line so far is a dot held back from the previous chunk.
        if (end === i) {
          if (atEol) return this.stop(out);
          break;
        }
        out.push(DOT_BYTE);
        this.heldDot = false;
      } else if (this.column === 0 && !this.ignoreDots && chunk[i] === DOT && end === i + 1) {
        if (i > start) out.push(chunk.subarray(start, i));
        if (atEol) return this.stop(out);
        // A dot at the end of the chunk: whether it is a lone "." depends on the next byte.
        this.heldDot = true;
        this.column = 1;
        start = end;
        i = end;
        break;
      }
      this.column += end - i;
      if (this.column > MAX_LINE_BYTES) {
        throw refused(
          `Line ${this.line} of the message is longer than ${MAX_LINE_BYTES} bytes, the limit of RFC 5322.`,
          'Wrap the line, or encode that part (quoted-printable or base64), or send it as an attachment.',
        );
      }
      if (!atEol) {
        i = end;
        break;
      }
      this.line++;
      this.column = 0;
      if (chunk[eol] === CR && eol + 1 < chunk.length && chunk[eol + 1] === LF) {
        // Already CRLF: the bytes stay as they are.
        i = eol + 2;
        continue;
      }
      out.push(chunk.subarray(start, eol), CRLF);
      if (chunk[eol] === CR && eol + 1 === chunk.length) this.afterCr = true;
      i = eol + 1;
      start = i;
    }
    if (nul >= 0) {
      throw refused(
        `Line ${this.line} of the message contains a NUL byte, which mail cannot carry.`,
        'Remove it, or send the data as an attachment (outbox compose --attach).',
      );
    }
    if (start < i) out.push(chunk.subarray(start, i));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  private stop(out: Buffer[]): Buffer {
    this.stopped = true;
    this.heldDot = false;
    return Buffer.concat(out);
  }

  /** The end of the input: a last line without a line end gets one; a lone "." there is the end mark. */
  end(): Buffer {
    if (this.stopped) return EMPTY;
    if (this.heldDot) return this.stop([]);
    return this.column > 0 ? CRLF : EMPTY;
  }
}

/** A header field's first line: RFC 5322 field-name, optional WSP (obsolete syntax), then ':'. */
const FIELD_START = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

export interface RawInput {
  /** The message's header block (mbox line removed); edit it, then `build('\r\n')`. */
  headers: Headers;
  /** The header bytes as read (CRLF, without the empty line), for tests and diagnostics. */
  headerBytes: Buffer;
  /** The final bytes: `head` (the rebuilt header block, ending with the empty line), then the body, streamed. */
  body(head: Buffer): Readable;
}

/** Reads and normalises the header block; the rest of the input is read only as `body()` is consumed. */
export async function readRawInput(input: AsyncIterable<Buffer | string>, options: { ignoreDots: boolean }): Promise<RawInput> {
  const iterator = input[Symbol.asyncIterator]();
  const lines = new LineNormalizer(options.ignoreDots);
  let pending: Buffer = Buffer.alloc(0); // normalised bytes not yet sorted into header or body
  let ended = false;
  const header: Buffer[] = [];
  let headerLength = 0;
  let first = true;
  let inHeader = true;

  const more = async (): Promise<boolean> => {
    if (ended) return false;
    const next = await iterator.next();
    let bytes: Buffer;
    if (next.done) {
      ended = true;
      bytes = lines.end();
    } else {
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      bytes = lines.push(chunk);
      if (lines.stopped) ended = true;
    }
    if (bytes.length > 0) pending = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    return true;
  };

  while (inHeader) {
    const eol = pending.indexOf(CRLF);
    if (eol < 0) {
      if (headerLength + pending.length > MAX_HEADER_BYTES) {
        throw refused('The message header is larger than 1 MB.', 'Check that the input is an email message.');
      }
      if (!(await more())) break;
      continue;
    }
    const line = pending.subarray(0, eol);
    const text = line.toString('latin1');
    if (first && text.startsWith('From ')) {
      // An mbox separator: Postfix's sendmail drops it, and so do we.
      pending = pending.subarray(eol + 2);
      first = false;
      continue;
    }
    if (line.length === 0) {
      pending = pending.subarray(eol + 2);
      inHeader = false;
    } else if (FIELD_START.test(text) || (!first && (text[0] === ' ' || text[0] === '\t'))) {
      header.push(line, CRLF);
      headerLength += line.length + 2;
      if (headerLength > MAX_HEADER_BYTES) {
        throw refused('The message header is larger than 1 MB.', 'Check that the input is an email message.');
      }
      pending = pending.subarray(eol + 2);
    } else {
      // Not a header line: the body starts here, without the empty line (which the rebuilt head adds).
      inHeader = false;
    }
    first = false;
  }
  // Input that ended inside the header block: whatever is left is a last, partial line (end() added CRLF).
  const headerBytes = Buffer.concat(header);
  const headers = new Headers(headerBytes.length ? headerBytes.subarray(0, headerBytes.length - 2) : false);

  async function* produce(head: Buffer): AsyncGenerator<Buffer> {
    yield head;
    if (pending.length) yield pending;
    pending = Buffer.alloc(0);
    while (await more()) {
      if (pending.length) yield pending;
      pending = Buffer.alloc(0);
    }
  }

  return { headers, headerBytes, body: (head) => Readable.from(produce(head), { objectMode: false }) };
}
