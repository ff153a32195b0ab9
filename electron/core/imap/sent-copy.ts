// Saves the exact bytes of a sent message into the account's Sent folder over IMAP, marked \Seen.
// Searches for the Message-ID before appending, so a retry after a lost answer never stores a duplicate.
import type { Readable } from 'node:stream';
import type tls from 'node:tls';
import { ImapFlow, type ImapFlowOptions, type MailboxLockObject } from 'imapflow';
import type { ErrorInfo } from '../../shared/errors';
import { classifyImapError, explainFailure, serverReply, type SentCopyFailureKind } from './imap-explain';
import { IMAP_DESKTOP_TIMEOUTS, type ImapCredentials, type ImapSettings, type ImapTimeouts } from './imap-settings';
import { findSentFolder } from './sent-folder';
import { bareMessageId } from '../../shared/message-id';

export interface SentCopyRequest {
  settings: ImapSettings;
  credentials: ImapCredentials;
  /** The message's Message-ID header value, with or without the angle brackets. */
  messageId: string;
  /** The exact RFC 5322 bytes that were sent, or a way to open them again. */
  bytes: Buffer | (() => Readable);
  size: number;
  /** The folder remembered from an earlier copy; found again (SPECIAL-USE, then names) when absent. */
  folder?: string;
  /** Extra TLS options (e.g. `ca`); certificate verification cannot be switched off through them. */
  tls?: tls.ConnectionOptions;
  timeouts?: Partial<ImapTimeouts>;
}

export interface SentCopyResult {
  outcome: 'saved' | 'already-there' | 'failed';
  /** The folder the copy is (or would have been) in, to remember for next time. */
  folder?: string;
  /** The UID of the stored copy, when the server said. */
  uid?: number;
  kind?: SentCopyFailureKind;
  /** The server's reply, word for word, when a command failed. */
  reply?: string;
  error?: ErrorInfo;
  /** What was done, one line a step; never a password or token. */
  transcript: string[];
}

function angleBracketed(messageId: string): string {
  // `<id@x> (comment)` is a valid Message-ID (RFC 5322): search for the msg-id itself.
  const bare = bareMessageId(messageId);
  if (bare) return bare;
  const id = messageId.trim();
  if (!/^<?[^<>\s]+>?$/.test(id)) throw new TypeError(`Not a Message-ID: ${JSON.stringify(messageId)}`);
  return `<${id.replace(/^</, '').replace(/>$/, '')}>`;
}

async function readAll(bytes: SentCopyRequest['bytes'], size: number): Promise<Buffer> {
  // IMAP announces a literal's size before sending it, so the message is read whole first.
  const chunks: Buffer[] = [];
  if (Buffer.isBuffer(bytes)) chunks.push(bytes);
  else for await (const chunk of bytes()) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  const all = chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
  // A spool whose bytes do not match its record is a bug upstream, not a server failure: throw.
  if (all.length !== size) throw new Error(`The message is ${all.length} bytes, not the ${size} recorded`);
  return all;
}

function clientOptions(request: Pick<SentCopyRequest, 'settings' | 'credentials' | 'tls' | 'timeouts'>): ImapFlowOptions {
  const { settings, credentials } = request;
  const timeouts = { ...IMAP_DESKTOP_TIMEOUTS, ...request.timeouts };
  // The spread keeps the caller's `ca`, `servername`…; verification is forced on after it.
  const tlsOptions: tls.ConnectionOptions = { ...request.tls, rejectUnauthorized: true };
  delete tlsOptions.checkServerIdentity;
  const auth =
    credentials.kind === 'password'
      ? { user: credentials.user, pass: credentials.password }
      : { user: credentials.user, accessToken: credentials.accessToken };
  return {
    host: settings.host,
    port: settings.port,
    // 'starttls' must upgrade or fail; 'none' (only with insecure) never tries.
    secure: settings.security === 'tls',
    doSTARTTLS: settings.security === 'starttls' ? true : settings.security === 'none' ? false : undefined,
    tls: tlsOptions,
    auth,
    logger: false,
    disableAutoIdle: true,
    disableCompression: true,
    connectionTimeout: timeouts.connection,
    greetingTimeout: timeouts.greeting,
    socketTimeout: timeouts.socket,
  };
}

/** One message to file over an open session. */
export interface SessionAppend {
  messageId: string;
  bytes: Buffer | (() => Readable);
  size: number;
  folder?: string;
}

/**
 * One logged-in IMAP connection that files any number of copies, one after the other: a batch of sent mail
 * costs one login, not one per message. A failure that is not about the message (the connection dropped,
 * the login refused) leaves the session `broken`, and its owner opens a new one for the next copy.
 */
export class SentCopySession {
  broken = false;
  private client: ImapFlow | null = null;
  private connecting: Promise<SentCopyResult | null> | null = null;
  /** The Sent folder found on this server, once. */
  private found: string | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private everConnected = false;

  constructor(private readonly request: Omit<SentCopyRequest, 'messageId' | 'bytes' | 'size' | 'folder'>) {}

  /** Files one copy; calls on one session run in turn (one IMAP connection does one thing at a time). */
  append(item: SessionAppend): Promise<SentCopyResult> {
    const run = this.tail.then(() => this.appendNow(item));
    this.tail = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.tail;
    const client = this.client;
    this.client = null;
    this.broken = true;
    if (client) await client.logout().catch(() => client.close());
  }

  /** Connects and logs in once; null when ready, else the failure as every waiting copy's result. */
  private connect(transcript: string[]): Promise<SentCopyResult | null> {
    if (this.client) return Promise.resolve(null);
    this.connecting ??= (async () => {
      const { settings } = this.request;
      const client = new ImapFlow(clientOptions(this.request));
      // Errors also reach the pending command; without a listener an 'error' event would crash the process.
      client.on('error', () => undefined);
      client.on('close', () => {
        if (this.client === client) this.broken = true;
      });
      try {
        transcript.push(`connect ${settings.host}:${settings.port} (${settings.security})`);
        await client.connect();
        transcript.push(`logged in as ${this.request.credentials.user}`);
        this.client = client;
        this.everConnected = true;
        return null;
      } catch (error) {
        this.broken = true;
        client.close();
        return failure(transcript, classifyImapError(error, 'connect'), undefined, error);
      } finally {
        this.connecting = null;
      }
    })();
    return this.connecting;
  }

  private async appendNow(item: SessionAppend): Promise<SentCopyResult> {
    const transcript: string[] = [];
    const { settings } = this.request;
    if (settings.security === 'none' && !settings.insecure) return failure(transcript, 'plaintext-refused', item.folder);
    const messageId = angleBracketed(item.messageId);
    const bytes = await readAll(item.bytes, item.size);
    if (this.broken && !this.client && this.connecting === null && this.everConnected)
      return failure(transcript, 'unavailable', item.folder, new Error('the IMAP session is closed'));
    const failed = await this.connect(transcript);
    if (failed) return failed;
    const client = this.client!;
    let step: 'select' | 'append' | 'other' = 'other';
    let folder = item.folder ?? this.found;
    let lock: MailboxLockObject | undefined;
    try {
      if (folder === undefined) {
        const found = await findSentFolder(client);
        if (!found.found) {
          transcript.push(`no Sent folder among: ${found.folders.join(', ') || '(none)'}`);
          return failure(transcript, 'no-sent-folder');
        }
        folder = this.found = found.path;
        transcript.push(`Sent folder: ${folder} (by ${found.how})`);
      }

      step = 'select';
      lock = await client.getMailboxLock(folder);
      step = 'other';
      const before = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      if (before === false || before === undefined) throw new Error('SEARCH failed');
      transcript.push(`search ${folder} for Message-ID ${messageId}: ${before.length} found`);
      if (before.length > 0) return { outcome: 'already-there', folder, uid: before[0], transcript };

      step = 'append';
      const appended = await client.append(folder, bytes, ['\\Seen']);
      if (!appended) throw new Error('APPEND was not sent: the connection is not logged in');
      transcript.push(`append ${bytes.length} bytes to ${folder} with \\Seen: OK${appended.uid ? ` (uid ${appended.uid})` : ''}`);

      step = 'other';
      const after = await client.search({ header: { 'message-id': messageId } }, { uid: true });
      const uid = appended.uid ?? (Array.isArray(after) ? after[0] : undefined);
      transcript.push(`verify: ${Array.isArray(after) && after.length > 0 ? 'found' : 'not found by search'}`);
      return { outcome: 'saved', folder, uid, transcript };
    } catch (error) {
      const kind = classifyImapError(error, step);
      // A refusal of this one message (quota, APPEND refused, no such folder) leaves the session usable.
      if (!client.usable || !MESSAGE_KINDS.has(kind)) this.broken = true;
      return failure(transcript, kind, folder, error);
    } finally {
      lock?.release();
    }
  }
}

/** Failures about one message or folder: the connection stays good for the next copy. */
const MESSAGE_KINDS: ReadonlySet<SentCopyFailureKind> = new Set(['no-sent-folder', 'folder-missing', 'over-quota', 'append-refused']);

function failure(transcript: string[], kind: SentCopyFailureKind, folder?: string, error?: unknown): SentCopyResult {
  const reply = error === undefined ? undefined : serverReply(error);
  const detail = error instanceof Error && !reply ? error.message : undefined;
  transcript.push(`failed: ${kind}${reply ? `: ${reply}` : detail ? ` (${detail})` : ''}`);
  return { outcome: 'failed', folder, kind, reply, error: explainFailure(kind, reply, detail), transcript };
}

/** Copies one sent message into the Sent folder over a connection of its own; failures come back as values, explained. */
export async function appendSentCopy(request: SentCopyRequest): Promise<SentCopyResult> {
  const session = new SentCopySession(request);
  try {
    const result = await session.append({
      messageId: request.messageId,
      bytes: request.bytes,
      size: request.size,
      ...(request.folder !== undefined ? { folder: request.folder } : {}),
    });
    return result;
  } finally {
    await session.close();
    // The old single-shot transcript ended with the logout.
  }
}
