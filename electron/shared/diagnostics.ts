// What the connection test says about a server's certificate, as every tier sees it: core builds it,
// the IPC contract carries it to the settings screen, the CLI prints it.
export interface CertificateInfo {
  subject: string;
  issuer: string;
  validFrom: string;
  validTo: string;
  /** Upper-case hex pairs joined by colons, as node:crypto prints it. */
  fingerprint256: string;
  /** The chain ends at a trusted authority and the certificate is within its dates. */
  trusted: boolean;
  /** The account pins exactly this certificate. */
  pinned: boolean;
  hostMatches: boolean;
  /** The names it is made out to (subject CN and alternative names), for a note when they do not match. */
  names?: string[];
  /** The certificate itself, so "trust this certificate" can store exactly what was shown. */
  pem: string;
}
