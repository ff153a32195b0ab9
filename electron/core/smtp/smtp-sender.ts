// The SMTP sender: one pooled nodemailer transport per account, reused across messages, sending the
// spool's exact bytes and returning each attempt's outcome, explained error and redacted transcript.
import nodemailer from 'nodemailer';
import type { Mail, SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer';
import type MailMessage from 'nodemailer/lib/mailer/mail-message';
import type { Readable } from 'node:stream';
import type tls from 'node:tls';
import { AppError, toErrorInfo } from '../../shared/errors';
import { isOAuthError } from '../oauth/oauth-error';
import { silentLogger, type Credentials, type Logger, type MessageSender, type SendRequest, type SendResult } from '../ports';
import { classifyError, classifySuccess, type Classified, type ClassifyContext } from './smtp-classify';
import { mergeTransactions, overflowOf } from './smtp-recipients';
import { explainFailure } from './smtp-explain';
import {
  DESKTOP_TIMEOUTS,
  poolKey,
  poolOptions,
  poolSettings,
  refusesPlaintext,
  secretForms,
  type PoolSettings,
  type SmtpTimeouts,
} from './smtp-options';
import { redactDeep, TranscriptRecorder } from './smtp-transcript';
import { withProgress } from './progress-stream';
import { connectionOffersSmtpUtf8, restoreQueuedForm, smtpUtf8Refusal, wireEnvelope } from './smtputf8-guard';
import { named } from '../logging';

export interface SmtpSenderOptions {
  logger?: Logger;
  /** Defaults: connection and greeting 15 s, socket inactivity 60 s. */
  timeouts?: Partial<SmtpTimeouts>;
  /** Connections per account. Default 5. */
  maxConnections?: number;
  /**
   * Extra TLS options, e.g. `ca` (which replaces Node's trusted roots: pass `[...tls.rootCertificates, privateCa]`
   * to add one). Certificate verification stays on whatever they say.
   */
  tls?: tls.ConnectionOptions;
}

interface Pool {
  /** poolSettings() of the account when the pool was made (it holds the password, as nodemailer's options do). */
  settings: string;
  /** The account id and a hash of the settings, for logs. */
  key: string;
  accountId: string;
  mail: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;
  recorder: TranscriptRecorder;
  /** Set when Outbox closed the pool: failures after that are ours, not the server's. */
  closed: boolean;
  /** Sends not settled yet. */
  sending: number;
}

function notConnected(kind: 'closed-by-outbox' | 'insecure-refused', ctx: ClassifyContext, line: string): SendResult {
  const e = explainFailure(kind, ctx);
  return {
    outcome: e.outcome,
    error: new AppError(e.code, { message: e.message, next: e.next, retryable: e.outcome === 'temporary' }).toInfo(),
    transcript: [line],
  };
}

/** The classified result with its transcript, added to the object itself rather than to a spread copy (see deliver). */
function withTranscript(classified: Classified, transcript: string[]): SendResult {
  const result = classified as SendResult;
  result.transcript = transcript;
  return result;
}

/**
 * Hands the message straight to the pool transport: nodemailer's transport contract (a `data` object and
 * a `message` with getEnvelope, messageId and createReadStream). Mail.sendMail would first run its
 * plugin and MIME-compile steps, which do nothing for bytes that are already final but cost CPU on
 * every message of a large flush.
 */
function deliver(
  mail: Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>,
  request: SendRequest,
  messageId: string,
): Promise<SMTPPoolSentMessageInfo> {
  // size lets a server with SIZE refuse a too-large message before it is uploaded; BODY=8BITMIME
  // is only sent to servers that offer it and is harmless for 7-bit content.
  // Domains go as A-labels; a non-ASCII local part only to a connection that offered SMTPUTF8 (smtputf8-guard.ts).
  const wire = wireEnvelope(request.envelope);
  // Each call answers a new object written out as a literal, never a spread copy: nodemailer adds its own
  // fields to it, and V8 (Node 20) gives every spread copy that gains a field a map of its own, which turns each
  // of nodemailer's reads of it into a slow lookup (about 16 per message before this).
  const envelope = (to: string[]) => ({ from: wire.from, to, size: request.size, use8BitMime: true });
  let refusedUtf8 = false;
  let stream: Readable | undefined;
  const message = {
    getEnvelope: () => {
      if (wire.needsSmtpUtf8 && !connectionOffersSmtpUtf8(mail, message)) {
        // No recipients: nodemailer fails the send (EENVELOPE) before MAIL FROM and keeps the connection.
        refusedUtf8 = true;
        return envelope([]);
      }
      return envelope([...wire.to]);
    },
    // Never written to the wire (the raw bytes are sent as they are): it names this send in the pool's log.
    messageId: () => messageId,
    // The pool reads the Message-ID header for its log lines; the duck-typed node answers that one.
    getHeader: (name: string) => (name.toLowerCase() === 'message-id' ? messageId : undefined),
    // A requeue (after a pooled connection closed before a byte was sent) asks again: same unread stream.
    createReadStream: () => {
      if (!stream) {
        const source = request.openMessage();
        stream = request.onProgress ? withProgress(source, request.onProgress) : source;
      }
      return stream;
    },
  };
  return new Promise((resolve, reject) => {
    mail.transporter.send({ data: {}, message } as unknown as MailMessage<SMTPPoolSentMessageInfo>, (error, info) => {
      if (error) {
        // A message refused before its body was read leaves the stream unread: release its file.
        if (stream && !stream.readableEnded) stream.destroy();
        restoreQueuedForm(error, wire.original);
        reject(refusedUtf8 ? smtpUtf8Refusal(request.account.smtp.host) : error);
      } else {
        restoreQueuedForm(info, wire.original);
        resolve(info as SMTPPoolSentMessageInfo);
      }
    });
  });
}

/** The recipients in transactions of at most `max` each (all in one without a limit). */
export function recipientBatches(to: readonly string[], max: number | undefined): string[][] {
  if (!max || max < 1 || to.length <= max) return [[...to]];
  const batches: string[][] = [];
  for (let i = 0; i < to.length; i += max) batches.push(to.slice(i, i + max));
  return batches;
}

/** No recipient answered one by one and none accepted: the transaction failed before or after its RCPTs as a whole. */
function failedWhole(result: SendResult): boolean {
  return result.outcome !== 'sent' && result.outcome !== 'partial' && !(result.recipients && result.recipients.length > 0);
}

export class SmtpSender implements MessageSender {
  private readonly logger: Logger;
  private readonly settings: PoolSettings;
  private readonly pools = new Map<string, Pool>();
  /** Pools replaced or reset while they may still be delivering; close() forces them shut. */
  private readonly retiring = new Set<Pool>();
  private readonly inFlight = new Set<Promise<SendResult>>();
  private closed = false;
  /** Each login's secret forms, for as long as its credentials object lives (formsOf). */
  private readonly secretForms = new WeakMap<Credentials, { user: string; secret: string; forms: string[] }>();

  constructor(options: SmtpSenderOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.settings = {
      maxConnections: options.maxConnections ?? 5,
      timeouts: { ...DESKTOP_TIMEOUTS, ...options.timeouts },
      tls: options.tls,
    };
  }

  send(request: SendRequest): Promise<SendResult> {
    // No form of the password or token leaves in a reply, an explanation or a transcript line, whatever the server echoed.
    const forms = this.formsOf(request);
    const sending = this.sendWithRefresh(request).then((result) => redactDeep(result, forms));
    this.inFlight.add(sending);
    void sending.finally(() => this.inFlight.delete(sending));
    return sending;
  }

  /**
   * Every form of the request's secret (the password, its base64 and SASL encodings, the token), worked out once
   * per login: a burst sends hundreds of messages with the same credentials object.
   */
  private formsOf(request: SendRequest): string[] {
    const { credentials } = request;
    if (!credentials) return [];
    const user = credentials.user || request.account.smtp.user;
    // Checked against the secret too, in case a credentials object is ever updated in place.
    const secret = credentials.kind === 'oauth2' ? credentials.accessToken : credentials.password;
    const known = this.secretForms.get(credentials);
    if (known?.user === user && known.secret === secret) return known.forms;
    const forms = secretForms({ ...credentials, user });
    this.secretForms.set(credentials, { user, secret, forms });
    return forms;
  }

  reset(accountId?: string): void {
    for (const pool of this.pools.values()) {
      if (accountId === undefined || pool.accountId === accountId) this.retire(pool, false);
    }
  }

  /** Closes every connection, including ones mid-delivery (the engine waited for those already), and waits for the sends to settle. */
  async close(): Promise<void> {
    this.closed = true;
    for (const pool of [...this.pools.values(), ...this.retiring]) this.retire(pool, true);
    this.retiring.clear();
    await Promise.allSettled(this.inFlight);
  }

  /**
   * An OAuth2 account whose token the server refused gets one forced refresh and one more try, on a new
   * pool (the token is part of the pool's settings). A refused refresh is the grant gone: 'auth' with
   * OAUTH_REFRESH_REVOKED, so the engine holds the account; a failing token endpoint is temporary.
   */
  private async sendWithRefresh(request: SendRequest): Promise<SendResult> {
    const first = await this.sendOnce(request);
    const { credentials } = request;
    if (first.outcome !== 'auth' || credentials?.kind !== 'oauth2' || !credentials.refresh) return first;
    let accessToken: string;
    try {
      accessToken = await credentials.refresh();
    } catch (error) {
      const info = toErrorInfo(error);
      const revoked = isOAuthError(error, 'needs-sign-in');
      named(this.logger, 'smtp').warn(
        `${request.account.id}: the server refused the access token and it could not be refreshed (${info.code})`,
      );
      return { outcome: revoked ? 'auth' : info.retryable ? 'temporary' : 'permanent', error: info, transcript: first.transcript };
    }
    // The store hands back the token it just obtained instead of asking again: a retry would change nothing.
    if (accessToken === credentials.accessToken) return first;
    named(this.logger, 'smtp').info(`${request.account.id}: retrying once with a refreshed access token`);
    const refreshed = { kind: 'oauth2', user: credentials.user, accessToken } as const;
    const second = redactDeep(await this.sendOnce({ ...request, credentials: refreshed }), secretForms(refreshed));
    return { ...second, transcript: [...first.transcript, ...second.transcript] };
  }

  private async sendOnce(request: SendRequest): Promise<SendResult> {
    const { account } = request;
    const ctx: ClassifyContext = {
      host: account.smtp.host,
      port: account.smtp.port,
      security: account.smtp.security,
      passwordSignIn: request.credentials?.kind === 'password',
    };
    if (this.closed) return notConnected('closed-by-outbox', ctx, '* Not connected: the sender is closed.');
    if (refusesPlaintext(account)) {
      named(this.logger, 'smtp').warn(`${account.id}: refused to connect to ${ctx.host}:${ctx.port} without encryption`);
      return notConnected(
        'insecure-refused',
        ctx,
        '* Not connected: the account asks for an unencrypted connection but does not allow one.',
      );
    }

    const pool = this.poolFor(request);
    const all = request.envelope.to;
    // More recipients than the provider takes in one message: several transactions of the same bytes, each
    // of at most that many. Recipients a server refused as too many for one transaction go in the next one,
    // at once, same bytes.
    const batches = recipientBatches(all, request.recipientsPerMessage);
    const parts: { to: string[]; result: SendResult }[] = [];
    for (const batch of batches) {
      let to = batch;
      let last: SendResult;
      do {
        last = await this.transaction(
          pool,
          parts.length === 0 && batches.length === 1 ? request : { ...request, envelope: { ...request.envelope, to } },
          ctx,
        );
        parts.push({ to, result: last });
        to = overflowOf(last, to);
      } while (to.length > 0);
      if (batches.length === 1 || !failedWhole(last)) continue;
      // The transaction failed as a whole (connection, sign-in, a throttle, the data refused): nothing of this
      // batch went, and the batches after it are not tried. Before any went, the attempt is that failure.
      if (parts.length === 1) return last;
      // After some went, the others wait for the next try (a deferral, whatever the code: the message itself was
      // taken by this server a moment ago), and a provider's "wait" still applies to them.
      parts[parts.length - 1] = { to: [], result: last };
      const merged = mergeTransactions(parts, all);
      return last.throttle ? { ...merged, throttle: last.throttle } : merged;
    }
    return mergeTransactions(parts, all);
  }

  private async transaction(pool: Pool, request: SendRequest, ctx: ClassifyContext): Promise<SendResult> {
    const { account } = request;
    const transcript = pool.recorder.begin();
    pool.sending++;
    try {
      const sent = await deliver(pool.mail, request, transcript.messageId);
      const result: SendResult = withTranscript(classifySuccess(sent), pool.recorder.finish(transcript));
      if (result.outcome === 'partial')
        named(this.logger, 'smtp').warn(`${account.id}: some recipients refused (${result.error?.responseCode ?? '?'})`);
      return result;
    } catch (error) {
      const lines = pool.recorder.finish(transcript, error);
      const result: SendResult = withTranscript(classifyError(error, { ...ctx, closedByOutbox: pool.closed }), lines);
      named(this.logger, 'smtp').warn(
        `${account.id}: ${result.outcome}, ${result.error?.code}${result.error?.responseCode ? ` ${result.error.responseCode}` : ''}`,
      );
      return result;
    } finally {
      if (--pool.sending === 0 && pool.closed) this.retiring.delete(pool);
    }
  }

  private poolFor(request: SendRequest): Pool {
    const { account, credentials } = request;
    const connections = request.maxConnections ?? this.settings.maxConnections;
    // A new connection limit (the provider asked for fewer) means a new pool; the old one finishes its sends.
    const settings = `${poolSettings(account, credentials)}|${connections}`;
    const existing = this.pools.get(account.id);
    if (existing?.settings === settings) return existing;
    if (existing) this.retire(existing, false);
    const key = poolKey(account.id, settings);

    const user = credentials ? credentials.user || account.smtp.user : '';
    const recorder = new TranscriptRecorder(secretForms(credentials ? { ...credentials, user } : null));
    const mail = nodemailer.createTransport(
      poolOptions(account, credentials, { ...this.settings, maxConnections: connections }, recorder.logger),
    );
    mail.on('error', (err: Error) => named(this.logger, 'smtp').warn(`${account.id}: transport error: ${err.message}`));
    const pool: Pool = { settings, key, accountId: account.id, mail, recorder, closed: false, sending: 0 };
    this.pools.set(account.id, pool);
    named(this.logger, 'smtp').info(`${key}: new connection pool for ${account.smtp.host}:${account.smtp.port} (${account.smtp.security})`);
    return pool;
  }

  /** Graceful: deliveries in progress finish, queued ones fail as temporary. Forced: those in progress fail too. */
  private retire(pool: Pool, force: boolean): void {
    if (this.pools.get(pool.accountId) === pool) this.pools.delete(pool.accountId);
    pool.closed = true;
    if (!force && pool.sending > 0) this.retiring.add(pool);
    pool.mail.close({ force });
  }
}
