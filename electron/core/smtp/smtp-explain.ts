// Plain-language explanations and next steps for SMTP replies, network and TLS failures.
// Pure data and lookups: which catalogue code, which outcome, what the user should do.
import type { ErrorCode } from '../../shared/errors';
import type { AttemptOutcome } from '../../shared/message';
import type { Security } from '../../shared/account';

/** Where in the SMTP conversation a reply came. */
export type SmtpStage = 'greeting' | 'ehlo' | 'auth' | 'mail' | 'rcpt' | 'data' | 'message' | 'other';

export interface Explanation {
  code: ErrorCode;
  outcome: Exclude<AttemptOutcome, 'sent' | 'partial'>;
  message: string;
  next: string;
}

export interface ParsedReply {
  code: number;
  /** RFC 3463 enhanced status code, e.g. "5.7.8", when the server sent one. */
  enhanced?: string;
}

const RETRY = 'Nothing to do: Outbox will try again by itself.';
const CHECK_ADDRESS = 'Check the address for typos, then send again to it.';
const CHECK_FROM = "Check that the From address matches the account's address: many servers only let you send as yourself.";
const PORT_25 = 'Many networks block port 25; use 587 (STARTTLS) or 465 (TLS).';

/** The reply code and enhanced status code of a (possibly multi-line) server reply. */
export function parseReply(reply: string): ParsedReply | undefined {
  const m = /^([2-5]\d\d)(?:[ -]([2-5]\.\d{1,3}\.\d{1,3})(?=[\s,;:]|$))?/.exec(reply);
  if (!m) return undefined;
  const parsed: ParsedReply = { code: Number(m[1]) };
  if (m[2]) parsed.enhanced = m[2];
  return parsed;
}

/** RFC 3463 subject.detail → a more specific plain explanation (and sometimes next step). */
const ENHANCED: Record<string, { message: string; next?: string }> = {
  '1.1': { message: 'The recipient address does not exist at that server.', next: CHECK_ADDRESS },
  '1.2': { message: "The recipient's domain does not exist or does not accept mail.", next: CHECK_ADDRESS },
  '1.3': { message: 'The address is not written in a valid form.', next: CHECK_ADDRESS },
  '1.6': {
    message: 'That mailbox has moved and no longer receives mail at this address.',
    next: 'Ask the recipient for their new address.',
  },
  '1.7': { message: "The server does not accept the sender's address.", next: CHECK_FROM },
  '1.8': { message: "The server does not accept the sender's domain.", next: CHECK_FROM },
  '1.10': { message: "The recipient's domain says it does not accept mail.", next: CHECK_ADDRESS },
  '2.1': { message: "The recipient's mailbox is disabled and does not accept mail." },
  '2.2': { message: "The recipient's mailbox is full." },
  '2.3': { message: 'The message is larger than the server or the mailbox accepts.' },
  '3.4': { message: 'The message is larger than the server accepts.' },
  '5.3': { message: 'The message has more recipients than the server accepts at once.' },
  '7.1': {
    message: "The server's policy does not allow this message or recipient (for example relaying is not allowed, or it looks like spam).",
  },
  '7.8': { message: 'The mail server refused the user name or password.' },
  '7.9': { message: 'The mail server wants a stronger sign-in method than the one used.' },
  '7.11': { message: 'The mail server only allows this over an encrypted connection.' },
  '7.13': { message: 'The account is disabled at the mail server.', next: 'Contact your mail provider.' },
  '7.14': { message: 'The mail provider wants you to confirm the sign-in in your web browser, or to use an app password.' },
  '7.25': {
    message: "The receiving server could not verify the sender's domain (reverse DNS).",
    next: "Ask the administrator of your sending domain, or your provider, to fix the domain's DNS records.",
  },
  '7.26': {
    message: "The receiving server could not verify that the message comes from the sender's domain (SPF, DKIM or DMARC).",
    next: "Ask the administrator of your sending domain to set up SPF and DKIM for this server, or send from the provider's own server.",
  },
  '7.27': { message: "The sender's domain says it does not send mail.", next: CHECK_FROM },
};

// Only permanent (5.x.x) enhanced codes refine the text: a 4.7.1 is usually greylisting, not policy,
// and the 4xx explanations already say Outbox retries.
function refine(base: Explanation, parsed: ParsedReply): Explanation {
  if (!parsed.enhanced?.startsWith('5.')) return base;
  const detail = ENHANCED[parsed.enhanced.slice(2)];
  if (!detail) return base;
  const message = detail.message.replace(/\.$/, ` (${parsed.code} ${parsed.enhanced}).`);
  return { ...base, message, next: detail.next ?? base.next };
}

function temporary(message: string, next = RETRY): Explanation {
  return { code: 'SMTP_TEMPORARY', outcome: 'temporary', message, next };
}

function explainTemporary(code: number, stage: SmtpStage): Explanation {
  switch (code) {
    case 421:
      return temporary('The mail server is busy or is closing the connection (421).');
    case 450:
      return temporary(
        stage === 'rcpt' || stage === 'mail'
          ? "The recipient's mailbox is unavailable right now, or the server is greylisting new senders (450)."
          : 'The mail server could not take the message right now (450).',
      );
    case 451:
      return temporary('The mail server hit a local error while handling the message (451).');
    case 452:
      return temporary('The mail server has too many recipients or not enough storage right now (452).');
    case 454:
      return temporary(
        stage === 'auth'
          ? 'The mail server could not check the sign-in right now (454).'
          : 'The mail server could not take the message right now (454).',
      );
    default:
      return temporary(`The mail server could not take the message right now (${code}).`);
  }
}

function explainAuth(code: number): Explanation {
  switch (code) {
    case 530:
      return {
        code: 'SMTP_AUTH',
        outcome: 'auth',
        message: 'The mail server requires signing in before sending (530).',
        next: "Check the account's sign-in settings: user name, password and sign-in method.",
      };
    case 534:
      return {
        code: 'SMTP_AUTH',
        outcome: 'auth',
        message: 'The mail server wants a stronger sign-in (534).',
        next: "Some providers, Gmail among them, require an app password or OAuth: create an app password in your provider's security settings and enter it as the password.",
      };
    case 535:
      return {
        code: 'SMTP_AUTH',
        outcome: 'auth',
        message: 'The mail server refused the user name or password (535).',
        next: 'Check the user name and password in the account settings. If the account has two-step sign-in, create an app password and use that.',
      };
    case 538:
      return {
        code: 'SMTP_AUTH',
        outcome: 'auth',
        message: 'The mail server only allows signing in over an encrypted connection (538).',
        next: 'Set the security to STARTTLS or TLS in the account settings.',
      };
    default:
      return {
        code: 'SMTP_AUTH',
        outcome: 'auth',
        message: `The mail server does not offer the sign-in Outbox tried (${code}).`,
        next: 'Set the sign-in method to Automatic, and check the server name and port with your provider.',
      };
  }
}

function permanent(code: ErrorCode, message: string, next: string): Explanation {
  return { code, outcome: 'permanent', message, next };
}

function explainPermanent(code: number, stage: SmtpStage): Explanation {
  const recipientStage = stage === 'rcpt';
  switch (code) {
    case 550:
      if (recipientStage)
        return permanent(
          'SMTP_RECIPIENT',
          'The mail server refused this recipient: the mailbox does not exist or is unavailable (550).',
          CHECK_ADDRESS,
        );
      if (stage === 'mail') return permanent('SMTP_REJECTED', 'The mail server refused the sender address (550).', CHECK_FROM);
      return permanent(
        'SMTP_REJECTED',
        'The mail server refused the message (550).',
        "The server's reply says why: change the message or contact the recipient's mail administrator.",
      );
    case 551:
      return permanent('SMTP_RECIPIENT', 'The recipient is not handled by this server (551).', CHECK_ADDRESS);
    case 552:
      return permanent(
        'SMTP_SIZE',
        'The message is too big for the server, or the mailbox storage is exceeded (552).',
        'Remove or shrink attachments, or share large files by link.',
      );
    case 553:
      if (recipientStage) return permanent('SMTP_RECIPIENT', 'The mail server does not allow this mailbox name (553).', CHECK_ADDRESS);
      return permanent('SMTP_REJECTED', 'The mail server does not allow this sender address (553).', CHECK_FROM);
    case 554:
      return permanent(
        recipientStage ? 'SMTP_RECIPIENT' : 'SMTP_REJECTED',
        'The mail server rejected the transaction, for example as spam or by policy (554).',
        "The server's reply says why: change the message, or contact the recipient's mail administrator.",
      );
    case 500:
    case 501:
    case 502:
    case 504:
      return permanent(
        'SMTP_PROTOCOL',
        `The mail server did not accept a command Outbox sent (${code}).`,
        "Check the server name and port; if they are right, report this with the server's reply.",
      );
    default:
      return permanent(
        recipientStage ? 'SMTP_RECIPIENT' : 'SMTP_REJECTED',
        `The mail server refused the message (${code}).`,
        "The server's reply says why: change the message or contact the server's administrator.",
      );
  }
}

/** What a server's error reply means at a given stage. */
export function explainReply(reply: string, stage: SmtpStage): Explanation {
  const parsed = parseReply(reply);
  if (!parsed || parsed.code < 400) {
    return {
      code: 'SMTP_PROTOCOL',
      outcome: 'temporary',
      message: 'The mail server answered in a way Outbox did not expect.',
      next: 'Outbox will try again; if this keeps happening, check the server name and port.',
    };
  }
  const { code } = parsed;
  let base: Explanation;
  if (code === 503)
    base = {
      code: 'SMTP_PROTOCOL',
      outcome: 'temporary',
      message: 'The mail server did not expect that command at this point (503).',
      next: RETRY,
    };
  else if (code < 500) base = explainTemporary(code, stage);
  else if ([530, 534, 535, 538].includes(code) || stage === 'auth') base = explainAuth(code);
  else base = explainPermanent(code, stage);
  return refine(base, parsed);
}

/** Failures that come without a server reply. */
export type FailureKind =
  | 'refused'
  | 'timeout-connect'
  | 'timeout-greeting'
  | 'timeout-socket'
  | 'timeout-tls'
  | 'dns'
  | 'offline'
  | 'dropped'
  | 'tls-untrusted'
  | 'tls-expired'
  | 'tls-hostname'
  | 'tls-wrong-mode'
  | 'tls-starttls-unavailable'
  | 'tls-other'
  | 'insecure-refused'
  | 'closed-by-outbox';

export interface ServerContext {
  host: string;
  port: number;
  security: Security;
}

export function explainFailure(kind: FailureKind, ctx: ServerContext): Explanation {
  const where = `${ctx.host}:${ctx.port}`;
  const port25 = ctx.port === 25 ? ` ${PORT_25}` : '';
  const tls = (message: string, next: string): Explanation => ({ code: 'SMTP_TLS', outcome: 'permanent', message, next });
  switch (kind) {
    case 'refused':
      return {
        code: 'NETWORK_REFUSED',
        outcome: 'temporary',
        message: `The mail server at ${where} refused the connection.`,
        next: `Check the server name and port.${port25 || ' Outbox will try again.'}`,
      };
    case 'timeout-connect':
      return {
        code: 'NETWORK_TIMEOUT',
        outcome: 'temporary',
        message: `Connecting to ${where} timed out.`,
        next: `Outbox will try again.${port25 || ' If it keeps timing out, the port may be blocked by your network: try 587 or 465.'}`,
      };
    case 'timeout-greeting':
      return {
        code: 'NETWORK_TIMEOUT',
        outcome: 'temporary',
        message: `The server at ${where} accepted the connection but never greeted.`,
        next: 'Outbox will try again. If it keeps happening, check the port and security setting (465 uses TLS, 587 uses STARTTLS).',
      };
    case 'timeout-socket':
      return { code: 'NETWORK_TIMEOUT', outcome: 'temporary', message: `The mail server at ${where} stopped answering.`, next: RETRY };
    case 'timeout-tls':
      return {
        code: 'NETWORK_TIMEOUT',
        outcome: 'temporary',
        message: `Setting up encryption with ${where} timed out.`,
        next: 'Outbox will try again. If it keeps happening, check the security setting (465 uses TLS, 587 uses STARTTLS).',
      };
    case 'dns':
      return {
        code: 'NETWORK_DNS',
        outcome: 'temporary',
        message: `The mail server name "${ctx.host}" could not be found.`,
        next: 'Check the server name in the account settings, and your internet connection.',
      };
    case 'offline':
      return {
        code: 'NETWORK_OFFLINE',
        outcome: 'temporary',
        message: `The network path to ${where} is unavailable.`,
        next: 'Nothing to do: queued mail leaves by itself when the connection returns.',
      };
    case 'dropped':
      return { code: 'NETWORK_DROPPED', outcome: 'temporary', message: `The connection to ${where} was lost while sending.`, next: RETRY };
    case 'closed-by-outbox':
      return {
        code: 'NETWORK_DROPPED',
        outcome: 'temporary',
        message: 'Sending stopped because Outbox closed the connection (the account changed or Outbox is shutting down).',
        next: RETRY,
      };
    case 'tls-untrusted':
      return tls(
        `The certificate of ${where} is not trusted: it is self-signed or issued by an unknown authority.`,
        'Check the server name: it must be the exact name your provider gives. Outbox never skips certificate checks; a server with a self-signed certificate cannot be used until it has a trusted one.',
      );
    case 'tls-expired':
      return tls(
        `The certificate of ${where} has expired or is not valid yet.`,
        "Check this computer's date and time; if they are right, tell the server's administrator the certificate has expired.",
      );
    case 'tls-hostname':
      return tls(
        `The certificate of ${where} is for a different server name.`,
        'Use the exact server name your provider gives (for example smtp.provider.com rather than an alias or IP address).',
      );
    case 'tls-wrong-mode':
      return ctx.security === 'tls'
        ? tls(
            `The server at ${where} does not speak TLS from the start: it expects STARTTLS.`,
            'Set the security to STARTTLS (usual for port 587), or use port 465 with TLS.',
          )
        : tls(
            `The server at ${where} expects TLS from the start.`,
            'Set the security to TLS (usual for port 465), or use port 587 with STARTTLS.',
          );
    case 'tls-starttls-unavailable':
      return tls(
        `The server at ${where} does not offer encryption (STARTTLS), so Outbox did not sign in or send.`,
        'Check the port and security setting: use port 465 with TLS, or ask your provider for a server that supports STARTTLS. Outbox never sends your password unencrypted.',
      );
    case 'tls-other':
      return tls(
        `A secure (TLS) connection to ${where} could not be set up.`,
        'Check the server name, port and security setting; Outbox never falls back to an unencrypted connection by itself.',
      );
    case 'insecure-refused':
      return tls(
        'The account is set to connect without encryption, which Outbox refuses unless you explicitly allow it.',
        'Choose STARTTLS or TLS in the account settings, or explicitly allow an unencrypted connection for this account.',
      );
  }
}
