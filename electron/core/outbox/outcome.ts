// What one attempt's result does to a message and to each of its recipients: delivered and refused
// recipients are done, deferred ones wait on their own backoff (and fail for good once the lifetime is
// over); the message is sent once nobody is left to try, held for its account, or not counted while offline.
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { MessageState, RecipientResult, RecipientStatus } from '../../shared/message';
import { isOpenRecipient } from '../../shared/message-states';
import type { SendResult } from '../ports';
import { explainReply } from '../smtp/smtp-explain';
import { retryDelay } from './backoff';
import { providerWait } from './pacing';
import { recipientsOf, type MessageRecord } from './record';
import * as transition from './transitions';

export type Verdict = 'offline' | 'sent' | 'retry' | 'failed' | 'auth';

export interface OutcomeContext {
  startedAt: number;
  now: number;
  /** The state before the attempt (queued or scheduled). */
  previousState: MessageState;
  lifetimeMs: number;
  online: boolean;
  random?: () => number;
  /** The attempt's envelope recipients; default: every recipient still open. */
  sentTo?: readonly string[];
}

type Fate = 'delivered' | 'deferred' | 'refused' | 'failed';

/** What became of one recipient: its own reply decides, else the attempt as a whole. */
function fateOf(answer: RecipientResult | undefined, result: SendResult): Fate {
  if (answer) {
    if (answer.accepted) return 'delivered';
    const code = answer.responseCode;
    if (code !== undefined && code >= 500) return 'refused';
    if (code !== undefined && code >= 400) return 'deferred';
    if (answer.retryable !== undefined) return answer.retryable ? 'deferred' : 'refused';
    return result.outcome === 'permanent' ? 'refused' : 'deferred';
  }
  switch (result.outcome) {
    case 'sent':
      return 'delivered';
    case 'partial':
      // The server answered per recipient and this one is not among them: try it again rather than assume.
      return result.recipients ? 'deferred' : 'delivered';
    case 'permanent':
      // Refused as a whole by the server (554 at DATA, too big), or never offered (no account): failed.
      return result.error?.responseCode ? 'refused' : 'failed';
    default:
      return 'deferred';
  }
}

/** Applies `result` to `record` (state, recipients, attempts, error, next try) and says what follows. */
export function recordOutcome(record: MessageRecord, result: SendResult, ctx: OutcomeContext): Verdict {
  const networkClass = result.error?.code.startsWith('NETWORK_') ?? false;
  if (result.outcome === 'temporary' && networkClass && !ctx.online) {
    // Went offline mid-attempt: not the server's fault and not an attempt; wait for the network.
    transition.returnFromAttempt(record, ctx.previousState);
    return 'offline';
  }
  record.attempts.push({ at: new Date(ctx.startedAt).toISOString(), durationMs: ctx.now - ctx.startedAt, ...result });
  if (result.outcome === 'auth') {
    transition.returnFromAttempt(record, ctx.previousState);
    record.lastError = result.error;
    return 'auth';
  }

  const recipients = recipientsOf(record);
  const targets = new Set(ctx.sentTo ?? recipients.filter((r) => isOpenRecipient(r.state)).map((r) => r.address));
  const answers = new Map((result.recipients ?? []).map((r) => [r.address, r]));
  const at = new Date(ctx.now).toISOString();
  const deferred: RecipientStatus[] = [];
  for (const r of recipients) {
    if (!targets.has(r.address) || !isOpenRecipient(r.state)) continue;
    const answer = answers.get(r.address);
    const fate = fateOf(answer, result);
    const reply = answer?.reply ?? (fate === 'delivered' ? result.reply : result.error?.reply);
    const code = answer?.responseCode ?? (answer ? undefined : fate === 'delivered' ? undefined : result.error?.responseCode);
    // Deleting only what is there: a delete changes the object's shape, and this runs per recipient per message.
    if (reply) r.reply = reply;
    else if (r.reply !== undefined) delete r.reply;
    if (code) r.responseCode = code;
    else if (r.responseCode !== undefined) delete r.responseCode;
    r.state = fate;
    if (r.nextAttemptAt !== undefined) delete r.nextAttemptAt;
    if (fate === 'deferred') {
      r.deferrals = (r.deferrals ?? 0) + 1;
      deferred.push(r);
    } else {
      r.at = at;
    }
  }

  if (!recipients.some((r) => isOpenRecipient(r.state))) return finish(record, ctx.now, result.error);

  record.firstAttemptAt ??= new Date(ctx.startedAt).toISOString();
  // The provider (or the pacing) asked to wait: the message waits until then and the lifetime does not run.
  if (result.throttle) {
    transition.awaitRetry(record, ctx.previousState, providerWait(record, result.throttle, ctx.now, deferred), result.error);
    return 'retry';
  }
  if (ctx.now - Date.parse(record.firstAttemptAt) >= ctx.lifetimeMs) {
    // The lifetime is over for those still deferred: they fail for good, those delivered stay delivered.
    const last = deferred.find((r) => r.reply) ?? recipients.find((r) => isOpenRecipient(r.state) && r.reply);
    const reply = result.error?.reply ?? last?.reply;
    const responseCode = result.error?.responseCode ?? last?.responseCode;
    transition.giveUpOpenRecipients(record, ctx.now);
    const delivered = recipients.filter((r) => r.state === 'delivered').length;
    const expired = new AppError('LIFETIME_EXPIRED', {
      ...(delivered > 0
        ? {
            message: `${delivered} of ${recipients.length} recipients received the message; the mail server kept refusing the others for too long, so Outbox stopped trying.`,
          }
        : {}),
      ...(reply ? { reply } : {}),
      ...(responseCode ? { responseCode } : {}),
      ...(result.error ? { detail: result.error.message } : {}),
    }).toInfo();
    return finish(record, ctx.now, expired, expired);
  }

  // Each deferred recipient waits on its own backoff; the message goes at the earliest of their times.
  const u = (ctx.random ?? Math.random)();
  for (const r of deferred) r.nextAttemptAt = new Date(ctx.now + retryDelay(r.deferrals ?? 1, () => u)).toISOString();
  const times = recipients.filter((r) => isOpenRecipient(r.state) && r.nextAttemptAt).map((r) => r.nextAttemptAt!);
  const next = times.length > 0 ? times.reduce((a, b) => (a < b ? a : b)) : undefined;
  transition.awaitRetry(record, ctx.previousState, next, waitingExplanation(recipients, result.error));
  return 'retry';
}

/** Nobody is left to try: sent when someone got it (with the refusals in view), else failed. */
function finish(record: MessageRecord, now: number, error: ErrorInfo | undefined, override?: ErrorInfo): Verdict {
  const recipients = recipientsOf(record);
  if (recipients.some((r) => r.state === 'delivered')) {
    transition.markSent(record, now, override ?? refusedExplanation(recipients, error));
    return 'sent';
  }
  transition.markFailed(record, override ?? error ?? refusedExplanation(recipients, undefined));
  return 'failed';
}

/** Why some recipients did not get a message the others got. */
function refusedExplanation(recipients: readonly RecipientStatus[], error: ErrorInfo | undefined): ErrorInfo | undefined {
  const refused = recipients.filter((r) => r.state === 'refused' || r.state === 'failed');
  if (refused.length === 0) return undefined;
  const first = refused.find((r) => r.reply);
  if (!first?.reply) return error;
  const explanation = explainReply(first.reply, 'rcpt');
  const others = recipients.some((r) => r.state === 'delivered') ? '; the others received the message' : '';
  return new AppError('SMTP_RECIPIENT', {
    message: `The mail server refused ${refused.length} of ${recipients.length} recipients${others}. ${explanation.message}`,
    next: explanation.next,
    reply: first.reply,
    ...(first.responseCode ? { responseCode: first.responseCode } : {}),
  }).toInfo();
}

/** Why a message still waits: the whole attempt failed for now, or some recipients were deferred. */
function waitingExplanation(recipients: readonly RecipientStatus[], error: ErrorInfo | undefined): ErrorInfo | undefined {
  const delivered = recipients.filter((r) => r.state === 'delivered').length;
  const waiting = recipients.filter((r) => isOpenRecipient(r.state));
  if (delivered === 0 && error?.code !== 'SMTP_RECIPIENT') return error;
  const first = waiting.find((r) => r.reply);
  const reply = first?.reply ?? error?.reply;
  const because = reply ? ` ${explainReply(reply, 'rcpt').message}` : '';
  return new AppError('SMTP_TEMPORARY', {
    message: `The mail server deferred ${waiting.length} of ${recipients.length} recipients${delivered > 0 ? `; ${delivered} received the message` : ''}.${because}`,
    next: 'Nothing to do: Outbox tries the deferred recipients again by itself, and only them.',
    ...(reply ? { reply } : {}),
    ...(first?.responseCode ? { responseCode: first.responseCode } : error?.responseCode ? { responseCode: error.responseCode } : {}),
  }).toInfo();
}
