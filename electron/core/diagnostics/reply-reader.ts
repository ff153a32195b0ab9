// Reads whole SMTP replies (multi-line "250-…" up to "250 …") from a socket, one at a time, each with
// its own deadline; the connection check swaps the socket underneath it after a TLS upgrade.
import { ReadFailure, SocketReader } from './socket-reader';

export { ReadFailure };

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

export class ReplyReader extends SocketReader<Reply> {
  constructor() {
    super(MAX_BUFFER);
  }

  /** The next complete reply, or a ReadFailure after `timeoutMs`. */
  read(timeoutMs: number): Promise<Reply> {
    return this.startRead(timeoutMs, {});
  }

  // SMTP replies start with a digit (a bare CR or LF is tolerated); TLS records start with 0x14-0x17.
  protected textStart(first: number): boolean {
    return (first >= 0x20 && first <= 0x7e) || first === 0x0d || first === 0x0a;
  }

  protected parse(): void {
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
        this.finish({ code: Number(m[1]), lines, text: lines.join('\n') });
        return;
      }
    }
  }
}
