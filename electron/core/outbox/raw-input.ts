// Sendmail-style input: reads the header block, adds Message-ID and Date when missing, drops Bcc,
// and streams the rest with CRLF line ends (a lone "." ends the input unless -i), never holding the body.
import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';

const MAX_HEADER_BYTES = 1024 * 1024;

export interface RawHeaders {
  /** Header name (lower case) → unfolded values, in order. */
  values: Map<string, string[]>;
}

export interface PreparedRaw {
  headers: RawHeaders;
  /** Produces the final bytes; `extra` header lines (without CRLF) are put first. */
  body(extra: string[]): Readable;
}

function decodeLatin1(value: string): string {
  return Buffer.from(value, 'latin1').toString('utf8');
}

/** Reads the header block from `input`; the body is left unread until `body()` is consumed. */
export async function prepareRaw(input: Readable, options: { ignoreDots: boolean }): Promise<PreparedRaw> {
  const iterator = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  let buffer = '';
  let headerLines: string[] = [];
  let headerBytes = 0;
  let ended = false;
  let stopped = false; // a lone dot ended the input inside the header block
  let inHeaders = true;

  while (inHeaders) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      if (buffer.length > 0) buffer += '\n';
    } else {
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value;
      headerBytes += chunk.length;
      buffer += chunk.toString('latin1');
    }
    let newline: number;
    while (inHeaders && (newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        inHeaders = false;
      } else if (!options.ignoreDots && line === '.') {
        inHeaders = false;
        stopped = true;
      } else if (/^[ \t]/.test(line) && headerLines.length > 0) {
        headerLines.push(line);
      } else if (/^[!-9;-~]+:/.test(line)) {
        headerLines.push(line);
      } else {
        // Not a header: the body starts here without a blank line.
        buffer = `${line}\n${buffer}`;
        inHeaders = false;
      }
    }
    if (ended) inHeaders = false;
    if (inHeaders && headerBytes > MAX_HEADER_BYTES) {
      throw new AppError('VALIDATION', { message: 'The message header is larger than 1 MB.', next: 'Check that the input is an email message.' });
    }
  }

  const values = new Map<string, string[]>();
  const kept: string[] = [];
  let skipping = false;
  let current: { name: string; value: string } | null = null;
  const finish = (): void => {
    if (!current) return;
    const list = values.get(current.name) ?? [];
    list.push(decodeLatin1(current.value.trim()));
    values.set(current.name, list);
    current = null;
  };
  for (const line of headerLines) {
    if (/^[ \t]/.test(line)) {
      if (current) (current as { value: string }).value += ` ${line.trim()}`;
      if (!skipping) kept.push(line);
      continue;
    }
    finish();
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    current = { name, value: line.slice(colon + 1) };
    // Bcc recipients are in the envelope; the header must not reach the other recipients.
    skipping = name === 'bcc';
    if (!skipping) kept.push(line);
  }
  finish();

  async function* produce(extra: string[]): AsyncGenerator<Buffer> {
    const head = [...extra, ...kept].map((l) => `${l}\r\n`).join('') + '\r\n';
    yield Buffer.from(head, 'latin1');
    if (stopped) return;
    let rest = buffer;
    let done = ended;
    for (;;) {
      const lines = rest.split('\n');
      rest = lines.pop() ?? '';
      const out: string[] = [];
      for (const raw of lines) {
        const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
        if (!options.ignoreDots && line === '.') {
          if (out.length) yield Buffer.from(out.join(''), 'latin1');
          return;
        }
        out.push(line, '\r\n');
      }
      if (out.length) yield Buffer.from(out.join(''), 'latin1');
      if (done) break;
      const next = await iterator.next();
      if (next.done) {
        done = true;
        if (rest.length > 0) rest += '\n';
      } else {
        rest += typeof next.value === 'string' ? next.value : next.value.toString('latin1');
      }
    }
  }

  return { headers: { values }, body: (extra) => Readable.from(produce(extra), { objectMode: false }) };
}
