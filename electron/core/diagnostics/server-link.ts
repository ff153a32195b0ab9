// The network leg both connection checks share: resolve the name, connect, and upgrade to TLS with the
// certificate shown and gated (verified or pinned), each step timed and noted. Failures are typed, so each
// check words its own verdict.
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import type tls from 'node:tls';
import type { CertificateInfo } from '../../shared/diagnostics';
import type { FailureKind } from '../smtp/smtp-explain';
import { HandshakeError, certificateInfo, certificateVerdict, handshake } from './tls-probe';

export type Resolver = (host: string) => Promise<{ address: string }>;

/** A step of the leg failed; `kind` picks the explanation. */
export class LinkFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly detail?: string,
  ) {
    super(kind);
    this.name = 'LinkFailure';
  }
}

export interface LinkOptions {
  host: string;
  port: number;
  resolver?: Resolver;
  tls?: tls.ConnectionOptions;
  pinnedFingerprint?: string;
  /**
   * 'enforce' (the default, for anything that may sign in): a certificate that does not verify ends the
   * connection. 'report': it is noted and kept in `certificateProblem` (the autodetection probe, which
   * never signs in, describes such a server instead of hiding it).
   */
  certificates?: 'enforce' | 'report';
  timeouts: { connect: number; tls: number };
}

export interface LinkTimings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
}

const OFFLINE_CODES = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);

export class ServerLink {
  /** The address connected to (the host itself when it is an IP). */
  address = '';
  readonly sockets: net.Socket[] = [];
  certificate: CertificateInfo | undefined;
  /** Why the certificate would not do, when `certificates` is 'report'. */
  certificateProblem: { kind: FailureKind; detail: string } | undefined;

  constructor(
    private readonly o: LinkOptions,
    private readonly timings: LinkTimings,
    private readonly note: (line: string) => void,
  ) {}

  /** The socket commands go to: the TLS one after an upgrade. */
  get current(): net.Socket {
    return this.sockets.at(-1)!;
  }

  async resolve(): Promise<void> {
    if (net.isIP(this.o.host)) {
      this.address = this.o.host;
      return;
    }
    const t = performance.now();
    try {
      const resolved = await withTimeout((this.o.resolver ?? ((host: string) => lookup(host)))(this.o.host), this.o.timeouts.connect);
      this.address = resolved.address;
      this.timings.dnsMs = ms(t);
      this.note(`* ${this.o.host} is ${this.address} (${this.timings.dnsMs} ms)`);
    } catch (err) {
      this.timings.dnsMs = ms(t);
      throw new LinkFailure('dns', describe(err));
    }
  }

  connect(): Promise<net.Socket> {
    const t = performance.now();
    const socket = net.connect({ host: this.address, port: this.o.port });
    this.sockets.push(socket);
    socket.setNoDelay(true);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new LinkFailure('timeout-connect')), this.o.timeouts.connect);
      const onError = (err: NodeJS.ErrnoException): void => {
        clearTimeout(timer);
        const code = err.code ?? '';
        const kind: FailureKind =
          code === 'ECONNREFUSED' ? 'refused' : code === 'ETIMEDOUT' ? 'timeout-connect' : OFFLINE_CODES.has(code) ? 'offline' : 'dropped';
        reject(new LinkFailure(kind, describe(err)));
      };
      socket.once('error', onError);
      // Destroyed before it connected: the check was cancelled.
      const onClose = (): void => {
        clearTimeout(timer);
        reject(new LinkFailure('dropped', 'the connection was closed before it was made'));
      };
      socket.once('close', onClose);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.on('error', () => {});
        this.timings.connectMs = ms(t);
        this.note(`* Connected to ${this.address}:${this.o.port} (${this.timings.connectMs} ms)`);
        resolve(socket);
      });
    });
  }

  /** Upgrades to TLS and fails unless the certificate verifies or is the pinned one. */
  async secure(socket: net.Socket, started = performance.now()): Promise<tls.TLSSocket> {
    let secure: tls.TLSSocket;
    try {
      secure = await handshake(socket, { host: this.o.host, extra: this.o.tls, timeoutMs: this.o.timeouts.tls });
    } catch (err) {
      if (err instanceof HandshakeError) throw new LinkFailure(err.kind, err.detail);
      throw err;
    }
    this.sockets.push(secure);
    this.timings.tlsMs = ms(started);
    this.certificate = certificateInfo(secure, this.o.host, this.o.pinnedFingerprint);
    this.note(`* TLS ${secure.getProtocol() ?? ''} ${secure.getCipher().name} (${this.timings.tlsMs} ms)`);
    if (this.certificate) {
      const c = this.certificate;
      this.note(`* Certificate: ${c.subject}; issued by ${c.issuer}; valid ${c.validFrom} to ${c.validTo}; SHA-256 ${c.fingerprint256}`);
    }
    const kind = certificateVerdict(secure, this.certificate);
    if (kind) {
      const detail = String(secure.authorizationError ?? 'certificate does not match the server name');
      if (this.o.certificates !== 'report') throw new LinkFailure(kind, detail);
      this.certificateProblem = { kind, detail };
      this.note(`* Certificate would not be accepted for signing in: ${detail}`);
      return secure;
    }
    if (!secure.authorized) this.note('* Certificate not verified, but it is the one pinned for this account');
    return secure;
  }

  close(): void {
    // TLS socket before the socket beneath it: the other order crashes Node 20 (SIGSEGV in TLSWrap).
    for (const s of [...this.sockets].reverse()) s.destroy();
  }
}

export function ms(since: number): number {
  return Math.round((performance.now() - since) * 10) / 10;
}

export function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('DNS lookup timed out'), { code: 'ETIMEOUT' })), timeoutMs);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
