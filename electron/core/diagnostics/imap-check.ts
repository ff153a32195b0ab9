// `outbox account test` for IMAP: connects with the same TLS rules as sending (never downgraded, plaintext only
// when allowed), logs in, lists the folders to find Sent, and reports each step with timings and a verdict.
import type { ErrorCode } from '../../shared/errors';
import { explainFailure as explainImap, type SentCopyFailureKind } from '../imap/imap-explain';
import type { ImapCredentials } from '../imap/imap-settings';
import { pickSentFolder, type FolderEntry } from '../imap/sent-folder';
import type { FailureKind } from '../smtp/smtp-explain';
import { failureVerdict } from './connection-report';
import type { CertificateInfo } from '../../shared/diagnostics';
import { ImapReader, capabilitiesIn, parseListLine, statusOf, type ImapResponse } from './imap-wire';
import { ReadFailure } from './reply-reader';
import { ms } from './server-link';
import { CheckSession, Stop, type SessionOptions } from './check-session';

export interface ImapVerdict {
  code: ErrorCode;
  kind: FailureKind | SentCopyFailureKind;
  message: string;
  next: string;
  reply?: string;
  detail?: string;
}

export interface ImapTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  greetingMs: number | null;
  loginMs: number | null;
  listMs: number | null;
  totalMs: number;
}

export interface ImapReport {
  ok: boolean;
  verdict: ImapVerdict | null;
  server: { greeting: string | null; capabilities: string[] };
  certificate?: CertificateInfo;
  timings: ImapTimings;
  /** The Sent folder found (or the one the account names, when it exists); null when the check stopped before. */
  sentFolder: { path: string; how: 'special-use' | 'name' | 'configured' } | null;
  /** Folder paths the server listed, when no Sent folder was among them. */
  folders?: string[];
  /** "C: …", "S: …" and "* …" notes; passwords and tokens never appear. */
  transcript: string[];
}

export interface ImapCheckOptions extends SessionOptions {
  /** Null checks everything up to logging in. */
  credentials: ImapCredentials | null;
  /** The folder the account saves sent mail to, if one was chosen or remembered. */
  folder?: string;
}

const NETWORK_KINDS = new Set<FailureKind>([
  'refused',
  'timeout-connect',
  'timeout-greeting',
  'timeout-socket',
  'timeout-tls',
  'dns',
  'offline',
  'dropped',
]);
const IMAP_PORTS = 'IMAP uses 993 with TLS or 143 with STARTTLS';
// The SMTP texts name the submission ports; IMAP's next steps name its own.
const IMAP_NEXT: Partial<Record<FailureKind, string>> = {
  refused: `Check the IMAP port with your provider: ${IMAP_PORTS}.`,
  'timeout-connect': 'Try port 993 (TLS) or 143 (STARTTLS), or another network.',
  'timeout-greeting': `Check the IMAP port and security setting with your provider: ${IMAP_PORTS}.`,
  'timeout-tls': `Check the IMAP security setting: ${IMAP_PORTS}.`,
  'tls-wrong-mode': `Check the IMAP security setting: ${IMAP_PORTS}.`,
  'tls-starttls-unavailable': `Use port 993 with TLS if your provider offers it; ${IMAP_PORTS}.`,
};

export async function checkImap(options: ImapCheckOptions): Promise<ImapReport> {
  return new ImapCheck(options).check();
}

class ImapCheck extends CheckSession<ImapVerdict, ImapTimings, ImapReader> {
  private greeting: string | null = null;
  private capabilities: string[] = [];
  private sentFolder: ImapReport['sentFolder'] = null;
  private folders: string[] | undefined;
  private tagCount = 0;

  constructor(private readonly o: ImapCheckOptions) {
    super(
      o,
      { dnsMs: null, connectMs: null, tlsMs: null, greetingMs: null, loginMs: null, listMs: null, totalMs: 0 },
      new ImapReader(),
      'IMAP',
    );
  }

  async check(): Promise<ImapReport> {
    const { verdict, transcript } = await this.run(() => this.converse());
    const report: ImapReport = {
      ok: verdict === null,
      verdict,
      server: { greeting: this.greeting, capabilities: this.capabilities },
      timings: this.timings,
      sentFolder: this.sentFolder,
      transcript,
    };
    if (this.folders) report.folders = this.folders;
    if (this.link.certificate) report.certificate = this.link.certificate;
    return report;
  }

  private async converse(): Promise<void> {
    const { security } = this.o;
    if (security === 'none' && !this.o.insecure) throw this.imapStop('plaintext-refused');
    await this.link.resolve();
    let socket = await this.link.connect();
    if (security === 'tls') socket = await this.link.secure(socket);
    this.reader.attach(socket);

    let t = performance.now();
    const greeting = await this.read(() => this.reader.greeting(this.timeouts.greeting), 'greeting');
    this.timings.greetingMs = ms(t);
    this.greeting = greeting.final;
    const status = statusOf(greeting.final);
    if (status !== 'OK' && status !== 'PREAUTH') throw this.imapStop('unavailable', greeting.final);
    this.capabilities = capabilitiesIn([greeting.final]) ?? (await this.capability());

    if (security === 'starttls') {
      if (!this.capabilities.includes('STARTTLS')) throw this.stop('tls-starttls-unavailable');
      t = performance.now();
      const reply = await this.command('STARTTLS');
      if (statusOf(reply.final) !== 'OK') throw new Stop({ ...this.failure('tls-starttls-unavailable'), reply: reply.final });
      this.reader.detach();
      socket = await this.link.secure(socket, t);
      this.reader.attach(socket);
      // What the server said in clear may have been changed by a man in the middle: ask again (RFC 3501 6.2.1).
      this.capabilities = await this.capability();
    }
    if (!this.o.credentials) return this.logout();
    if (status !== 'PREAUTH') await this.login(this.o.credentials);
    await this.findSent();
    await this.logout();
  }

  private async capability(): Promise<string[]> {
    const reply = await this.command('CAPABILITY');
    return capabilitiesIn([...reply.untagged, reply.final]) ?? [];
  }

  private async login(credentials: ImapCredentials): Promise<void> {
    if (this.capabilities.includes('LOGINDISABLED'))
      throw this.imapStop('tls', undefined, 'the server refuses to log in over this connection (LOGINDISABLED)');
    const t = performance.now();
    let reply: ImapResponse;
    if (credentials.kind === 'oauth2') {
      const blob = b64(`user=${credentials.user}\u0001auth=Bearer ${credentials.accessToken}\u0001\u0001`);
      reply = await this.command('AUTHENTICATE XOAUTH2', 'AUTHENTICATE XOAUTH2');
      if (reply.final.startsWith('+')) reply = await this.continueWith(blob);
      // A refused token comes back as a continuation carrying the error; an empty line ends the exchange.
      if (reply.final.startsWith('+')) reply = await this.continueWith('');
    } else if (this.capabilities.includes('AUTH=PLAIN')) {
      reply = await this.command('AUTHENTICATE PLAIN');
      if (reply.final.startsWith('+')) reply = await this.continueWith(b64(`\u0000${credentials.user}\u0000${credentials.password}`));
    } else {
      reply = await this.command(
        `LOGIN ${quoted(credentials.user)} ${quoted(credentials.password)}`,
        `LOGIN ${quoted(credentials.user)} [redacted]`,
      );
    }
    this.timings.loginMs = ms(t);
    const status = statusOf(reply.final);
    if (status === 'NO') throw this.imapStop('auth', tail(reply.final));
    if (status !== 'OK') throw this.imapStop('protocol', tail(reply.final));
    this.note(`* Logged in as ${credentials.user} (${this.timings.loginMs} ms)`);
    const after = capabilitiesIn([reply.final]);
    this.capabilities = after ?? (await this.capability());
  }

  private async findSent(): Promise<void> {
    const t = performance.now();
    const specialUse = this.capabilities.includes('SPECIAL-USE') && this.capabilities.includes('LIST-EXTENDED');
    const reply = await this.command(specialUse ? 'LIST "" "*" RETURN (SPECIAL-USE)' : 'LIST "" "*"', undefined, 30);
    this.timings.listMs = ms(t);
    if (statusOf(reply.final) !== 'OK') throw this.imapStop('protocol', tail(reply.final));
    const entries = reply.untagged.map(parseListLine).filter((e): e is FolderEntry => e !== undefined);
    if (this.o.folder !== undefined) {
      if (!entries.some((e) => e.path === this.o.folder))
        throw this.imapStop('folder-missing', undefined, `"${this.o.folder}" is not among the server's folders`);
      this.sentFolder = { path: this.o.folder, how: 'configured' };
    } else {
      const found = pickSentFolder(entries);
      if (!found.found) {
        this.folders = found.folders;
        throw this.imapStop('no-sent-folder', undefined, `folders: ${found.folders.join(', ') || '(none)'}`);
      }
      this.sentFolder = { path: found.path, how: found.how };
    }
    this.note(`* Sent folder: ${this.sentFolder.path} (${this.sentFolder.how})`);
  }

  private async logout(): Promise<void> {
    try {
      await this.command('LOGOUT');
    } catch {
      // The check already has its answer; a server that hangs up on LOGOUT changes nothing.
    }
  }

  /** Sends one tagged command (logged as `logged` when it carries a secret) and reads its response. */
  private async command(command: string, logged = command, maxNotedUntagged = 10): Promise<ImapResponse> {
    const tag = `A${++this.tagCount}`;
    this.note(`C: ${tag} ${logged}`);
    this.link.current.write(`${tag} ${command}\r\n`);
    return this.read(() => this.reader.response(tag, this.timeouts.command), 'command', maxNotedUntagged);
  }

  /** Answers a continuation request; the answer is always a secret here, so it is never logged. */
  private async continueWith(line: string): Promise<ImapResponse> {
    const tag = `A${this.tagCount}`;
    this.note('C: [redacted]');
    this.link.current.write(`${line}\r\n`);
    return this.read(() => this.reader.response(tag, this.timeouts.command), 'command');
  }

  private async read(next: () => Promise<ImapResponse>, stage: 'greeting' | 'command', maxNotedUntagged = 10): Promise<ImapResponse> {
    try {
      const reply = await next();
      for (const line of reply.untagged.slice(0, maxNotedUntagged)) this.note(`S: ${line}`);
      if (reply.untagged.length > maxNotedUntagged) this.note(`* … ${reply.untagged.length - maxNotedUntagged} more lines`);
      this.note(`S: ${reply.final}`);
      return reply;
    } catch (err) {
      if (!(err instanceof ReadFailure)) throw err;
      throw await this.readFailure(err, stage);
    }
  }

  /** A connection or TLS failure, worded as for SMTP but with IMAP's codes and ports. */
  private failure(kind: FailureKind, detail?: string): ImapVerdict {
    const base = failureVerdict(kind, this.ctx, detail);
    const code: ErrorCode = NETWORK_KINDS.has(kind) ? 'IMAP_UNAVAILABLE' : 'IMAP_TLS';
    const message = base.message.replace(/\bmail server\b/g, 'IMAP server');
    const verdict: ImapVerdict = { code, kind, message, next: IMAP_NEXT[kind] ?? base.next };
    if (base.detail) verdict.detail = base.detail;
    return verdict;
  }

  protected stop(kind: FailureKind, detail?: string): Stop<ImapVerdict> {
    return new Stop(this.failure(kind, detail));
  }

  protected unexpectedData(detail: string): Stop<ImapVerdict> {
    return this.imapStop('protocol', undefined, detail);
  }

  private imapStop(kind: SentCopyFailureKind, reply?: string, detail?: string): Stop<ImapVerdict> {
    const info = explainImap(kind, reply, detail);
    const verdict: ImapVerdict = { code: info.code, kind, message: TEST_MESSAGES[kind] ?? info.message, next: info.next };
    if (reply) verdict.reply = reply;
    if (detail) verdict.detail = detail;
    return new Stop(verdict);
  }

  protected secretForms(): string[] {
    const c = this.o.credentials;
    if (c?.kind === 'password') return [c.password, b64(c.password), b64(`\u0000${c.user}\u0000${c.password}`), quoted(c.password)];
    if (c?.kind === 'oauth2') return [c.accessToken, b64(`user=${c.user}\u0001auth=Bearer ${c.accessToken}\u0001\u0001`)];
    return [];
  }
}

// The Sent-copy texts say "so no copy was saved"; a test the user started saved nothing on purpose.
const TEST_MESSAGES: Partial<Record<SentCopyFailureKind, string>> = {
  'plaintext-refused': 'The IMAP settings ask for an unencrypted connection, so Outbox did not connect and sent no password.',
  auth: 'The IMAP server refused the user name or password.',
  tls: 'The IMAP server would not accept a login over this connection.',
  unavailable: 'The IMAP server did not accept the connection.',
  'no-sent-folder': 'The mailbox has no folder marked or named as Sent, so Outbox cannot file copies of sent mail.',
  'folder-missing': 'The folder this account saves sent mail to is not on the IMAP server.',
  protocol: 'The IMAP server answered in a way Outbox did not expect.',
};

/** The text after the tag and status, "[AUTHENTICATIONFAILED] Authentication failed." for "A2 NO [...] ...". */
function tail(line: string): string {
  return line.replace(/^\S+ /, '');
}

function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, '\\$&')}"`;
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
