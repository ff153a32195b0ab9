// What one attempt's result does to a message: sent, retried later with backoff, failed for good (with
// the server's last reply once the lifetime is over), held for its account, or not counted while offline.
import { AppError } from '../../shared/errors';
import type { MessageState } from '../../shared/message';
import type { SendResult } from '../ports';
import { retryDelay } from './backoff';
import type { MessageRecord } from './record';

export type Verdict = 'offline' | 'sent' | 'retry' | 'failed' | 'auth';

export interface OutcomeContext {
  startedAt: number;
  now: number;
  /** The state before the attempt (queued or scheduled). */
  previousState: MessageState;
  lifetimeMs: number;
  online: boolean;
  random?: () => number;
}

/** Applies `result` to `record` (state, attempts, error, next try) and says what follows. */
export function recordOutcome(record: MessageRecord, result: SendResult, ctx: OutcomeContext): Verdict {
  const networkClass = result.error?.code.startsWith('NETWORK_') ?? false;
  if (result.outcome === 'temporary' && networkClass && !ctx.online) {
    // Went offline mid-attempt: not the server's fault and not an attempt; wait for the network.
    record.state = ctx.previousState;
    return 'offline';
  }
  record.attempts.push({ at: new Date(ctx.startedAt).toISOString(), durationMs: ctx.now - ctx.startedAt, ...result });
  switch (result.outcome) {
    case 'sent':
    case 'partial':
      record.state = 'sent';
      record.sentAt = new Date(ctx.now).toISOString();
      record.location = 'sent';
      delete record.nextAttemptAt;
      // A partial send keeps the refused recipients' explanation in view.
      if (result.outcome === 'partial' && result.error) record.lastError = result.error;
      else delete record.lastError;
      return 'sent';
    case 'temporary': {
      record.firstAttemptAt ??= new Date(ctx.startedAt).toISOString();
      record.lastError = result.error;
      if (ctx.now - Date.parse(record.firstAttemptAt) >= ctx.lifetimeMs) {
        record.state = 'failed';
        delete record.nextAttemptAt;
        record.lastError = new AppError('LIFETIME_EXPIRED', {
          ...(result.error?.reply ? { reply: result.error.reply } : {}),
          ...(result.error?.responseCode ? { responseCode: result.error.responseCode } : {}),
          ...(result.error ? { detail: result.error.message } : {}),
        }).toInfo();
        return 'failed';
      }
      const failures = record.attempts.filter((a) => a && a.outcome === 'temporary').length;
      record.state = ctx.previousState === 'scheduled' ? 'scheduled' : 'queued';
      record.nextAttemptAt = new Date(ctx.now + retryDelay(failures, ctx.random)).toISOString();
      return 'retry';
    }
    case 'auth':
      record.state = ctx.previousState;
      record.lastError = result.error;
      return 'auth';
    default:
      record.state = 'failed';
      delete record.nextAttemptAt;
      record.lastError = result.error;
      return 'failed';
  }
}
