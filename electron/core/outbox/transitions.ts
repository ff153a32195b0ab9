// The user's commands as state changes on a message record: each checks that the message is in a
// state that allows it and says why not in plain words. The engine does the writing and the events.
import { AppError } from '../../shared/errors';
import { WAITING } from './due-queue';
import type { MessageRecord } from './record';

function refuse(message: string): never {
  throw new AppError('MESSAGE_STATE', { message });
}

/** Send now: a message the user held goes back to the queue; backoff and schedule are skipped. */
export function prepareSendNow(record: MessageRecord): boolean {
  let changed = false;
  if (record.state === 'held' && record.holdReason === 'user') {
    record.state = 'queued';
    delete record.holdReason;
    changed = true;
  }
  if (!WAITING.includes(record.state) && record.state !== 'sending') refuse(`The message is ${record.state}; only waiting messages can be sent now.`);
  delete record.nextAttemptAt;
  return changed;
}

/** Retry: a failed or held message starts over, with a fresh lifetime. */
export function retry(record: MessageRecord, now: number): void {
  if (record.state !== 'failed' && record.state !== 'held' && !WAITING.includes(record.state)) {
    refuse(`The message is ${record.state}; only failed, held or waiting messages can be retried.`);
  }
  record.state = record.scheduledAt && Date.parse(record.scheduledAt) > now ? 'scheduled' : 'queued';
  delete record.holdReason;
  delete record.nextAttemptAt;
  delete record.firstAttemptAt;
}

export function hold(record: MessageRecord): void {
  if (!WAITING.includes(record.state)) refuse(`The message is ${record.state}; only waiting messages can be held.`);
  record.state = 'held';
  record.holdReason = 'user';
}

export function cancel(record: MessageRecord, sendingNow: boolean): void {
  if (sendingNow) refuse('The message is being sent right now and can no longer be cancelled.');
  if (record.state === 'sent' || record.state === 'failed') refuse(`The message is already ${record.state}.`);
  record.state = 'failed';
  delete record.holdReason;
  delete record.nextAttemptAt;
  record.lastError = new AppError('CANCELLED').toInfo();
}

/** The account can sign in again: a message held for it goes back to the queue. */
export function releaseAccountHold(record: MessageRecord, accountId: string): boolean {
  if (record.accountId !== accountId || record.state !== 'held' || record.holdReason !== 'account') return false;
  record.state = 'queued';
  delete record.holdReason;
  delete record.nextAttemptAt;
  return true;
}
