// Outbox messages as every tier sees them: states, attempts, and what the user asked to send.
import * as z from 'zod';
import { lazy } from './lazy';
import type { ErrorInfo } from './errors';
import { emailAddress, type AccountStatus } from './account';
import type { DeliveryProgress, MessageState, RecipientState } from './message-states';

// The states live in message-states.ts with their groups and actions; re-exported for existing readers.
export { MESSAGE_STATES, type MessageState, RECIPIENT_STATES, type RecipientState, type DeliveryProgress } from './message-states';

export type AttemptOutcome = 'sent' | 'partial' | 'temporary' | 'permanent' | 'auth';

export interface RecipientResult {
  address: string;
  accepted: boolean;
  /** The server's reply to RCPT TO (or to DATA), word for word. */
  reply?: string;
  responseCode?: number;
  /** Set when there is no reply code to tell: whether the failure may pass (a dropped connection) or not. */
  retryable?: boolean;
}

/** Where one envelope recipient stands, across attempts. */
export interface RecipientStatus {
  address: string;
  state: RecipientState;
  /** The server's last reply about this recipient, word for word. */
  reply?: string;
  responseCode?: number;
  /** How many times it was deferred since the message was (re)tried: its own backoff. */
  deferrals?: number;
  /** When a deferred recipient is tried again. */
  nextAttemptAt?: string;
  /** When it was delivered, refused or given up on. */
  at?: string;
}

/** What a provider's reply (or Outbox's own pacing) asked of the account: to wait, never to fail. */
export interface Throttle {
  action: 'slow-down' | 'stop-signing-in' | 'fewer-connections' | 'pause-until' | 'needs-sign-in';
  /** The provider as people know it ("Gmail"), when known. */
  provider?: string;
  /** When the message may go again (ISO), when known. */
  until?: string;
  /** Which rule recognised the reply (provider-replies.ts), or 'profile' for Outbox's own pacing. */
  rule: string;
}

/** An account-level sending state people see: "Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow". */
export interface PacingStatus {
  accountId: string;
  kind: 'daily-limit' | 'fewer-connections' | 'slow-down' | 'stop-signing-in';
  /** The provider as people know it. */
  provider: string;
  /** When sending resumes (ISO), for a pause. */
  until?: string;
  /** Connections now allowed, for fewer-connections. */
  connections?: number;
}

export interface Attempt {
  /** ISO time the attempt started. */
  at: string;
  durationMs: number;
  outcome: AttemptOutcome;
  /** Plain explanation, next step and the server's reply, for every outcome but 'sent'. */
  error?: ErrorInfo;
  /** The server's final reply (250 queued as ... on success). */
  reply?: string;
  recipients?: RecipientResult[];
  /** The SMTP conversation, AUTH payloads redacted. */
  transcript: string[];
  /** Set when the provider asked to wait (or Outbox's pacing did): the message waits, it does not fail. */
  throttle?: Throttle;
}

export type HoldReason = 'user' | 'account';

/** The summary every list shows; bytes stay in the spool. */
export interface OutboxMessage {
  id: string;
  accountId: string;
  state: MessageState;
  messageId: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  /** Bcc count only: envelope recipients are not shown in lists. */
  bccCount: number;
  envelope: { from: string; to: string[] };
  size: number;
  createdAt: string;
  scheduledAt?: string;
  /**
   * Undo send: the message waits until this time (its scheduledAt) and may be taken back to Compose until its
   * first attempt starts, when this is removed. Screens say "Sending in 8 s", not "Scheduled".
   */
  undoUntil?: string;
  nextAttemptAt?: string;
  holdReason?: HoldReason;
  attempts: Attempt[];
  /** Each envelope recipient's own state; missing for messages recorded before recipients had one. */
  recipients?: RecipientStatus[];
  /** Counts of `recipients` by where they stand, for lists ("delivered to 3 of 5, 2 waiting"). */
  delivery?: DeliveryProgress;
  /** Why it failed or is held, with the server's reply. */
  lastError?: ErrorInfo;
  sentAt?: string;
  /** The copy in the account's Sent folder: separate from sending, with its own retries. */
  sentCopy?: SentCopyStatus;
  /** Bytes sent in the current attempt, for progress bars. */
  progress?: { sent: number; total: number };
  /** Why the message was quarantined (state 'quarantined'): what was found, when, and where the file was put. */
  quarantine?: { reason: string; at: string; file?: string };
}

export const SENT_COPY_STATES = ['pending', 'saved', 'failed'] as const;
export type SentCopyState = (typeof SENT_COPY_STATES)[number];

export interface SentCopyStatus {
  state: SentCopyState;
  attempts: number;
  /** When the next try is due, after a temporary failure. */
  nextAttemptAt?: string;
  /** The folder the copy went to (or is to go to). */
  folder?: string;
  savedAt?: string;
  /** Why the last try failed, with the server's reply. */
  error?: ErrorInfo;
}

// Built at their first use (lazy.ts): call them, as in composeRequestSchema().safeParse(…).
const headerValue = lazy(() =>
  z
    .string()
    .max(998)
    .refine((v) => !/[\r\n]/.test(v), 'A header value cannot contain a line break'),
);

/** A mailbox: "Name <a@b.c>" or a bare address. */
export const mailbox = lazy(() =>
  z
    .string()
    .trim()
    .min(3)
    .max(998)
    .refine((v) => !/[\r\n]/.test(v), 'An address cannot contain a line break'),
);

export const attachmentSchema = lazy(() =>
  z.object({
    path: z.string().min(1).max(4096),
    filename: z
      .string()
      .max(255)
      .refine((v) => !/[\r\n]/.test(v))
      .optional(),
    contentType: z
      .string()
      .max(255)
      .refine((v) => !/[\r\n]/.test(v))
      .optional(),
  }),
);

export const composeRequestSchema = lazy(() =>
  z
    .object({
      accountId: z.string().min(1).max(64).optional(),
      from: mailbox().optional(),
      to: z.array(mailbox()).max(1000).default([]),
      cc: z.array(mailbox()).max(1000).default([]),
      bcc: z.array(mailbox()).max(1000).default([]),
      replyTo: mailbox().optional(),
      subject: headerValue().default(''),
      text: z.string().max(50_000_000).optional(),
      html: z.string().max(50_000_000).optional(),
      attachments: z.array(attachmentSchema()).max(500).default([]),
      headers: z
        .record(
          z
            .string()
            .regex(/^[!-9;-~]+$/, 'A header name has printable characters and no colon')
            .max(76),
          headerValue(),
        )
        .default({}),
      scheduledAt: z.iso.datetime({ offset: true }).optional(),
      /** Undo send: wait this many seconds, during which the message can be undone (ignored with scheduledAt). */
      delaySeconds: z.number().int().min(0).max(3600).optional(),
    })
    .refine((m) => m.to.length + m.cc.length + m.bcc.length > 0, { message: 'Add at least one recipient', path: ['to'] }),
);
export type ComposeRequest = z.input<ReturnType<typeof composeRequestSchema>>;
export type ValidComposeRequest = z.output<ReturnType<typeof composeRequestSchema>>;

export { emailAddress };

/** Events the engine emits: every state change, and bytes sent for large messages. */
export type OutboxEvent =
  | { type: 'changed'; message: OutboxMessage }
  | { type: 'removed'; id: string }
  | { type: 'progress'; id: string; sent: number; total: number }
  | { type: 'account'; accountId: string; status: AccountStatus; reason?: string }
  | { type: 'connectivity'; online: boolean }
  /** An account's pacing changed: paused for its daily limit, fewer connections, or back to normal (status null). */
  | { type: 'pacing'; accountId: string; status: PacingStatus | null }
  /** A message was quarantined: its id, where its file was kept (when it could be moved), and why. */
  | { type: 'quarantined'; id: string; file?: string; error: ErrorInfo };
