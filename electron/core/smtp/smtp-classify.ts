// Turns nodemailer's send results and errors into an attempt outcome with a catalogue error,
// the server's reply kept verbatim, and per-recipient results. Wraps, never mutates, the error.
import type { NodemailerError, SMTPPoolSentMessageInfo } from 'nodemailer';
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { RecipientResult } from '../../shared/message';
import type { SendResult } from '../ports';
import { providerOutcome } from './provider-replies';
import {
  explainFailure,
  explainReply,
  parseReply,
  type Explanation,
  type FailureKind,
  type ServerContext,
  type SmtpStage,
} from './smtp-explain';
import {
  EXPIRED_CERT_CODES as EXPIRED,
  HOSTNAME_CERT_CODES as HOSTNAME,
  UNTRUSTED_CERT_CODES as UNTRUSTED,
} from '../tls/certificate-errors';

export type Classified = Omit<SendResult, 'transcript'>;

export interface ClassifyContext extends ServerContext {
  /** True when Outbox itself closed the pool (reset or shutdown) while this message waited. */
  closedByOutbox?: boolean;
  /** The account signs in with a password (a provider that retired passwords says so differently). */
  passwordSignIn?: boolean;
}

const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'ENODATA', 'ESERVFAIL']);
const OFFLINE = new Set(['ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EADDRNOTAVAIL']);
const DROPPED = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ECONNECTION']);

function info(
  explanation: Explanation,
  extra: { reply?: string; responseCode?: number; detail?: string; message?: string } = {},
): ErrorInfo {
  // nodemailer's message often just wraps the reply ("Can't send mail - all recipients were rejected: 550 …"):
  // kept only when it says something the reply does not, so no screen shows the reply twice.
  const detail = extra.detail && !(extra.reply && extra.detail.trimEnd().endsWith(extra.reply.trim())) ? extra.detail : undefined;
  return new AppError(explanation.code, {
    message: extra.message ?? explanation.message,
    next: explanation.next,
    retryable: explanation.outcome === 'temporary',
    reply: extra.reply,
    responseCode: extra.responseCode,
    detail,
  }).toInfo();
}

/** nodemailer's `command` (what was in flight) as the stage the explanations know. */
function stageOf(err: NodemailerError): SmtpStage {
  const command = (err.command ?? '').toUpperCase();
  if (command === 'CONN') return 'greeting';
  if (command === 'EHLO' || command === 'HELO' || command === 'LHLO') return 'ehlo';
  if (command.startsWith('AUTH')) return 'auth';
  if (command === 'MAIL FROM') return 'mail';
  if (command === 'RCPT TO') return 'rcpt';
  if (command === 'DATA') return err.code === 'EMESSAGE' ? 'message' : 'data';
  return 'other';
}

/** Which failure without a reply this is, from nodemailer's code and the system or TLS code beneath it. */
function failureKind(err: NodemailerError, ctx: ClassifyContext): FailureKind | undefined {
  const code = err.code ?? '';
  const original = err.originalCode ?? '';
  const message = err.message ?? '';
  if (EXPIRED.has(original)) return 'tls-expired';
  if (HOSTNAME.has(original)) return 'tls-hostname';
  if (UNTRUSTED.has(original)) return 'tls-untrusted';
  if (original === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|unknown protocol/i.test(message))
    return 'tls-wrong-mode';
  if (code === 'ETLS' && (err.command ?? '').toUpperCase() === 'STARTTLS' && err.response) return 'tls-starttls-unavailable';
  if (code === 'ETLS' || original.startsWith('ERR_SSL_') || original.startsWith('ERR_TLS_')) return 'tls-other';
  if (code === 'ETIMEDOUT') {
    switch (err.timeoutType) {
      case 'GREETING_TIMEOUT':
        // A STARTTLS client on an implicit-TLS port waits for a greeting the server will only send over TLS.
        return ctx.port === 465 && ctx.security !== 'tls' ? 'tls-wrong-mode' : 'timeout-greeting';
      case 'UPGRADE_TIMEOUT':
        return 'timeout-tls';
      case 'SOCKET_TIMEOUT':
        return 'timeout-socket';
      default:
        // An implicit-TLS client on a STARTTLS port can hang in the handshake, which counts as connecting.
        return ctx.security === 'tls' && (ctx.port === 587 || ctx.port === 25) ? 'tls-wrong-mode' : 'timeout-connect';
    }
  }
  if (original === 'ECONNREFUSED') return 'refused';
  if (original === 'ETIMEDOUT') return 'timeout-connect';
  if (code === 'EDNS' || DNS.has(original)) return 'dns';
  if (OFFLINE.has(original)) return 'offline';
  if (DROPPED.has(original) || DROPPED.has(code)) return 'dropped';
  return undefined;
}

function recipientResult(err: NodemailerError): RecipientResult {
  const result: RecipientResult = { address: err.recipient ?? '', accepted: false };
  if (err.response) result.reply = err.response;
  const code = err.responseCode ?? (err.response ? parseReply(err.response)?.code : undefined);
  if (code) result.responseCode = code;
  return result;
}

function allRecipientsRefused(err: NodemailerError & { rejectedErrors: NodemailerError[] }): Classified {
  const recipients = err.rejectedErrors.map(recipientResult);
  // nodemailer reports a deferred (4xx) recipient's reply when there is one: retrying may help.
  const reply = err.response ?? recipients[0]?.reply ?? '';
  const explanation = explainReply(reply, 'rcpt');
  const many = recipients.length > 1;
  const message = many ? `The mail server refused all ${recipients.length} recipients. ${explanation.message}` : explanation.message;
  return {
    outcome: explanation.outcome,
    error: info(explanation, { message, reply, responseCode: parseReply(reply)?.code, detail: err.message }),
    recipients,
  };
}

/** A send that failed: what happened, in the catalogue's terms. */
export function classifyError(error: unknown, ctx: ClassifyContext): Classified {
  if (!(error instanceof Error)) {
    return { outcome: 'temporary', error: new AppError('INTERNAL', { detail: String(error), retryable: true }).toInfo() };
  }
  // Outbox's own refusal (e.g. SMTPUTF8 not offered) is already in the catalogue's words.
  if (error instanceof AppError) return { outcome: error.retryable ? 'temporary' : 'permanent', error: error.toInfo() };
  const err = error as NodemailerError;
  if (ctx.closedByOutbox && (err.code === 'ECONNECTION' || err.code === undefined)) {
    return { outcome: 'temporary', error: info(explainFailure('closed-by-outbox', ctx), { detail: err.message }) };
  }
  // A provider's documented throttling or limit reply (provider-replies.ts): the message waits, never fails.
  const providerReply = typeof err.response === 'string' ? err.response : err.rejectedErrors?.[0]?.response;
  const provider = providerOutcome(providerReply, ctx.passwordSignIn === undefined ? {} : { passwordSignIn: ctx.passwordSignIn });
  if (provider) return provider;
  if (Array.isArray(err.rejectedErrors) && err.rejectedErrors.length) {
    return allRecipientsRefused(err as NodemailerError & { rejectedErrors: NodemailerError[] });
  }
  const kind = failureKind(err, ctx);
  const reply = typeof err.response === 'string' && parseReply(err.response) ? err.response : undefined;
  if (kind && (kind.startsWith('tls-') || !reply)) {
    const explanation = explainFailure(kind, ctx);
    return {
      outcome: explanation.outcome,
      error: info(explanation, { reply, responseCode: reply ? parseReply(reply)?.code : undefined, detail: err.message }),
    };
  }
  if (reply) {
    const explanation = explainReply(reply, stageOf(err));
    return {
      outcome: explanation.outcome,
      error: info(explanation, { reply, responseCode: parseReply(reply)?.code, detail: err.message }),
    };
  }
  return classifyWithoutReply(err, ctx);
}

function classifyWithoutReply(err: NodemailerError, ctx: ClassifyContext): Classified {
  const detail = err.message;
  switch (err.code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return {
        outcome: 'auth',
        error: new AppError('SMTP_AUTH', {
          message: 'Outbox could not sign in to the mail server.',
          next: "Check the account's user name, password and sign-in method.",
          detail,
        }).toInfo(),
      };
    case 'EMESSAGE': {
      const limit = /larger than allowed (\d+)/.exec(detail)?.[1];
      if (limit) {
        return {
          outcome: 'permanent',
          error: new AppError('SMTP_SIZE', {
            message: `The message is larger than the ${limit} bytes the mail server accepts.`,
            detail,
          }).toInfo(),
        };
      }
      break;
    }
    case 'EENVELOPE':
      return {
        outcome: 'permanent',
        error: new AppError('VALIDATION', {
          message: 'A sender or recipient address is not valid for sending.',
          next: 'Correct the address and send again.',
          detail,
        }).toInfo(),
      };
    case 'EPROTOCOL':
      return { outcome: 'temporary', error: new AppError('SMTP_PROTOCOL', { detail }).toInfo() };
    case 'ESTREAM':
      return {
        outcome: 'temporary',
        error: new AppError('INTERNAL', {
          message: 'The message could not be read from the outbox while sending.',
          next: 'Outbox will try again.',
          retryable: true,
          detail,
        }).toInfo(),
      };
  }
  if (ctx.closedByOutbox) return { outcome: 'temporary', error: info(explainFailure('closed-by-outbox', ctx), { detail }) };
  return {
    outcome: 'temporary',
    error: new AppError('INTERNAL', { retryable: true, detail: `${err.code ?? 'Error'}: ${detail}` }).toInfo(),
  };
}

/** A send the server took: sent to everyone, or partial when some recipients were refused. */
export function classifySuccess(sent: SMTPPoolSentMessageInfo): Classified {
  const reply = typeof sent.response === 'string' ? sent.response : undefined;
  const rejected = sent.rejected ?? [];
  if (!rejected.length) return reply ? { outcome: 'sent', reply } : { outcome: 'sent' };

  const errors = new Map((sent.rejectedErrors ?? []).map((e) => [e.recipient ?? '', e]));
  const recipients: RecipientResult[] = [
    ...(sent.accepted ?? []).map((address): RecipientResult => {
      const r: RecipientResult = { address, accepted: true };
      if (reply) {
        r.reply = reply;
        const code = parseReply(reply)?.code;
        if (code) r.responseCode = code;
      }
      return r;
    }),
    ...rejected.map((address) => {
      const e = errors.get(address);
      return e ? recipientResult(e) : { address, accepted: false };
    }),
  ];
  const result: Classified = { outcome: 'partial', error: someRecipientsError(recipients), recipients };
  if (reply) result.reply = reply;
  return result;
}

const isDeferred = (r: RecipientResult): boolean =>
  !r.accepted && (r.responseCode !== undefined ? r.responseCode < 500 : r.retryable === true);

/** Why some recipients did not get a message the others got: refused for good, or deferred and tried again. */
export function someRecipientsError(recipients: readonly RecipientResult[]): ErrorInfo {
  const notTaken = recipients.filter((r) => !r.accepted);
  const deferred = notTaken.filter(isDeferred);
  const refused = notTaken.length - deferred.length;
  const first = notTaken.find((r) => !isDeferred(r) && r.reply) ?? notTaken.find((r) => r.reply);
  const explanation = explainReply(first?.reply ?? '550', 'rcpt');
  const total = recipients.length;
  const what =
    deferred.length === 0
      ? `refused ${refused} of ${total} recipients`
      : refused === 0
        ? `deferred ${deferred.length} of ${total} recipients`
        : `refused ${refused} and deferred ${deferred.length} of ${total} recipients`;
  return new AppError('SMTP_RECIPIENT', {
    message: `The mail server ${what}; the others received the message. ${explanation.message}`,
    // The outbox tries deferred (4xx) recipients again by themselves, and only them.
    next:
      deferred.length > 0 && refused === 0
        ? 'Nothing to do: Outbox tries the deferred recipients again by itself, and only them.'
        : explanation.next,
    retryable: deferred.length > 0,
    reply: first?.reply,
    responseCode: first?.responseCode,
  }).toInfo();
}
