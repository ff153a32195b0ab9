// Saves the exact bytes of a sent message into the account's Sent folder over IMAP, marked \Seen.
// Searches for the Message-ID before appending, so a retry after a lost answer never stores a duplicate.
import type { Readable } from 'node:stream';
import type tls from 'node:tls';
import { ImapFlow, type ImapFlowOptions, type MailboxLockObject } from 'imapflow';
import type { ErrorInfo } from '../../shared/errors';
import { classifyImapError, explainFailure, serverReply, type SentCopyFailureKind } from './imap-explain';
import { IMAP_DESKTOP_TIMEOUTS, type ImapCredentials, type ImapSettings, type ImapTimeouts } from './imap-settings';
import { findSentFolder } from './sent-folder';

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

function clientOptions(request: SentCopyRequest): ImapFlowOptions {
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

/** Copies one sent message into the Sent folder; failures come back as values, explained. */
export async function appendSentCopy(request: SentCopyRequest): Promise<SentCopyResult> {
  const transcript: string[] = [];
  const { settings } = request;
  const fail = (kind: SentCopyFailureKind, folder?: string, error?: unknown): SentCopyResult => {
    const reply = error === undefined ? undefined : serverReply(error);
    const detail = error instanceof Error && !reply ? error.message : undefined;
    transcript.push(`failed: ${kind}${reply ? `: ${reply}` : detail ? ` (${detail})` : ''}`);
    return { outcome: 'failed', folder, kind, reply, error: explainFailure(kind, reply, detail), transcript };
  };

  if (settings.security === 'none' && !settings.insecure) return fail('plaintext-refused', request.folder);
  const messageId = angleBracketed(request.messageId);
  const bytes = await readAll(request.bytes, request.size);

  const client = new ImapFlow(clientOptions(request));
  // Errors also reach the pending command; without a listener an 'error' event would crash the process.
  client.on('error', () => undefined);
  let step: 'connect' | 'select' | 'append' | 'other' = 'connect';
  let folder = request.folder;
  let lock: MailboxLockObject | undefined;
  try {
    transcript.push(`connect ${settings.host}:${settings.port} (${settings.security})`);
    await client.connect();
    transcript.push(`logged in as ${request.credentials.user}`);

    step = 'other';
    if (folder === undefined) {
      const found = await findSentFolder(client);
      if (!found.found) {
        transcript.push(`no Sent folder among: ${found.folders.join(', ') || '(none)'}`);
        return fail('no-sent-folder');
      }
      folder = found.path;
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
    return fail(classifyImapError(error, step), folder, error);
  } finally {
    lock?.release();
    await client.logout().catch(() => client.close());
    transcript.push('logout');
  }
}
