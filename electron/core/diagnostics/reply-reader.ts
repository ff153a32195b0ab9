// Reads whole SMTP replies (multi-line "250-…" up to "250 …") from a socket, one at a time, each with
// its own deadline; the connection check swaps the socket underneath it after a TLS upgrade.
import type { Socket } from 'node:net';

/** Why no reply came: the deadline passed, the peer closed, or it sent something that is not SMTP. */
export class ReadFailure extends Error {
  constructor(
    readonly reason: 'timeout' | 'closed' | 'binary' | 'error',
    readonly firstBytes: Buffer,
    readonly errorCode?: string,
  ) {
    super(`No SMTP reply: ${reason}${errorCode ? ` (${errorCode})` : ''}`);
    this.name = 'ReadFailure';
  }
}

export interface Reply {
  code: number;
  /** Each line as received, without CRLF. */
  lines: string[];
  /** The lines joined with newlines, as explanations and verdicts quote it. */
  text: string;
}

// The longest reply the check accepts: EHLO lists are short, a runaway peer is not a mail server.
const MAX_BUFFER = 64 * 1024;
const REPLY_LINE = /^(\d{3})([ -])(.*)$/;

export class ReplyReader {
  private socket: Socket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private lines: string[] = [];
  private waiter: { resolve(r: Reply): void; reject(e: ReadFailure): void; timer: NodeJS.Timeout } | undefined;
  private failure: ReadFailure | undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly onClose = (): void => this.fail(new ReadFailure('closed', this.buffer));
  private readonly onError = (err: NodeJS.ErrnoException): void => this.fail(new ReadFailure('error', this.buffer, err.code ?? err.message));

  attach(socket: Socket): void {
    this.detach();
    this.socket = socket;
    this.buffer = Buffer.alloc(0);
    this.lines = [];
    this.failure = undefined;
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', this.onError);
  }

  /** Stops listening (before a TLS upgrade takes over the raw socket). */
  detach(): void {
    const s = this.socket;
    if (!s) return;
    s.off('data', this.onData);
    s.off('close', this.onClose);
    s.off('error', this.onError);
    this.socket = undefined;
  }

  /** The next complete reply, or a ReadFailure after `timeoutMs`. */
  read(timeoutMs: number): Promise<Reply> {
    if (this.waiter) throw new Error('ReplyReader: one read at a time');
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ReadFailure('timeout', this.buffer)), timeoutMs);
      this.waiter = { resolve, reject, timer };
      if (this.failure) this.fail(this.failure);
      else this.parse();
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    // TLS records start with 0x14-0x17, and SMTP replies with a digit.
    const first = this.buffer[0];
    if (first !== undefined && (first < 0x20 || first > 0x7e) && first !== 0x0d && first !== 0x0a) {
      this.fail(new ReadFailure('binary', this.buffer));
      return;
    }
    if (this.buffer.length > MAX_BUFFER) {
      this.fail(new ReadFailure('binary', this.buffer));
      return;
    }
    this.parse();
  }

  private parse(): void {
    if (!this.waiter) return;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) return;
      const line = this.buffer.subarray(0, nl).toString('utf8').replace(/\r$/, '');
      this.buffer = this.buffer.subarray(nl + 1);
      const m = REPLY_LINE.exec(line) ?? /^(\d{3})()$/.exec(line);
      if (!m) {
        this.fail(new ReadFailure('binary', Buffer.from(line)));
        return;
      }
      this.lines.push(line);
      if (m[2] !== '-') {
        const lines = this.lines;
        this.lines = [];
        const { resolve, timer } = this.waiter;
        clearTimeout(timer);
        this.waiter = undefined;
        resolve({ code: Number(m[1]), lines, text: lines.join('\n') });
        return;
      }
    }
  }

  private fail(failure: ReadFailure): void {
    this.failure ??= failure;
    const waiter = this.waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiter = undefined;
    waiter.reject(this.failure);
  }
}
