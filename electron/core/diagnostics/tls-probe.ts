// TLS for the connection check: one handshake that keeps the peer certificate even when it fails
// verification, the certificate as report data, and whether a silent port speaks TLS from the start.
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { FailureKind } from '../smtp/smtp-explain';
import type { CertificateInfo } from './connection-report';
import {
  EXPIRED_CERT_CODES as EXPIRED,
  HOSTNAME_CERT_CODES as HOSTNAME,
  UNTRUSTED_CERT_CODES as UNTRUSTED,
} from '../tls/certificate-errors';

export interface HandshakeTarget {
  /** The name the user entered: what the certificate must be for (SNI only when it is not an address). */
  host: string;
  /** Extra options such as `ca`; verification itself is decided by `certificateVerdict`, never by them. */
  extra: tls.ConnectionOptions | undefined;
  timeoutMs: number;
}

export class HandshakeError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'HandshakeError';
  }
}

/**
 * Runs the TLS handshake over `socket` with verification results recorded instead of enforced
 * (rejectUnauthorized false), so a failing certificate can still be shown. The caller must pass the
 * result through `certificateVerdict` before sending anything over it.
 */
export function handshake(socket: net.Socket, target: HandshakeTarget): Promise<tls.TLSSocket> {
  const options: tls.ConnectionOptions = { ...target.extra, socket, host: target.host, rejectUnauthorized: false };
  delete options.checkServerIdentity;
  if (net.isIP(target.host)) delete options.servername;
  else options.servername = target.host;
  return new Promise((resolve, reject) => {
    const secure = tls.connect(options);
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new HandshakeError('timeout-tls', 'The TLS handshake did not finish in time'));
    }, target.timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.off('error', onError);
      // Until the reply reader listens, a reset must not become an uncaught 'error'.
      secure.on('error', () => {});
      resolve(secure);
    });
    const onError = (err: NodeJS.ErrnoException): void => {
      clearTimeout(timer);
      secure.destroy();
      const code = err.code ?? '';
      // A plaintext server's "220 …" read as a TLS record header.
      const wrongMode =
        code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
        /wrong version number|packet length too long|unknown protocol|http request/i.test(err.message);
      reject(
        new HandshakeError(
          wrongMode ? 'tls-wrong-mode' : code === 'ECONNRESET' ? 'dropped' : 'tls-other',
          `${code || 'Error'}: ${err.message}`,
        ),
      );
    };
    secure.once('error', onError);
    // The socket beneath closed (the check was cancelled, or the peer hung up mid-handshake).
    secure.once('close', () => {
      clearTimeout(timer);
      reject(new HandshakeError('dropped', 'The connection closed during the TLS handshake'));
    });
  });
}

/** Colons and case do not matter in a pinned fingerprint. */
export function normalizeFingerprint(value: string): string {
  return value.replace(/[^0-9a-f]/gi, '').toUpperCase();
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

export function certificateInfo(secure: tls.TLSSocket, host: string, pinnedFingerprint: string | undefined): CertificateInfo | undefined {
  // getPeerCertificate, not getPeerX509Certificate: on Node 20 the latter leaves the socket without its
  // peer certificate afterwards (later calls return nothing), so the X509 view is built from the DER.
  const peer = secure.getPeerCertificate();
  if (!peer?.raw) return undefined;
  const x509 = new X509Certificate(peer.raw);
  const error = secure.authorized ? undefined : String(secure.authorizationError ?? '');
  const names = [
    ...(peer.subject?.CN ? [String(peer.subject.CN)] : []),
    ...(peer.subjectaltname ?? '')
      .split(/,\s*/)
      .filter(Boolean)
      .map((n) => n.replace(/^(DNS|IP Address):/, '')),
  ];
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    fingerprint256: x509.fingerprint256,
    trusted: error === undefined || HOSTNAME.has(error),
    pinned: pinnedFingerprint !== undefined && normalizeFingerprint(pinnedFingerprint) === normalizeFingerprint(x509.fingerprint256),
    hostMatches: tls.checkServerIdentity(host, peer) === undefined,
    names: [...new Set(names)],
    pem: x509.toString(),
  };
}

/**
 * Whether the connection may carry a password: null when verified, or when the account pins this exact
 * certificate (a pin vouches for who the server is, not for a certificate past its dates).
 */
export function certificateVerdict(secure: tls.TLSSocket, cert: CertificateInfo | undefined): FailureKind | null {
  if (secure.authorized && cert?.hostMatches !== false) return null;
  const error = String(secure.authorizationError ?? '');
  let kind: FailureKind = 'tls-other';
  if (EXPIRED.has(error)) kind = 'tls-expired';
  else if (UNTRUSTED.has(error)) kind = 'tls-untrusted';
  else if (HOSTNAME.has(error) || cert?.hostMatches === false) kind = 'tls-hostname';
  if (cert?.pinned && kind !== 'tls-expired') return null;
  return kind;
}

/** True when `host:port` completes a TLS handshake from the first byte (an implicit-TLS port). */
export async function speaksImplicitTls(address: string, port: number, target: HandshakeTarget): Promise<boolean> {
  const socket = net.connect({ host: address, port });
  socket.on('error', () => {});
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connect timeout')), target.timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const secure = await handshake(socket, target);
    secure.destroy();
    return true;
  } catch (err) {
    // A TLS alert (version or cipher refused) is still a TLS server answering.
    return err instanceof HandshakeError && err.kind === 'tls-other';
  } finally {
    socket.destroy();
  }
}
