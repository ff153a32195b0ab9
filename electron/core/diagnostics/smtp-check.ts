// `outbox account test` for SMTP: connects, negotiates TLS, signs in and reports what it saw, step by
// step with timings, so a failure comes with a verdict and one next step instead of a stack trace.
import type { AuthMethod } from '../../shared/account';
import type { Credentials, OAuth2Credentials } from '../ports';
import { xoauth2String } from '../oauth/xoauth2';
import type { FailureKind } from '../smtp/smtp-explain';
import { secretForms } from '../smtp/smtp-options';
import {
  failureVerdict,
  parseCapabilities,
  replyVerdict,
  type ConnectionReport,
  type SmtpCapabilities,
  type Timings,
  type Verdict,
} from './connection-report';
import { ReadFailure, ReplyReader, type Reply } from './reply-reader';
import { pickMechanism, signIn } from './sasl';
import { ms, type Resolver } from './server-link';
import { CheckSession, Stop, type SessionOptions } from './check-session';

export { CHECK_TIMEOUTS, type CheckTimeouts } from './check-session';

/** Resolves a host name; throws an error with a `code` (ENOTFOUND, EAI_AGAIN…) when it cannot. */
export type { Resolver };

export interface SmtpCheckOptions extends SessionOptions {
  user: string;
  authMethod?: AuthMethod;
  /** Null checks everything up to signing in. */
  credentials: Credentials | null;
  /** The name sent with EHLO. */
  clientName?: string;
  /**
   * With security 'starttls': 'required' (the default) stops when the server does not offer it;
   * 'if-offered' goes on in plaintext and reports that (the probe, which never signs in).
   */
  startTls?: 'required' | 'if-offered';
}

export async function checkSmtp(options: SmtpCheckOptions): Promise<ConnectionReport> {
  return new SmtpCheck(options).check();
}

class SmtpCheck extends CheckSession<Verdict, Timings, ReplyReader> {
  private greeting: string | null = null;
  private capabilities: SmtpCapabilities | null = null;
  private security: 'tls' | 'starttls' | 'none' = 'none';

  constructor(private readonly o: SmtpCheckOptions) {
    super(
      o,
      { dnsMs: null, connectMs: null, tlsMs: null, greetingMs: null, ehloMs: null, authMs: null, totalMs: 0 },
      new ReplyReader(),
      'SMTP',
    );
  }

  async check(): Promise<ConnectionReport> {
    const { verdict, transcript } = await this.run(() => this.converse());
    const server = { greeting: this.greeting, capabilities: this.capabilities, security: this.security };
    const report: ConnectionReport = { ok: verdict === null, verdict, server, timings: this.timings, transcript };
    if (this.link.certificate) report.certificate = this.link.certificate;
    return report;
  }

  private async converse(): Promise<void> {
    const { security } = this.o;
    // A certificate that is only reported, never enforced, must not carry a secret.
    if (this.o.certificates === 'report' && this.o.credentials)
      throw new Error('checkSmtp: certificates "report" is for checks without credentials');
    if (security === 'none' && !this.o.insecure) throw this.stop('insecure-refused');
    await this.link.resolve();
    let socket = await this.link.connect();
    if (security === 'tls') {
      socket = await this.link.secure(socket);
      this.security = 'tls';
    }
    this.reader.attach(socket);

    let t = performance.now();
    const greeting = await this.read(this.timeouts.greeting, 'greeting');
    this.timings.greetingMs = ms(t);
    this.greeting = greeting.text;
    if (greeting.code !== 220) throw new Stop(replyVerdict(greeting.text, 'greeting'));

    let ehlo = await this.ehlo();
    // Reported even when the check stops at STARTTLS: what the server offers in clear helps too.
    this.capabilities = parseCapabilities(ehlo.lines, false);
    const startTlsOffered = this.capabilities.startTls;
    if (security === 'starttls' && !startTlsOffered && this.o.startTls === 'if-offered') {
      if (this.o.credentials) throw this.stop('tls-starttls-unavailable');
      this.note('* STARTTLS not offered: the rest of this check is unencrypted (nothing secret is sent)');
    } else if (security === 'starttls') {
      if (!startTlsOffered) throw this.stop('tls-starttls-unavailable');
      t = performance.now();
      const reply = await this.command('STARTTLS');
      if (reply.code !== 220) throw new Stop({ ...failureVerdict('tls-starttls-unavailable', this.ctx), reply: reply.text });
      this.reader.detach();
      socket = await this.link.secure(socket, t);
      this.security = 'starttls';
      this.reader.attach(socket);
      ehlo = await this.ehlo();
    }
    this.capabilities = parseCapabilities(ehlo.lines, startTlsOffered);
    if (this.o.credentials) await this.authenticate(this.o.credentials, this.capabilities.auth);
    await this.quit();
  }

  private async ehlo(): Promise<Reply> {
    const t = performance.now();
    const reply = await this.command(`EHLO ${this.o.clientName ?? '[127.0.0.1]'}`);
    this.timings.ehloMs = round((this.timings.ehloMs ?? 0) + ms(t));
    if (reply.code !== 250) throw new Stop(replyVerdict(reply.text, 'ehlo'));
    return reply;
  }

  private async authenticate(credentials: Credentials, offered: string[]): Promise<void> {
    if (credentials.kind === 'oauth2') return this.authenticateOAuth(credentials, offered);
    const mechanism = pickMechanism(this.o.authMethod ?? 'auto', offered);
    if (!mechanism) {
      const list = offered.length ? `it offers only ${offered.join(', ')}` : 'it offers none';
      throw new Stop({
        code: 'SMTP_AUTH',
        kind: 'auth-unavailable',
        message: `The server at ${this.o.host}:${this.o.port} does not offer a sign-in method Outbox supports (${list}).`,
        next: offered.length
          ? 'Your provider may require OAuth sign-in for this account; check its settings page.'
          : 'Check the port and security setting: most servers only offer sign-in on 587 (STARTTLS) or 465 (TLS).',
      });
    }
    const t = performance.now();
    const reply = await signIn(mechanism, credentials.user || this.o.user, credentials.password, (line, logged) =>
      this.command(line, logged),
    );
    this.timings.authMs = ms(t);
    if (reply.code !== 235) throw new Stop(replyVerdict(reply.text, 'auth'));
    this.note(`* Signed in with ${mechanism} (${this.timings.authMs} ms)`);
  }

  /** XOAUTH2 with the account's access token; the token is never written to the transcript. */
  private async authenticateOAuth(credentials: OAuth2Credentials, offered: string[]): Promise<void> {
    if (!offered.includes('XOAUTH2')) {
      throw new Stop({
        code: 'SMTP_AUTH',
        kind: 'auth-unavailable',
        message: `The server at ${this.o.host}:${this.o.port} does not offer OAuth sign-in (XOAUTH2).`,
        next: "Check the server in the account settings against the provider's documentation, or sign in with an app password.",
      });
    }
    const t = performance.now();
    const reply = await this.command(
      `AUTH XOAUTH2 ${xoauth2String(credentials.user || this.o.user, credentials.accessToken)}`,
      'AUTH XOAUTH2 [redacted]',
    );
    this.timings.authMs = ms(t);
    if (reply.code !== 235) throw new Stop(replyVerdict(reply.text, 'auth'));
    this.note(`* Signed in with XOAUTH2 (${this.timings.authMs} ms)`);
  }

  private async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } catch {
      // The check already has its answer; a server that hangs up on QUIT changes nothing.
    }
  }

  /** Sends one line (logged as `logged` when it carries a secret) and reads the reply. */
  private async command(line: string, logged = line): Promise<Reply> {
    const socket = this.link.current;
    this.note(`C: ${logged}`);
    socket.write(`${line}\r\n`);
    return this.read(this.timeouts.command, 'command');
  }

  private async read(timeoutMs: number, stage: 'greeting' | 'command'): Promise<Reply> {
    try {
      const reply = await this.reader.read(timeoutMs);
      for (const line of reply.lines) this.note(`S: ${line}`);
      return reply;
    } catch (err) {
      if (!(err instanceof ReadFailure)) throw err;
      throw await this.readFailure(err, stage);
    }
  }

  protected stop(kind: FailureKind, detail?: string): Stop<Verdict> {
    return new Stop(failureVerdict(kind, this.ctx, detail));
  }

  protected unexpectedData(detail: string): Stop<Verdict> {
    return new Stop({ ...replyVerdict('', 'other'), detail });
  }

  protected secretForms(): string[] {
    return secretForms(this.o.credentials);
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
