// The outbox engine's public face, as the Electron main process and the `outbox` command use it.
// The engine itself lives beside this file; callers depend on this interface only.
import type { SendingLimits } from '../providers/sending-profiles';
import type { SentSearch } from '../imap/sent-search';
import type { AccountProfile, AccountStatus } from '../../shared/account';
import type { Clock, Connectivity, Credentials, Logger, MessageSender, SentCopyWriter } from '../ports';
import type { ComposeRequest, MessageState, OutboxEvent, OutboxMessage, PacingStatus } from '../../shared/message';

/** Bytes read in order (a stream, standard input), and a way to stop reading early. */
export interface ByteSource extends AsyncIterable<Buffer | string> {
  destroy(): void;
}

/** Sendmail-style input: exact bytes the user wrote, with the envelope taken from flags or headers. */
export interface RawEnqueueRequest {
  input: ByteSource;
  accountId?: string;
  /** -f: envelope sender; defaults to the account's address. */
  envelopeFrom?: string;
  /** Recipients given on the command line. */
  recipients?: string[];
  /** -t: also take recipients from To, Cc and Bcc (Bcc is then removed from the bytes). */
  recipientsFromHeaders?: boolean;
  /** -i: a line with a single dot does not end the input (always true when reading a file). */
  ignoreDots?: boolean;
  scheduledAt?: string;
  /** Undo send: wait this many seconds, during which the message can be undone (ignored with scheduledAt). */
  delaySeconds?: number;
}

export interface ListFilter {
  accountId?: string;
  states?: readonly MessageState[];
}

export type EngineRole = 'sender' | 'producer';

export interface OutboxEngine {
  /** Recovers the spool, and becomes the sender if no live process holds the sender lock. */
  start(): Promise<void>;
  readonly role: EngineRole;
  enqueue(request: ComposeRequest): Promise<OutboxMessage>;
  enqueueRaw(request: RawEnqueueRequest): Promise<OutboxMessage>;
  list(filter?: ListFilter): Promise<OutboxMessage[]>;
  get(id: string): Promise<OutboxMessage | undefined>;
  /** Where a message's exact bytes are (Sent copy, `outbox show --raw`, Edit). */
  bytesOf(id: string): Promise<{ file: string; offset: number; length: number } | undefined>;
  /** Makes every waiting message due now (held ones excepted) and sends them. */
  flush(): Promise<void>;
  /** Sends one message now, whatever its backoff or schedule. */
  sendNow(id: string): Promise<OutboxMessage>;
  /** Puts a failed or held message back in the queue. */
  retry(id: string): Promise<OutboxMessage>;
  /** Holds a waiting message (the user paused it). */
  hold(id: string): Promise<OutboxMessage>;
  /** Cancels a message that has not been sent: it becomes failed with reason "cancelled". */
  cancel(id: string): Promise<OutboxMessage>;
  /**
   * Undo send: holds a message whose first attempt has not started, so Compose can take it back as a draft;
   * refused (MESSAGE_STATE) once sending has started. Compose's undo() then rebuilds the draft and removes it.
   */
  undo(id: string): Promise<OutboxMessage>;
  /** Removes a message that is not being sent from the outbox, bytes and all. */
  remove(id: string): Promise<void>;
  /** Resolves when the message reaches one of the states (default: finished: sent, failed or quarantined). */
  waitFor(id: string, states?: readonly MessageState[]): Promise<OutboxMessage>;
  /** Resolves when nothing is due or being sent (held, scheduled and backing-off messages may remain). */
  idle(): Promise<void>;
  /** Called when an account's settings or secret changed: releases its held messages and drops pooled connections. */
  accountChanged(account: AccountProfile): void;
  on(listener: (event: OutboxEvent) => void): () => void;
  /** How an account is being paced now (null when it is not held back, or pacing is off); changes also come as 'pacing' events. */
  pacingOf(accountId: string): PacingStatus | null;
  /** Waits for sends in flight (up to graceMs), then releases the lock and closes connections. */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** What the engine needs to know about accounts; AccountStore provides it through a small adapter. */
export interface EngineAccounts {
  get(id: string): Promise<AccountProfile | undefined>;
  /** The account to send from: by id, else the one whose address matches `from`, else the default (first). */
  pick(options: { accountId?: string; from?: string }): Promise<AccountProfile | undefined>;
  setStatus(id: string, status: AccountStatus, reason?: string): Promise<void>;
  /** null when the account has no secret (e.g. an unauthenticated relay). Throws AppError KEYCHAIN_UNAVAILABLE. */
  credentials(id: string): Promise<Credentials | null>;
}

export interface EngineOptions {
  /** The data directory; the spool lives in `<dataDir>/spool`. */
  dataDir: string;
  accounts: EngineAccounts;
  sender: MessageSender;
  connectivity: Connectivity;
  clock?: Clock;
  logger?: Logger;
  /** How long temporary failures are retried before the message fails (default 5 days); a function is read at every attempt. */
  lifetimeMs?: number | (() => number);
  /**
   * 'auto' (default): become the sender if the lock is free. 'producer': never send (e.g. `outbox send --queue-only`).
   * 'reader': only read (`outbox queue`, `show`): creates and writes nothing, so a read-only data folder can be inspected.
   */
  mode?: 'auto' | 'producer' | 'reader';
  /**
   * How long a process that becomes the sender waits before it opens its channel to other processes (default:
   * it opens before sending). A command that sends one message and leaves passes a short wait: done sooner, it
   * never opens one (listening costs a command about 3 ms); other processes asking meanwhile keep asking
   * (holder-link.ts) until it answers or has left. Watching the queue folder for other processes' drops starts
   * then too: such a command sends only its own message, and a request naming a drop takes it in anyway.
   */
  channelDelayMs?: number;
  /** Saves a copy of each sent message in the account's Sent folder (accounts with sentCopy.enabled). */
  sentCopy?: SentCopyWriter;
  /** Messages handed to the sender at once per account (default 10: twice the pool, so no connection waits). */
  concurrencyPerAccount?: number;
  /**
   * Paces each account by its provider's sending profile (pacing.ts): on by default with the bundled profiles and
   * the account's own overrides; `limitsFor` replaces how limits are found (tests), false turns pacing off.
   */
  pacing?: false | { limitsFor?(account: AccountProfile): SendingLimits };
  /** After a crash caught a message mid-send, looks for it in the account's Sent folder before sending again. */
  sentSearch?: SentSearch;
}
