// The narrow interfaces core services take through their constructors, so tests slot in fakes
// (a fake clock for backoff) and the app and CLI slot in their own connectivity signals.
import type { Readable } from 'node:stream';
import type { AccountProfile } from '../shared/account';
import type { Attempt } from '../shared/message';

export interface Clock {
  now(): number;
  /** Like setTimeout, but through the clock so tests can advance time. */
  setTimer(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, Math.min(ms, 2_147_000_000)));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface Connectivity {
  isOnline(): boolean;
  /** Called with the new state whenever it changes; returns an unsubscribe function. */
  onChange(listener: (online: boolean) => void): () => void;
}

export interface PasswordCredentials {
  kind: 'password';
  user: string;
  password: string;
}

export interface OAuth2Credentials {
  kind: 'oauth2';
  user: string;
  /** Valid when handed out (refreshed shortly before expiry); sent with SASL XOAUTH2. */
  accessToken: string;
  /**
   * Asks the provider for a new token after the server refused this one (at most once per send).
   * Throws OAuthError 'needs-sign-in' (grant revoked) or 'temporary' (token endpoint failing).
   */
  refresh?(): Promise<string>;
}

export type Credentials = PasswordCredentials | OAuth2Credentials;

export interface SecretStore {
  /** Throws AppError KEYCHAIN_UNAVAILABLE when no keychain is reachable. */
  get(accountId: string): Promise<string | null>;
  set(accountId: string, secret: string): Promise<void>;
  delete(accountId: string): Promise<boolean>;
}

export interface SendRequest {
  account: AccountProfile;
  credentials: Credentials | null;
  envelope: { from: string; to: string[] };
  /** Opens a fresh stream of the exact RFC 5322 bytes to send. */
  openMessage(): Readable;
  size: number;
  onProgress?(sentBytes: number): void;
  /** Connections the account's pool may open (its provider's profile, lowered after "fewer connections"). */
  maxConnections?: number;
  /** Recipients the provider takes in one transaction: more go in further transactions of the same bytes. */
  recipientsPerMessage?: number;
}

/** One attempt's result, as it is recorded in the message's history. */
export type SendResult = Omit<Attempt, 'at' | 'durationMs'>;

export interface MessageSender {
  send(request: SendRequest): Promise<SendResult>;
  /** Drops pooled connections for one account (after its settings or password change) or all. */
  reset(accountId?: string): void;
  close(): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface SentCopyRequest {
  account: AccountProfile;
  messageId: string;
  size: number;
  /** Opens a fresh stream of the exact bytes that were sent. */
  openMessage(): Promise<Readable>;
  /** The folder remembered from an earlier copy, if any. */
  folder?: string;
}

export type SentCopyResult =
  | { outcome: 'saved' | 'already-there'; folder: string }
  | { outcome: 'temporary' | 'permanent'; error: import('../shared/errors').ErrorInfo; folder?: string };

/** Puts a copy of a sent message into the account's Sent folder (IMAP APPEND in the app). */
export interface SentCopyWriter {
  append(request: SentCopyRequest): Promise<SentCopyResult>;
  /** Closes connections kept open between copies (the engine is stopping). */
  close?(): Promise<void>;
}
