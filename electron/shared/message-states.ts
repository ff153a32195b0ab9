// The one list of message and recipient states, their groups and the user actions each allows. Core's
// transitions enforce these tables; the due queue, the commands, the tray and the screens only read them.

/** quarantined: its stored bytes no longer match what was taken in; it is never sent. */
export const MESSAGE_STATES = ['queued', 'scheduled', 'sending', 'sent', 'failed', 'held', 'quarantined'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/**
 * waiting: will leave by itself (now, at its retry time or at its scheduled time); active: being sent;
 * needs-you: will not move until someone acts; done: sent (to every recipient who could take it).
 */
export const STATE_GROUPS = ['waiting', 'active', 'needs-you', 'done'] as const;
export type StateGroup = (typeof STATE_GROUPS)[number];

export const STATE_GROUP = {
  queued: 'waiting',
  scheduled: 'waiting',
  sending: 'active',
  held: 'needs-you',
  failed: 'needs-you',
  quarantined: 'needs-you',
  sent: 'done',
} as const satisfies Readonly<Record<MessageState, StateGroup>>;

export function groupOf(state: MessageState): StateGroup {
  return STATE_GROUP[state];
}

/** The engine takes these from the due queue: they leave by themselves. */
export const WAITING_STATES: readonly MessageState[] = MESSAGE_STATES.filter((s) => STATE_GROUP[s] === 'waiting');

/** The engine never moves these by itself again: given up on, sent, or not sendable. */
export const FINISHED_STATES = ['sent', 'failed', 'quarantined'] as const satisfies readonly MessageState[];

export function isFinished(state: MessageState): boolean {
  return (FINISHED_STATES as readonly MessageState[]).includes(state);
}

/** Not finished: still expected to leave (waiting, being sent, or on hold). The tray's and the screen's "waiting". */
export const UNFINISHED_STATES: readonly MessageState[] = MESSAGE_STATES.filter((s) => !isFinished(s));

/** Nothing more happens without the user: what `--wait` stops at. */
export const SETTLED_STATES: readonly MessageState[] = MESSAGE_STATES.filter(
  (s) => STATE_GROUP[s] === 'needs-you' || STATE_GROUP[s] === 'done',
);

/** Everything not sent yet: what `outbox queue` lists without --all. */
export const UNSENT_STATES: readonly MessageState[] = MESSAGE_STATES.filter((s) => STATE_GROUP[s] !== 'done');

export const isWaiting = (state: MessageState): boolean => STATE_GROUP[state] === 'waiting';

/**
 * What a user can ask of a message; each is an engine command (edit goes through Compose). undo: takes a message
 * back to Compose while its send delay runs (Undo send), only before any attempt to send it has started.
 */
export const MESSAGE_ACTIONS = ['sendNow', 'retry', 'edit', 'hold', 'cancel', 'delete', 'undo'] as const;
export type MessageAction = (typeof MESSAGE_ACTIONS)[number];

/**
 * The actions each state allows, before the three refinements in actionsFor(): Send now is for a message
 * the user held (not one held for its account), Edit is never for mail some recipients already got, and Undo
 * only for a message in its undo window (undoUntil is set until its first attempt starts).
 * A message being sent allows nothing (asking to send it now just waits for the attempt under way).
 */
export const STATE_ACTIONS = {
  queued: ['sendNow', 'retry', 'edit', 'hold', 'cancel', 'delete', 'undo'],
  scheduled: ['sendNow', 'retry', 'edit', 'hold', 'cancel', 'delete', 'undo'],
  sending: [],
  held: ['sendNow', 'retry', 'edit', 'cancel', 'delete'],
  failed: ['retry', 'edit', 'delete'],
  quarantined: ['delete'],
  sent: ['delete'],
} as const satisfies Readonly<Record<MessageState, readonly MessageAction[]>>;

/**
 * pending: not tried yet (or tried again after a retry); deferred: refused for now (4xx), tried again on
 * its own schedule; delivered: the server took it; refused: refused for good (5xx); failed: given up on
 * (its lifetime ran out, the message was cancelled, or it failed as a whole).
 */
export const RECIPIENT_STATES = ['pending', 'deferred', 'delivered', 'refused', 'failed'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** Recipients still to be sent to: the next attempt's envelope. */
export const OPEN_RECIPIENT_STATES: readonly RecipientState[] = ['pending', 'deferred'];
export const isOpenRecipient = (state: RecipientState): boolean => OPEN_RECIPIENT_STATES.includes(state);

/** The parts of a message the allowed actions depend on. */
export interface ActionSubject {
  state: MessageState;
  holdReason?: 'user' | 'account';
  recipients?: readonly { state: RecipientState }[];
  /** Set while the message may still be undone: from Send until its first attempt starts. */
  undoUntil?: string;
}

export function allows(message: ActionSubject, action: MessageAction): boolean {
  if (!(STATE_ACTIONS[message.state] as readonly MessageAction[]).includes(action)) return false;
  if (action === 'sendNow' && message.state === 'held') return message.holdReason !== 'account';
  // An edited message would go to everyone again, including those who already have it.
  if (action === 'edit') return !(message.recipients ?? []).some((r) => r.state === 'delivered');
  if (action === 'undo') return Boolean(message.undoUntil);
  return true;
}

export function actionsFor(message: ActionSubject): MessageAction[] {
  return MESSAGE_ACTIONS.filter((action) => allows(message, action));
}

/** Where a message's recipients stand: "delivered to 3 of 5, 2 waiting". */
export interface DeliveryProgress {
  total: number;
  delivered: number;
  /** pending or deferred: still to be tried. */
  waiting: number;
  refused: number;
  failed: number;
  /** The earliest retry among the deferred recipients. */
  nextAttemptAt?: string;
}

export function deliveryProgress(recipients: readonly { state: RecipientState; nextAttemptAt?: string }[]): DeliveryProgress {
  const progress: DeliveryProgress = { total: recipients.length, delivered: 0, waiting: 0, refused: 0, failed: 0 };
  for (const r of recipients) {
    if (r.state === 'delivered') progress.delivered++;
    else if (r.state === 'refused') progress.refused++;
    else if (r.state === 'failed') progress.failed++;
    else {
      progress.waiting++;
      if (r.nextAttemptAt && (!progress.nextAttemptAt || r.nextAttemptAt < progress.nextAttemptAt))
        progress.nextAttemptAt = r.nextAttemptAt;
    }
  }
  return progress;
}
