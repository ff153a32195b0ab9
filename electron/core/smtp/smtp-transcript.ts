// Per-message SMTP transcripts from nodemailer's transaction log: attributes each line of a pooled
// connection to the message it carried, redacts AUTH payloads, and keeps every transcript bounded.
//
// Attribution. nodemailer tags connection lines with `sid` (one per SMTP connection) and pool lines
// with `cid` (one per pool slot) and `messageId`, never both, so fields alone cannot match a line to
// a message. Ordering can, because nodemailer logs these steps synchronously one after another:
// - "Sending message <id>" (pool) is followed in the same call by that connection's MAIL FROM, which
//   binds the connection to the message; a connection carries one message at a time, so its lines
//   belong to that message until the next binding.
// - Until its first message, a connection's lines (greeting, EHLO, STARTTLS, AUTH) wait in its own
//   buffer, which that first message takes over.
// - A message that fails before MAIL FROM (refused, TLS, AUTH, 421 greeting, hang-up) takes the
//   buffer of the connection that failed it: connection errors are logged with the error object
//   and `sid`; the pool logs the failure or the closing of slot `cid` right after (same call stack)
//   the connection's own closing line, and the pool's "Assigned message <id> to #cid" tells which
//   message that slot was opened for. `recentSid` only links entries logged in one synchronous run:
//   it is cleared at the next microtask checkpoint.
import { format } from 'node:util';

export const MAX_TRANSCRIPT_LINES = 200;
export const MAX_LINE_LENGTH = 500;
/** Connections whose lines are kept after they closed, for errors reported a moment later. */
const RETIRED_KEPT = 32;
const LIVE_LIMIT = 512;

interface LogEntry {
  tnx?: string;
  sid?: string;
  cid?: number;
  messageId?: string;
  err?: unknown;
  action?: string;
  username?: string;
  method?: string;
  outByteCount?: number;
  remoteAddress?: string;
  remotePort?: number;
}

/** A bounded list of lines: the first MAX_TRANSCRIPT_LINES are kept, the rest only counted. */
class Lines {
  items: string[] = [];
  dropped = 0;
  push(line: string): void {
    if (this.items.length < MAX_TRANSCRIPT_LINES) {
      this.items.push(
        line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)} … [${line.length - MAX_LINE_LENGTH} more characters]` : line,
      );
    } else {
      this.dropped++;
    }
  }
  take(other: Lines): void {
    for (const line of other.items) this.push(line);
    this.dropped += other.dropped;
  }
}

interface Connection {
  sid: string;
  /** Lines not (yet) owned by a message: the session setup, or what followed the last message. */
  buffer: Lines;
  owner: Transcript | undefined;
  served: number;
  /** Between "AUTH ..." and the server's final answer, everything the client sends is a credential. */
  inAuth: boolean;
}

export interface Transcript {
  /** The Message-ID handed to nodemailer so its pool log names this message (never put on the wire). */
  readonly messageId: string;
  readonly lines: Lines;
  sid: string | undefined;
  cid: number | undefined;
}

function bareId(id: string): string {
  // The ids this file makes (<…@transcript.outbox.invalid>) come back as given: no pattern needed for them.
  if (id.charCodeAt(0) === 60 && id.indexOf('>') === id.length - 1 && id.indexOf('<', 1) < 0 && !/\s/.test(id)) return id.slice(1, -1);
  return id.replace(/[<>\s]/g, '');
}

/** Redacts a client line: the AUTH mechanism stays, its payload and every SASL response go. */
function redactClient(conn: Connection, line: string): string {
  if (conn.inAuth) return '[redacted]';
  const auth = /^AUTH\s+\S+/i.exec(line);
  if (auth) {
    conn.inAuth = true;
    return auth[0].length === line.length ? auth[0] : `${auth[0]} [redacted]`;
  }
  return line;
}

export class TranscriptRecorder {
  private readonly live = new Map<string, Connection>();
  private readonly retired = new Map<string, Connection>();
  private readonly pending = new Map<string, Transcript>();
  private readonly errorSid = new WeakMap<object, string>();
  private readonly cidSid = new Map<number, string>();
  /** The pending message each pool slot was last assigned. */
  private readonly byCid = new Map<number, Transcript>();
  private readonly prefix = `${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`;
  private counter = 0;
  private armed: Transcript | undefined;
  private recentSid: string | undefined;
  private clearScheduled = false;
  private readonly clearRecent = (): void => {
    this.recentSid = undefined;
    this.clearScheduled = false;
  };
  private readonly secrets: string[];

  /** `secrets`: values that must never appear in a transcript, even if a line slipped past redaction. */
  constructor(secrets: string[] = []) {
    this.secrets = secrets.filter((s) => s.length >= 4);
  }

  /** The bunyan-style logger nodemailer calls; cheap for the lines it ignores. */
  readonly logger = {
    trace: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
    debug: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
    info: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
    warn: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
    error: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
    fatal: (entry: LogEntry, message: string, arg?: unknown): void => this.onEntry(entry, message, arg),
  };

  /** Starts a transcript; pass its messageId to nodemailer with the message. */
  begin(): Transcript {
    const transcript: Transcript = {
      messageId: `<${this.prefix}.${++this.counter}@transcript.outbox.invalid>`,
      lines: new Lines(),
      sid: undefined,
      cid: undefined,
    };
    this.pending.set(bareId(transcript.messageId), transcript);
    return transcript;
  }

  /** Ends a transcript when its send settled; `error` is what nodemailer failed it with. */
  finish(transcript: Transcript, error?: unknown): string[] {
    this.pending.delete(bareId(transcript.messageId));
    if (this.armed === transcript) this.armed = undefined;
    if (transcript.cid !== undefined && this.byCid.get(transcript.cid) === transcript) this.byCid.delete(transcript.cid);
    if (transcript.sid === undefined && typeof error === 'object' && error !== null) {
      const sid = this.errorSid.get(error);
      const conn = sid === undefined ? undefined : this.find(sid);
      if (conn) {
        transcript.lines.take(conn.buffer);
        conn.buffer = new Lines();
      }
    }
    const conn = transcript.sid === undefined ? undefined : this.find(transcript.sid);
    if (conn?.owner === transcript) conn.owner = undefined;

    const lines = transcript.lines.items;
    if (transcript.lines.dropped) lines.push(`… ${transcript.lines.dropped} more lines not kept`);
    if (!lines.length) lines.push('* No conversation with the server was recorded for this attempt.');
    return this.scrub(lines);
  }

  private scrub(lines: string[]): string[] {
    if (!this.secrets.length) return lines;
    for (let i = 0; i < lines.length; i++) {
      for (const secret of this.secrets) {
        if (lines[i]!.includes(secret)) lines[i] = lines[i]!.replaceAll(secret, '[redacted]');
      }
    }
    return lines;
  }

  private find(sid: string): Connection | undefined {
    return this.live.get(sid) ?? this.retired.get(sid);
  }

  private connection(sid: string): Connection {
    let conn = this.find(sid);
    if (!conn) {
      conn = { sid, buffer: new Lines(), owner: undefined, served: 0, inAuth: false };
      this.live.set(sid, conn);
      if (this.live.size > LIVE_LIMIT) this.retire(this.live.values().next().value!);
    }
    return conn;
  }

  private retire(conn: Connection): void {
    if (!this.live.delete(conn.sid)) return;
    this.retired.set(conn.sid, conn);
    if (this.retired.size > RETIRED_KEPT) this.retired.delete(this.retired.keys().next().value!);
  }

  private add(conn: Connection, line: string): void {
    (conn.owner ? conn.owner.lines : conn.buffer).push(line);
  }

  private bind(transcript: Transcript, sid: string): void {
    const previous = transcript.sid === undefined ? undefined : this.find(transcript.sid);
    if (previous?.owner === transcript) previous.owner = undefined;
    const conn = this.connection(sid);
    if (conn.served === 0) transcript.lines.take(conn.buffer);
    else transcript.lines.push(`* Reusing the open connection (message ${conn.served + 1} on it)`);
    conn.buffer = new Lines();
    conn.owner = transcript;
    conn.served++;
    transcript.sid = sid;
    if (transcript.cid !== undefined) this.linkSlot(transcript.cid, sid);
  }

  private linkSlot(cid: number, sid: string): void {
    this.cidSid.set(cid, sid);
    if (this.cidSid.size > LIVE_LIMIT) this.cidSid.delete(this.cidSid.keys().next().value!);
  }

  private onEntry(entry: LogEntry, message: string, arg: unknown): void {
    if (!entry) return;
    const sid = entry.sid;
    const armed = this.armed;
    if (armed) {
      this.armed = undefined;
      if (sid !== undefined && entry.tnx === 'client' && message.startsWith('MAIL FROM')) this.bind(armed, sid);
    }
    if (sid === undefined) {
      this.onPoolEntry(entry);
      return;
    }
    this.recentSid = sid;
    if (!this.clearScheduled) {
      this.clearScheduled = true;
      queueMicrotask(this.clearRecent);
    }
    const conn = this.connection(sid);
    switch (entry.tnx) {
      case 'client':
        this.add(conn, `C: ${redactClient(conn, message)}`);
        return;
      case 'server':
        if (conn.inAuth && !message.startsWith('334')) conn.inAuth = false;
        if (message.includes('\n')) for (const line of message.split('\n')) this.add(conn, `S: ${line.replace(/\r$/, '')}`);
        else this.add(conn, `S: ${message}`);
        return;
      case 'message':
        if (typeof entry.outByteCount === 'number') this.add(conn, `C: <${entry.outByteCount} bytes of message data>`);
        return;
      case 'network':
        if (message === 'Connection closed') {
          this.add(conn, '* Connection closed');
          this.retire(conn);
        } else if (message === 'Connection closed unexpectedly') {
          this.add(conn, `! ${message}`);
        } else if (entry.remoteAddress !== undefined) {
          this.add(conn, `* ${String(arg)} established to ${entry.remoteAddress}:${entry.remotePort}`);
        }
        return;
      case 'smtp':
        this.onSmtpEntry(conn, entry, message, arg);
        return;
    }
  }

  private onSmtpEntry(conn: Connection, entry: LogEntry, message: string, arg: unknown): void {
    if (entry.err && typeof entry.err === 'object') {
      this.errorSid.set(entry.err, conn.sid);
      this.add(conn, `! ${(entry.err as Error).message}`);
    } else if (entry.action === 'authenticated') {
      this.add(conn, `* Signed in as ${String(arg)} with ${entry.method}`);
    } else if (entry.action === 'authfail') {
      this.add(conn, `* Sign-in as ${String(arg)} with ${entry.method} failed`);
    } else if (message === 'Connection upgraded with STARTTLS') {
      this.add(conn, '* Connection upgraded with STARTTLS');
    } else if (message.startsWith('Closing connection')) {
      this.retire(conn);
    } else if (message.startsWith('Server closed the idle connection')) {
      this.add(conn, `* ${format(message, arg)}`);
    }
  }

  private onPoolEntry(entry: LogEntry): void {
    const { tnx, cid } = entry;
    if (entry.messageId !== undefined && (tnx === 'send' || entry.action === 'assign')) {
      const transcript = this.pending.get(bareId(entry.messageId));
      if (!transcript) return;
      if (tnx === 'send') this.armed = transcript;
      if (cid !== undefined && transcript.cid !== cid) {
        if (transcript.cid !== undefined && this.byCid.get(transcript.cid) === transcript) this.byCid.delete(transcript.cid);
        transcript.cid = cid;
        this.byCid.set(cid, transcript);
      }
      return;
    }
    if (cid === undefined) return;
    const sid = this.cidSid.get(cid) ?? this.recentSid;
    if (sid === undefined) return;
    if (entry.err && typeof entry.err === 'object' && !this.errorSid.has(entry.err)) {
      this.errorSid.set(entry.err, sid);
    } else if (tnx === 'connection' && entry.action === 'closed') {
      this.linkSlot(cid, sid);
      // The slot closed before its message reached MAIL FROM: its setup lines are that message's.
      const transcript = this.byCid.get(cid);
      const conn = this.find(sid);
      if (transcript && transcript.sid === undefined && conn && conn.served === 0) {
        transcript.lines.take(conn.buffer);
        conn.buffer = new Lines();
      }
    }
  }
}

/** The forms worth looking for, longest first so a base64 blob goes whole rather than in part. */
function longestFirst(forms: readonly string[]): string[] {
  return forms.filter((f) => f.length >= 4).sort((a, b) => b.length - a.length);
}

function replaceForms(text: string, ordered: readonly string[]): string {
  let out = text;
  for (const form of ordered) {
    if (out.includes(form)) out = out.replaceAll(form, '[redacted]');
  }
  return out;
}

/** Every form of a secret in `text` replaced, longest first so a base64 blob goes whole rather than in part. */
export function redactSecrets(text: string, forms: readonly string[]): string {
  return replaceForms(text, longestFirst(forms));
}

/**
 * An outcome (a SendResult, an ErrorInfo, a verdict) with no form of the account's secrets in any of its
 * strings: a server that echoes the password in its 535 reply must not get it into the journal, the accounts
 * file or a terminal. Copied on write: an array or object is copied only when something in it was replaced, so
 * an outcome holding no secret (nearly every one) comes back as it is, in one pass.
 */
export function redactDeep<T>(value: T, forms: readonly string[]): T {
  // Sorted once per outcome, not once per string (an outcome of a flush carries a transcript per message).
  const ordered = longestFirst(forms);
  if (ordered.length === 0) return value;
  const walk = (v: unknown): unknown => {
    // The same string back when no form was in it.
    if (typeof v === 'string') return replaceForms(v, ordered);
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      v.forEach((item, i) => {
        const redacted = walk(item);
        if (redacted !== item) (copy ??= [...v])[i] = redacted;
      });
      return copy ?? v;
    }
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(v)) {
        const redacted = walk(item);
        if (redacted !== item) (copy ??= { ...v })[key] = redacted;
      }
      return copy ?? v;
    }
    return v;
  };
  return walk(value) as T;
}
