// Every change of a message's state, and the only code that writes one: the user's commands (each checked
// against shared/message-states' table, with the reason in plain words) and the engine's own moves.
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { MessageState } from '../../shared/message';
import { allows, isOpenRecipient, isWaiting, type MessageAction } from '../../shared/message-states';
import { recipientsOf, type MessageRecord } from './record';

function refuse(message: string): never {
  throw new AppError('MESSAGE_STATE', { message });
}

const ACTION_WORDS: Readonly<Record<MessageAction, string>> = {
  sendNow: 'sent now',
  retry: 'retried',
  edit: 'edited',
  hold: 'paused',
  cancel: 'cancelled',
  delete: 'deleted',
  undo: 'undone',
};

function describe(record: MessageRecord): string {
  if (record.state === 'held' && record.holdReason === 'account') return "held until its account's sign-in is fixed";
  return record.state === 'sending' ? 'being sent right now' : record.state;
}

/** Refuses `action` unless the shared table allows it for the message as it is. */
export function check(record: MessageRecord, action: MessageAction): void {
  if (allows(record, action)) return;
  if (action === 'undo') refuseUndo(record);
  if (action === 'edit' && record.recipients?.some((r) => r.state === 'delivered')) {
    refuse('Some recipients already received this message, so it can no longer be edited.');
  }
  refuse(`The message is ${describe(record)}; it cannot be ${ACTION_WORDS[action]}.`);
}

/** Every waiting recipient is due now (Send now, Retry, Flush, back online). */
export function dueNow(record: MessageRecord): void {
  delete record.nextAttemptAt;
  for (const r of record.recipients ?? []) delete r.nextAttemptAt;
}

function waitingState(record: MessageRecord, now: number): MessageState {
  return record.scheduledAt && Date.parse(record.scheduledAt) > now ? 'scheduled' : 'queued';
}

/** Undo comes too late (or for a message that never had an undo window): says which, and what is left to do. */
function refuseUndo(record: MessageRecord): never {
  const next =
    record.state === 'sent'
      ? 'It is in the outbox as sent.'
      : record.state === 'sending'
        ? 'Wait for this attempt to finish; the outbox shows how it went.'
        : allows(record, 'edit')
          ? 'Use Edit in the outbox to take it back to Compose.'
          : 'It is in the outbox with its state.';
  const message =
    record.state === 'sending'
      ? 'Too late to undo: the message is being sent right now.'
      : // An attempt on record, or one cut off by a crash (its reason says so): the server may have it.
        record.undoUntil === undefined && ((record.attempts?.length ?? 0) > 0 || record.lastError)
        ? `Too late to undo: sending had already started (the message is ${describe(record)}).`
        : record.undoUntil === undefined
          ? 'This message was not sent with Undo send, so there is nothing to undo.'
          : `The message is ${describe(record)}; it cannot be undone.`;
  throw new AppError('MESSAGE_STATE', { message, next });
}

// ---- the user's commands --------------------------------------------------------------------------

/**
 * Undo send: a message whose first attempt has not started is held, so it cannot leave while Compose takes it
 * back as a draft; `sendingNow` (an attempt under way) always refuses. The one check decides the timer/Undo race:
 * the engine's dispatch marks the message 'sending' in the same turn it takes it, so only one of the two wins.
 */
export function undo(record: MessageRecord, sendingNow: boolean): void {
  check(record, 'undo');
  if (sendingNow) refuseUndo({ ...record, state: 'sending' });
  record.state = 'held';
  record.holdReason = 'user';
  delete record.nextAttemptAt;
}

/** Send now: a message the user held goes back to the queue; backoff and schedule are skipped. */
export function prepareSendNow(record: MessageRecord): boolean {
  check(record, 'sendNow');
  let changed = false;
  if (record.state === 'held') {
    record.state = 'queued';
    delete record.holdReason;
    changed = true;
  }
  dueNow(record);
  return changed;
}

/**
 * Retry: starts over with a fresh lifetime, to every recipient who has not received the message yet
 * (deferred, refused or given up on); those who have it are never sent it again.
 */
export function retry(record: MessageRecord, now: number): void {
  check(record, 'retry');
  record.state = waitingState(record, now);
  delete record.holdReason;
  delete record.firstAttemptAt;
  dueNow(record);
  for (const r of record.recipients ?? []) {
    if (r.state === 'delivered') continue;
    r.state = 'pending';
    delete r.deferrals;
    delete r.at;
  }
}

export function hold(record: MessageRecord): void {
  check(record, 'hold');
  record.state = 'held';
  record.holdReason = 'user';
}

export function cancel(record: MessageRecord, sendingNow: boolean): void {
  if (sendingNow) refuse('The message is being sent right now and can no longer be cancelled.');
  check(record, 'cancel');
  record.state = 'failed';
  delete record.holdReason;
  delete record.nextAttemptAt;
  record.lastError = new AppError('CANCELLED').toInfo();
  giveUpOpenRecipients(record, undefined);
}

/** Delete: anything not being sent right now. */
export function checkRemove(record: MessageRecord, sendingNow: boolean): void {
  if (sendingNow) refuse('The message is being sent right now; wait for the attempt to finish.');
  check(record, 'delete');
}

// ---- the engine's moves ---------------------------------------------------------------------------

/** An attempt starts; returns the state to go back to if it does not count (offline, sign-in). */
export function beginAttempt(record: MessageRecord): MessageState {
  const previous = record.state;
  record.state = 'sending';
  // Sending has started: from now on the message can no longer be undone.
  delete record.undoUntil;
  return previous;
}

/** The attempt did not count (offline mid-attempt, or the account cannot sign in): back as it was. */
export function returnFromAttempt(record: MessageRecord, previous: MessageState): void {
  record.state = previous;
}

/** Every recipient is delivered or refused for good, and at least one has it. */
export function markSent(record: MessageRecord, now: number, explanation: ErrorInfo | undefined): void {
  record.state = 'sent';
  record.sentAt = new Date(now).toISOString();
  record.location = 'sent';
  delete record.nextAttemptAt;
  // Refused (or given up) recipients keep their explanation in view.
  if (explanation) record.lastError = explanation;
  else delete record.lastError;
}

/** Nobody received it and nobody will: failed for good. */
export function markFailed(record: MessageRecord, error: ErrorInfo | undefined): void {
  record.state = 'failed';
  delete record.nextAttemptAt;
  if (error) record.lastError = error;
}

/** Some recipients were deferred: the message waits for the earliest of their retry times. */
export function awaitRetry(
  record: MessageRecord,
  previous: MessageState,
  nextAttemptAt: string | undefined,
  error: ErrorInfo | undefined,
): void {
  record.state = previous === 'scheduled' ? 'scheduled' : 'queued';
  if (nextAttemptAt) record.nextAttemptAt = nextAttemptAt;
  else delete record.nextAttemptAt;
  record.lastError = error;
}

/** The account cannot sign in: a waiting message is held until it can (`keepError`: the attempt's own reason stays). */
export function holdForAccount(record: MessageRecord, error: ErrorInfo, keepError: boolean): boolean {
  if (!isWaiting(record.state)) return false;
  record.state = 'held';
  record.holdReason = 'account';
  if (!keepError || !record.lastError) record.lastError = error;
  return true;
}

/** The account can sign in again: a message held for it goes back to the queue. */
export function releaseAccountHold(record: MessageRecord, accountId: string): boolean {
  if (record.accountId !== accountId || record.state !== 'held' || record.holdReason !== 'account') return false;
  record.state = 'queued';
  delete record.holdReason;
  delete record.nextAttemptAt;
  return true;
}

/**
 * Interrupted mid-send (a crash, a kill): it goes again with the same bytes and Message-ID, to the recipients
 * not recorded as delivered. The server may have taken it just before, so a recipient may get it twice.
 */
export function returnInterrupted(record: MessageRecord): boolean {
  if (record.state !== 'sending') return false;
  record.state = record.scheduledAt ? 'scheduled' : 'queued';
  // It may have gone out already: too late to undo.
  delete record.undoUntil;
  dueNow(record);
  record.interrupted = true;
  record.lastError = new AppError('NETWORK_DROPPED', {
    message: 'Outbox stopped while this message was being sent, so it is sent again; a recipient may get it twice.',
  }).toInfo();
  return true;
}

/** Its stored bytes no longer match what was taken in: never sent, kept in view with the reason. */
export function quarantine(record: MessageRecord, error: ErrorInfo, at: string, file: string | undefined): void {
  record.state = 'quarantined';
  record.quarantine = { reason: error.message, at, ...(file ? { file } : {}) };
  record.lastError = error;
  delete record.undoUntil;
  delete record.nextAttemptAt;
  delete record.holdReason;
}

/** Recipients still open are given up on (cancelled, expired, failed as a whole), with the last reply. */
export function giveUpOpenRecipients(
  record: MessageRecord,
  now: number | undefined,
  reply?: { reply?: string; responseCode?: number },
): void {
  if (!record.recipients) return;
  for (const r of recipientsOf(record)) {
    if (!isOpenRecipient(r.state)) continue;
    r.state = 'failed';
    delete r.nextAttemptAt;
    if (reply?.reply) r.reply = reply.reply;
    if (reply?.responseCode) r.responseCode = reply.responseCode;
    if (now !== undefined) r.at = new Date(now).toISOString();
  }
}
