// What the SMTP and IMAP connection checks share beyond the network leg: one run that turns a Stop or a link
// failure into the verdict, the transcript with its limits and redaction, and reading a greeting that never came.
import { redactDeep } from '../smtp/smtp-transcript';
import type tls from 'node:tls';
import type { Security } from '../../shared/account';
import type { FailureKind, ServerContext } from '../smtp/smtp-explain';
import { MAX_LINE_LENGTH } from '../smtp/smtp-transcript';
import { ReadFailure } from './reply-reader';
import { LinkFailure, ServerLink, ms, type LinkTimings, type Resolver } from './server-link';
import { speaksImplicitTls } from './tls-probe';

export interface CheckTimeouts {
  /** DNS lookup and TCP connect, each. */
  connect: number;
  tls: number;
  greeting: number;
  /** Each command's reply. */
  command: number;
}

export const CHECK_TIMEOUTS: CheckTimeouts = { connect: 10_000, tls: 10_000, greeting: 10_000, command: 10_000 };

/** The options both checks take to reach their server. */
export interface SessionOptions {
  host: string;
  port: number;
  security: Security;
  insecure?: boolean;
  /** The one certificate this account trusts although it does not verify (SHA-256, colons optional). */
  pinnedFingerprint?: string;
  /** Extra TLS options such as `ca`; they cannot switch verification off. */
  tls?: tls.ConnectionOptions;
  timeouts?: Partial<CheckTimeouts>;
  resolver?: Resolver;
  /** See LinkOptions.certificates; only a check that never signs in may pass 'report'. */
  certificates?: 'enforce' | 'report';
  /** Ends the check at once (closing the connection) when aborted: a deadline or a cancel. */
  signal?: AbortSignal;
}

/** Ends a check with a verdict; caught in `session`, never escapes the check. */
export class Stop<V extends { message: string }> extends Error {
  constructor(readonly verdict: V) {
    super(verdict.message);
  }
}

const MAX_TRANSCRIPT_LINES = 200;

export abstract class CheckSession<
  V extends { message: string },
  T extends LinkTimings & { totalMs: number },
  R extends { detach(): void },
> {
  protected readonly timeouts: CheckTimeouts;
  protected readonly link: ServerLink;
  protected readonly ctx: ServerContext;
  private readonly lines: string[] = [];

  constructor(
    private readonly session: SessionOptions,
    protected readonly timings: T,
    protected readonly reader: R,
    /** Names the protocol in notes, e.g. "binary data instead of an SMTP greeting". */
    private readonly protocol: 'SMTP' | 'IMAP',
  ) {
    const o = session;
    this.timeouts = { ...CHECK_TIMEOUTS, ...o.timeouts };
    this.link = new ServerLink(
      {
        host: o.host,
        port: o.port,
        ...(o.resolver ? { resolver: o.resolver } : {}),
        ...(o.tls ? { tls: o.tls } : {}),
        ...(o.pinnedFingerprint ? { pinnedFingerprint: o.pinnedFingerprint } : {}),
        ...(o.certificates ? { certificates: o.certificates } : {}),
        timeouts: this.timeouts,
      },
      timings,
      (line) => this.note(line),
    );
    this.ctx = { host: o.host, port: o.port, security: o.security };
  }

  /** A connection or TLS failure, in this check's words. */
  protected abstract stop(kind: FailureKind, detail?: string): Stop<V>;
  /** A server that sent something that is not this protocol. */
  protected abstract unexpectedData(detail: string): Stop<V>;
  /** Every form the secret could take on the wire, to redact from the transcript. */
  protected abstract secretForms(): string[];

  /** Runs the conversation; a Stop (or a failed network step) becomes the verdict. Always closes the connection. */
  protected async run(converse: () => Promise<void>): Promise<{ verdict: V | null; transcript: string[] }> {
    const started = performance.now();
    let verdict: V | null = null;
    const abort = (): void => this.link.close();
    const signal = this.session.signal;
    signal?.addEventListener('abort', abort, { once: true });
    try {
      if (signal?.aborted) throw this.stop('dropped', 'cancelled before it started');
      await converse();
    } catch (caught) {
      const err = caught instanceof LinkFailure ? this.stop(caught.kind, caught.detail) : caught;
      if (!(err instanceof Stop)) throw err;
      verdict = (err as Stop<V>).verdict;
      this.note(`! ${verdict.message}`);
    } finally {
      signal?.removeEventListener('abort', abort);
      this.reader.detach();
      this.link.close();
      this.timings.totalMs = ms(started);
    }
    // The verdict carries the server's reply, which may echo what we sent: scrubbed like the transcript.
    return { verdict: verdict && redactDeep(verdict, this.secretForms()), transcript: this.scrub(this.lines) };
  }

  protected note(line: string): void {
    if (this.lines.length < MAX_TRANSCRIPT_LINES)
      this.lines.push(line.length > MAX_LINE_LENGTH ? `${line.slice(0, MAX_LINE_LENGTH)} …` : line);
  }

  /** Why a read failed, as a verdict: TLS spoken to a plaintext client, silence (maybe a TLS-only port), a drop. */
  protected async readFailure(err: ReadFailure, stage: 'greeting' | 'command'): Promise<Stop<V>> {
    const head = err.firstBytes[0];
    // 0x15 alert, 0x16 handshake: a TLS server answering a plaintext client.
    if (err.reason === 'binary' && (head === 0x15 || head === 0x16))
      return this.stop('tls-wrong-mode', `binary data instead of an ${this.protocol} greeting`);
    if (err.reason === 'binary')
      return this.unexpectedData(`Unexpected data: ${JSON.stringify(err.firstBytes.subarray(0, 40).toString('latin1'))}`);
    if (err.reason === 'timeout' && stage === 'greeting') {
      if (this.session.security !== 'tls' && !this.session.signal?.aborted) {
        this.note('* No greeting; checking whether this port expects TLS from the start');
        const target = { host: this.session.host, extra: this.session.tls, timeoutMs: Math.min(this.timeouts.tls, this.timeouts.greeting) };
        if (await speaksImplicitTls(this.link.address, this.session.port, target))
          return this.stop('tls-wrong-mode', 'the port completed a TLS handshake');
      }
      return this.stop('timeout-greeting');
    }
    if (err.reason === 'timeout') return this.stop('timeout-socket');
    return this.stop('dropped', err.errorCode ?? err.reason);
  }

  /** Belt and braces: no form of the password or token survives, whatever a server echoed back. */
  private scrub(lines: string[]): string[] {
    const secrets = this.secretForms()
      .filter((s) => s.length >= 4)
      .sort((a, b) => b.length - a.length);
    return lines.map((l) => secrets.reduce((acc, s) => acc.replaceAll(s, '[redacted]'), l));
  }
}
