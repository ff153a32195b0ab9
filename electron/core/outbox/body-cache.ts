// A bounded memory of message bytes this process has just written to the spool: a message composed
// and sent in the same session goes out without reading its file back. The file stays the truth.
import { Readable } from 'node:stream';

export class BodyCache {
  private readonly entries = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  set(id: string, body: Buffer): void {
    if (body.length > this.maxBytes / 8) return;
    this.delete(id);
    this.entries.set(id, body);
    this.bytes += body.length;
    // Oldest first: Map keeps insertion order.
    for (const [oldId, old] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldId);
      this.bytes -= old.length;
    }
  }

  get(id: string): Buffer | undefined {
    return this.entries.get(id);
  }

  delete(id: string): void {
    const body = this.entries.get(id);
    if (!body) return;
    this.entries.delete(id);
    this.bytes -= body.length;
  }
}

/** The bytes as a stream of one chunk (a plain Readable: Readable.from's async iterator costs more per message). */
export function bufferStream(body: Buffer): Readable {
  let pushed = false;
  return new Readable({
    read() {
      if (pushed) return;
      pushed = true;
      this.push(body);
      this.push(null);
    },
  });
}
