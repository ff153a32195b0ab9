// What a connection check reports (server, certificate, timings, redacted transcript) and its verdicts:
// the sender's explanations reused, reworded where a one-off test gives a different next step.
import type { ErrorCode } from '../../shared/errors';
import type { CertificateInfo } from '../../shared/diagnostics';

export type { CertificateInfo } from '../../shared/diagnostics';
import { explainFailure, explainReply, type FailureKind, type ServerContext, type SmtpStage } from '../smtp/smtp-explain';

export type VerdictKind = FailureKind | 'auth-unavailable' | 'reply' | 'protocol';

export interface Verdict {
  code: ErrorCode;
  /** Which failure this is, for the settings screen to pick an action (e.g. offer to pin a certificate). */
  kind: VerdictKind;
  message: string;
  /** The one thing to do next. */
  next: string;
  /** The server's reply, word for word, when there was one. */
  reply?: string;
  detail?: string;
}

export interface SmtpCapabilities {
  /** SASL mechanisms from EHLO's AUTH line, upper-cased. */
  auth: string[];
  /** The SIZE limit in bytes; absent when not announced (or announced as 0, "no limit"). */
  size?: number;
  eightBitMime: boolean;
  smtpUtf8: boolean;
  pipelining: boolean;
  /** Offered before any TLS upgrade. */
  startTls: boolean;
  /** Every EHLO keyword line as the server sent it (after TLS, when upgraded). */
  extensions: string[];
}

/** Milliseconds per step; null for a step that did not happen. */
export interface Timings {
  dnsMs: number | null;
  connectMs: number | null;
  tlsMs: number | null;
  greetingMs: number | null;
  /** Both EHLO round trips together when STARTTLS made a second one. */
  ehloMs: number | null;
  authMs: number | null;
  totalMs: number;
}

export interface ConnectionReport {
  ok: boolean;
  verdict: Verdict | null;
  /** `security`: what the connection ended up as (implicit TLS, upgraded with STARTTLS, or plaintext). */
  server: { greeting: string | null; capabilities: SmtpCapabilities | null; security?: 'tls' | 'starttls' | 'none' };
  certificate?: CertificateInfo;
  timings: Timings;
  /** "C: …" client lines, "S: …" server lines, "* …" notes; AUTH payloads redacted. */
  transcript: string[];
}

export function failureVerdict(kind: FailureKind, ctx: ServerContext, detail?: string): Verdict {
  const base = explainFailure(kind, ctx);
  const verdict: Verdict = { code: base.code, kind, message: base.message, next: base.next };
  const where = `${ctx.host}:${ctx.port}`;
  // The sender's texts promise a retry; a test the user started wants the one thing to change instead.
  switch (kind) {
    case 'refused':
      verdict.message = `Nothing is listening at ${where}: the connection was refused.`;
      verdict.next = 'Check the port with your provider: submission uses 587 (STARTTLS) or 465 (TLS).';
      break;
    case 'timeout-connect':
      verdict.message = `Connecting to ${where} got no answer: the connection was silently dropped, which usually means your network blocks this port.`;
      verdict.next = 'Try port 587 (STARTTLS) or 465 (TLS), or another network.';
      break;
    case 'timeout-greeting':
      verdict.next = 'Check the port and security setting with your provider (465 uses TLS, 587 uses STARTTLS).';
      break;
    case 'tls-untrusted':
      verdict.next =
        'Check the server name first. If you run this server and the fingerprint shown is exactly the one you expect, trust this one certificate for this account.';
      break;
    case 'timeout-tls':
      verdict.next = 'Check the security setting with your provider: 465 uses TLS from the start, 587 uses STARTTLS.';
      break;
    case 'timeout-socket':
      verdict.next = 'Test again in a moment; if the server keeps stalling, check the port and security setting with your provider.';
      break;
    case 'dropped':
      verdict.message = `The server at ${where} closed the connection during the test.`;
      verdict.next = 'Test again in a moment; if it keeps closing, check the port and security setting with your provider.';
      break;
    case 'offline':
      verdict.next = 'Check that this computer is online, then test again.';
      break;
    case 'dns':
      verdict.next = 'Check the spelling of the server name in the account settings, and that this computer is online.';
      break;
    default:
      break;
  }
  if (detail) verdict.detail = detail;
  return verdict;
}

export function replyVerdict(reply: string, stage: SmtpStage): Verdict {
  const e = explainReply(reply, stage);
  return { code: e.code, kind: e.code === 'SMTP_PROTOCOL' ? 'protocol' : 'reply', message: e.message, next: e.next, reply };
}

/** EHLO's keyword lines as capabilities. */
export function parseCapabilities(ehloLines: string[], startTlsOffered: boolean): SmtpCapabilities {
  const extensions = ehloLines.slice(1).map((l) => l.slice(4).trim());
  const caps: SmtpCapabilities = {
    auth: [],
    eightBitMime: false,
    smtpUtf8: false,
    pipelining: false,
    startTls: startTlsOffered,
    extensions,
  };
  for (const ext of extensions) {
    const [keyword = '', ...params] = ext.split(/[\s=]+/);
    switch (keyword.toUpperCase()) {
      case 'AUTH':
        for (const m of params) if (m && !caps.auth.includes(m.toUpperCase())) caps.auth.push(m.toUpperCase());
        break;
      case 'SIZE': {
        const n = Number(params[0]);
        if (Number.isSafeInteger(n) && n > 0) caps.size = n;
        break;
      }
      case '8BITMIME':
        caps.eightBitMime = true;
        break;
      case 'SMTPUTF8':
        caps.smtpUtf8 = true;
        break;
      case 'PIPELINING':
        caps.pipelining = true;
        break;
      case 'STARTTLS':
        caps.startTls = true;
        break;
    }
  }
  return caps;
}
