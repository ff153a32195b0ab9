// What the SMTP and IMAP readers of the connection check share: following one socket (swapped for the
// TLS one after an upgrade), one read at a time with its own deadline, and failing on bytes that are not text.
import type { Socket } from 'node:net';

/** Why no reply came: the deadline passed, the peer closed, or it sent something that is not the protocol. */
export class ReadFailure extends Error {
  constructor(
    readonly reason: 'timeout' | 'closed' | 'binary' | 'error',
    readonly firstBytes: Buffer,
    readonly errorCode?: string,
  ) {
    super(`No reply: ${reason}${errorCode ? ` (${errorCode})` : ''}`);
    this.name = 'ReadFailure';
  }
}

interface Waiter<T> {
  resolve(result: T): void;
  reject(failure: ReadFailure): void;
  timer: NodeJS.Timeout;
}

export abstract class SocketReader<T, Extra extends object = object> {
  private socket: Socket | undefined;
  protected buffer: Buffer = Buffer.alloc(0);
  protected lines: string[] = [];
  protected waiter: (Waiter<T> & Extra) | undefined;
  private failure: ReadFailure | undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly onClose = (): void => this.fail(new ReadFailure('closed', this.buffer));
  private readonly onError = (err: NodeJS.ErrnoException): void =>
    this.fail(new ReadFailure('error', this.buffer, err.code ?? err.message));

  constructor(private readonly maxBuffer: number) {}

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

  /** Whether a buffer starting with this byte can be the protocol's text at all (TLS records cannot). */
  protected abstract textStart(first: number): boolean;
  /** Takes what it can from the buffer; calls finish() once the awaited answer is complete. */
  protected abstract parse(): void;

  protected startRead(timeoutMs: number, extra: Extra): Promise<T> {
    if (this.waiter) throw new Error(`${this.constructor.name}: one read at a time`);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ReadFailure('timeout', this.buffer)), timeoutMs);
      this.waiter = { ...extra, resolve, reject, timer } as Waiter<T> & Extra;
      if (this.failure) this.fail(this.failure);
      else this.parse();
    });
  }

  protected finish(result: T): void {
    const waiter = this.waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiter = undefined;
    waiter.resolve(result);
  }

  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const first = this.buffer[0];
    if ((first !== undefined && !this.textStart(first)) || this.buffer.length > this.maxBuffer) {
      this.fail(new ReadFailure('binary', this.buffer));
      return;
    }
    this.parse();
  }

  protected fail(failure: ReadFailure): void {
    this.failure ??= failure;
    const waiter = this.waiter;
    if (!waiter) return;
    clearTimeout(waiter.timer);
    this.waiter = undefined;
    waiter.reject(this.failure);
  }
}
