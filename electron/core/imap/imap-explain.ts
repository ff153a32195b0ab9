// Sorts imapflow and socket errors into the few kinds of Sent-copy failure a user can act on, each with
// a plain explanation and next step; the server's reply is kept word for word. Wraps, never mutates.
import { AppError, type ErrorCode, type ErrorInfo } from '../../shared/errors';

export type SentCopyFailureKind =
  'plaintext-refused' | 'auth' | 'tls' | 'unavailable' | 'no-sent-folder' | 'folder-missing' | 'over-quota' | 'append-refused' | 'protocol';

interface Explanation {
  /** The catalogue code this kind reports. */
  code: ErrorCode;
  cause: string;
  next: string;
  retryable: boolean;
}

export const SENT_COPY_EXPLANATIONS: Readonly<Record<SentCopyFailureKind, Explanation>> = {
  'plaintext-refused': {
    code: 'IMAP_TLS',
    cause: 'The IMAP settings ask for an unencrypted connection, so Outbox did not connect and sent no password.',
    next: 'Choose TLS or STARTTLS in the account settings, or explicitly allow an unencrypted connection.',
    retryable: false,
  },
  auth: {
    code: 'IMAP_AUTH',
    cause: 'The IMAP server refused the user name or password, so no copy was saved in Sent.',
    next: 'Check the IMAP password in the account settings. With two-step sign-in, create an app password and use that.',
    retryable: false,
  },
  tls: {
    code: 'IMAP_TLS',
    cause: 'A secure (TLS) connection to the IMAP server could not be set up, so no copy was saved in Sent.',
    next: 'Check the IMAP server name, port and security setting; Outbox never falls back to an unencrypted connection by itself.',
    retryable: false,
  },
  unavailable: {
    code: 'IMAP_UNAVAILABLE',
    cause: 'The IMAP server could not be reached, so no copy was saved in Sent yet.',
    next: 'Outbox will try again. If it keeps failing, check the IMAP server name and port (usually 993 for TLS, 143 for STARTTLS).',
    retryable: true,
  },
  'no-sent-folder': {
    code: 'IMAP_NO_SENT_FOLDER',
    cause: 'The mailbox has no folder marked or named as Sent, so no copy was saved.',
    next: 'Create a Sent folder in your mail program or webmail, or choose the folder in the account settings.',
    retryable: false,
  },
  'folder-missing': {
    code: 'IMAP_NO_SENT_FOLDER',
    cause: 'The folder Outbox saves sent mail to could not be opened on the IMAP server.',
    next: "The server's reply says why: choose the Sent folder again in the account settings.",
    retryable: false,
  },
  'over-quota': {
    code: 'IMAP_QUOTA',
    cause: 'The mailbox on the IMAP server is full, so no copy was saved in Sent. The message itself was sent.',
    next: 'Delete old mail or empty the trash on the server, then retry the copy.',
    retryable: false,
  },
  'append-refused': {
    code: 'IMAP_APPEND_REFUSED',
    cause: 'The IMAP server refused to store the copy in Sent. The message itself was sent.',
    next: "The server's reply says why: retry the copy or contact the server's administrator.",
    retryable: false,
  },
  protocol: {
    code: 'IMAP_UNAVAILABLE',
    cause: 'The IMAP server answered in a way Outbox did not expect, so no copy was saved in Sent.',
    next: 'Outbox will try again; if this keeps happening, check the IMAP server name and port.',
    retryable: true,
  },
};

/** The fields of an imapflow (or Node socket) error this module reads. */
interface ImapErrorFields {
  code?: unknown;
  message?: unknown;
  authenticationFailed?: unknown;
  tlsFailed?: unknown;
  serverResponseCode?: unknown;
  responseStatus?: unknown;
  responseText?: unknown;
  response?: unknown;
  mailboxMissing?: unknown;
  cause?: unknown;
  _err?: unknown;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO|CERT_|HOSTNAME_MISMATCH|ClosedAfterConnectTLS)/;
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'GREETING_TIMEOUT',
  'UPGRADE_TIMEOUT',
  'ETIMEOUT',
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
]);
const AUTH_RESPONSE_CODES = new Set(['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED', 'EXPIRED']);
const TLS_RESPONSE_CODES = new Set(['PRIVACYREQUIRED']);
const QUOTA_RESPONSE_CODES = new Set(['OVERQUOTA', 'LIMIT']);

function fields(error: unknown): ImapErrorFields {
  return typeof error === 'object' && error !== null ? (error as ImapErrorFields) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The error and the errors it wraps, outermost first (bounded: causes can form loops). */
function chain(error: unknown): ImapErrorFields[] {
  const out: ImapErrorFields[] = [];
  let current: unknown = error;
  while (current && out.length < 5) {
    const f = fields(current);
    out.push(f);
    current = f._err ?? f.cause;
  }
  return out;
}

/** The server's tagged reply, word for word: "NO [OVERQUOTA] Quota exceeded …" when imapflow kept its parts. */
export function serverReply(error: unknown): string | undefined {
  const f = fields(error);
  const responseText = text(f.responseText) ?? (typeof f.response === 'string' ? text(f.response) : undefined);
  if (!responseText) return undefined;
  const status = text(f.responseStatus);
  const code = text(f.serverResponseCode);
  return [status, code && !responseText.startsWith('[') ? `[${code}]` : undefined, responseText].filter(Boolean).join(' ');
}

/** Which kind of failure an error from connect/login/list/select/search/append is. */
export function classifyImapError(error: unknown, step: 'connect' | 'select' | 'append' | 'other'): SentCopyFailureKind {
  const links = chain(error);
  const codes = links.map((f) => text(f.code)).filter((c): c is string => c !== undefined);
  const responseCode = text(links[0]?.serverResponseCode)?.toUpperCase();
  // A server that takes logins only over TLS (LOGINDISABLED, PRIVACYREQUIRED) is a security setting problem.
  if ((responseCode && TLS_RESPONSE_CODES.has(responseCode)) || text(links[0]?.message) === 'Login is disabled') {
    return 'tls';
  }
  if (links.some((f) => f.authenticationFailed === true) || (responseCode && AUTH_RESPONSE_CODES.has(responseCode))) {
    return 'auth';
  }
  if (links.some((f) => f.tlsFailed === true) || codes.some((c) => TLS_CODES.test(c))) return 'tls';
  // Codes before messages: imapflow's greeting timeout says "Maybe should use TLS?".
  if (codes.some((c) => NETWORK_CODES.has(c))) return 'unavailable';
  if (step === 'connect' && links.some((f) => /STARTTLS|certificate|\bTLS\b/i.test(text(f.message) ?? ''))) return 'tls';
  if (responseCode && QUOTA_RESPONSE_CODES.has(responseCode)) return 'over-quota';
  if (step === 'select' && (links[0]?.mailboxMissing === true || responseCode === 'NONEXISTENT' || responseCode === 'TRYCREATE')) {
    return 'folder-missing';
  }
  if (step === 'append' && text(links[0]?.responseStatus)) {
    return /quota/i.test(text(links[0]?.responseText) ?? '') ? 'over-quota' : 'append-refused';
  }
  return 'protocol';
}

/** The failure as catalogue-shaped data, for the outbox history, the CLI and the window. */
export function explainFailure(kind: SentCopyFailureKind, reply?: string, detail?: string): ErrorInfo {
  const e = SENT_COPY_EXPLANATIONS[kind];
  return new AppError(e.code, { message: e.cause, next: e.next, retryable: e.retryable, reply, detail }).toInfo();
}
