// One short SMTP conversation for probing: greeting, EHLO, STARTTLS when offered, EHLO again, QUIT.
// It reads what the server offers and what its certificate says; it never signs in or sends mail.
import net from 'node:net';
import tls from 'node:tls';

export interface EhloInfo {
  startTls: boolean;
  authMechanisms: string[];
  size?: number;
}

export interface CertificateInfo {
  /** The certificate names the host we asked for. */
  matchesHost: boolean;
  /** The chain leads to a trusted CA (ignoring the host name). */
  trusted: boolean;
  /** Subject CN and alternative names, for the note shown when it does not match. */
  names: string[];
  error?: string;
}

export interface SessionResult {
  /** What the connection ended up as: implicit TLS, upgraded with STARTTLS, or left in plaintext. */
  security: 'tls' | 'starttls' | 'none';
  ehlo: EhloInfo;
  certificate?: CertificateInfo;
  greeting: string;
}

export class ProbeFailure extends Error {
  constructor(
    readonly kind: 'refused' | 'dropped' | 'silent' | 'protocol' | 'tls' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ProbeFailure';
  }
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads complete SMTP replies (multi-line until "NNN ") from a socket. */
class ReplyReader {
  private buffer = '';
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private lines: string[] = [];
  private ended: Error | undefined;
  private readonly onData = (chunk: Buffer): void => {
    this.buffer += chunk.toString('latin1');
    if (this.buffer.length > 64 * 1024) this.fail(new ProbeFailure('protocol', 'the server sent an endless reply'));
    this.pump();
  };
  private readonly onEnd = (): void => this.fail(new ProbeFailure('dropped', 'the server closed the connection'));

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
  }

  detach(): void {
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
  }

  fail(error: Error): void {
    this.ended ??= error;
    this.waiting?.reject(error);
    this.waiting = undefined;
  }

  next(): Promise<Reply> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.pump();
    });
  }

  private pump(): void {
    let eol: number;
    while (this.waiting && (eol = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, eol).replace(/\r$/, '');
      this.buffer = this.buffer.slice(eol + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) return this.fail(new ProbeFailure('protocol', `not an SMTP reply: "${line.slice(0, 80)}"`));
      this.lines.push(match[3] ?? '');
      if (match[2] !== '-') {
        const reply = { code: Number(match[1]), lines: this.lines };
        this.lines = [];
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting.resolve(reply);
      }
    }
  }
}

export function parseEhlo(lines: string[]): EhloInfo {
  const info: EhloInfo = { startTls: false, authMechanisms: [] };
  for (const line of lines.slice(1)) {
    const [keyword = '', ...rest] = line.trim().split(/[\s=]+/);
    const upper = keyword.toUpperCase();
    if (upper === 'STARTTLS') info.startTls = true;
    else if (upper === 'AUTH') {
      for (const m of rest) if (m && !info.authMechanisms.includes(m.toUpperCase())) info.authMechanisms.push(m.toUpperCase());
    } else if (upper === 'SIZE' && rest[0] && /^\d+$/.test(rest[0])) info.size = Number(rest[0]);
  }
  return info;
}

function certificateOf(socket: tls.TLSSocket, host: string): CertificateInfo {
  const cert = socket.getPeerCertificate();
  const names = [
    ...(cert.subject?.CN ? [String(cert.subject.CN)] : []),
    ...(cert.subjectaltname ?? '').split(/,\s*/).filter(Boolean).map((n) => n.replace(/^(DNS|IP Address):/, '')),
  ];
  const identity = tls.checkServerIdentity(host, cert);
  const chainError = socket.authorizationError && String(socket.authorizationError) !== 'ERR_TLS_CERT_ALTNAME_INVALID' ? String(socket.authorizationError) : undefined;
  return { matchesHost: !identity, trusted: !chainError, names: [...new Set(names)], ...(chainError ? { error: chainError } : {}) };
}

/** Resolves once the socket is connected (or secured); the socket is tracked at once so an abort can destroy it. */
function ready<T extends net.Socket>(socket: T, event: 'connect' | 'secureConnect', sockets: net.Socket[], signal: AbortSignal): Promise<T> {
  sockets.push(socket);
  // Errors after this point reach the reply reader as a close; this keeps them from being unhandled.
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ProbeFailure('silent', 'no answer in time'));
    socket.once('close', () => reject(new ProbeFailure(signal.aborted ? 'silent' : 'dropped', 'the connection closed')));
    socket.once(event, () => resolve(socket));
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (event === 'secureConnect') reject(new ProbeFailure('tls', `TLS failed: ${error.message}`));
      else if (error.code === 'ECONNREFUSED') reject(new ProbeFailure('refused', 'connection refused'));
      else reject(new ProbeFailure('network', error.code ?? error.message));
    });
  });
}

async function command(socket: net.Socket, reader: ReplyReader, line: string): Promise<Reply> {
  socket.write(`${line}\r\n`);
  return reader.next();
}

export interface SessionOptions {
  /** Host name for SNI and the certificate check. */
  host: string;
  /** Address to connect to. */
  address: string;
  port: number;
  mode: 'tls' | 'starttls';
  ca?: string | string[];
  /** Name sent in EHLO. */
  clientName?: string;
  signal: AbortSignal;
}

/** Runs the conversation; the signal (timeout or cancel) destroys the socket at once. */
export async function probeSession(options: SessionOptions): Promise<SessionResult> {
  const sockets: net.Socket[] = [];
  const onAbort = (): void => {
    for (const s of sockets) s.destroy();
  };
  options.signal.addEventListener('abort', onAbort, { once: true });
  const tlsOptions = { servername: options.host, ...(options.ca ? { ca: options.ca } : {}) };
  const ehloName = options.clientName ?? 'outbox.localhost';
  try {
    // Verification is done by hand (certificateOf), so a wrong certificate is reported instead of ending the probe.
    let socket: net.Socket =
      options.mode === 'tls'
        ? await ready(tls.connect({ host: options.address, port: options.port, ...tlsOptions, rejectUnauthorized: false }), 'secureConnect', sockets, options.signal)
        : await ready(net.connect({ host: options.address, port: options.port }), 'connect', sockets, options.signal);
    let certificate = socket instanceof tls.TLSSocket ? certificateOf(socket, options.host) : undefined;
    let reader = new ReplyReader(socket);
    const greeting = await reader.next().catch((e: unknown) => {
      throw e instanceof ProbeFailure && e.kind === 'dropped' ? new ProbeFailure('dropped', 'the server closed the connection before greeting') : e;
    });
    if (greeting.code !== 220) throw new ProbeFailure('protocol', `greeting was ${greeting.code} ${greeting.lines.join(' ')}`);
    let ehlo = await command(socket, reader, `EHLO ${ehloName}`);
    if (ehlo.code !== 250) throw new ProbeFailure('protocol', `EHLO was answered ${ehlo.code}`);
    let info = parseEhlo(ehlo.lines);
    let security: SessionResult['security'] = options.mode === 'tls' ? 'tls' : 'none';
    if (options.mode === 'starttls' && info.startTls) {
      const reply = await command(socket, reader, 'STARTTLS');
      if (reply.code !== 220) throw new ProbeFailure('tls', `STARTTLS was answered ${reply.code}`);
      reader.detach();
      const upgraded = await ready(tls.connect({ socket, ...tlsOptions, rejectUnauthorized: false }), 'secureConnect', sockets, options.signal);
      certificate = certificateOf(upgraded, options.host);
      socket = upgraded;
      reader = new ReplyReader(socket);
      ehlo = await command(socket, reader, `EHLO ${ehloName}`);
      if (ehlo.code !== 250) throw new ProbeFailure('protocol', `EHLO after STARTTLS was answered ${ehlo.code}`);
      // AUTH is often offered only after the upgrade; STARTTLS itself stays true as what was offered.
      info = { ...parseEhlo(ehlo.lines), startTls: true };
      security = 'starttls';
    }
    socket.end('QUIT\r\n');
    // Give QUIT a moment to leave, then make sure nothing lingers.
    setTimeout(onAbort, 500).unref();
    return { security, ehlo: info, greeting: greeting.lines.join(' '), ...(certificate ? { certificate } : {}) };
  } catch (error) {
    onAbort();
    if (options.signal.aborted) throw new ProbeFailure('silent', 'no answer in time');
    throw error;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
  }
}
