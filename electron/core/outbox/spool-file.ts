// One queued message on disk: a fixed header line, the message's metadata as JSON, then the exact RFC 5322 bytes.
// Written to tmp/, fsynced, then renamed into queue/ so that a half-written message is never visible.
import { createHash } from 'node:crypto';
import fsCallback, { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileOps as fs, type OpenFile } from '../fs/file-ops';
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { mapFsError } from '../fs/fs-errors';
import { writeAll } from '../fs/write-all';
import { DIR_MODE } from '../fs/private-files';
import { bufferStream } from './body-cache';

export const SPOOL_MAGIC = 'OUTBOX-SPOOL 1 ';
// "OUTBOX-SPOOL 1 " + meta length (10) + ' ' + body length (12) + ' ' + sha256 (64) + '\n'
const SMALL_BODY = 256 * 1024;
/**
 * Bodies up to this size are read in one blocking open, read and close: a typical mail is a few kilobytes,
 * read from the page cache in microseconds, while the three thread-pool round trips of an async read cost a
 * flush more than the read itself (each wakes a worker thread; measured: throttled_flush_ratio, 2 connections).
 */
export const INLINE_BODY = 64 * 1024;
export const HEADER_LENGTH = SPOOL_MAGIC.length + 10 + 1 + 12 + 1 + 64 + 1;

/** What the spool keeps about a message besides its bytes. Immutable once written. */
export type SpoolMeta = { v: 1 } & Pick<
  OutboxMessage,
  'id' | 'accountId' | 'envelope' | 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount' | 'createdAt' | 'scheduledAt' | 'undoUntil'
>;

export interface SpoolEntryInfo {
  meta: SpoolMeta;
  /** Byte offset where the RFC 5322 message starts. */
  bodyOffset: number;
  bodyLength: number;
  sha256: string;
  /** The body itself, for a small message just written (never read back from disk). */
  bytes?: Buffer;
}

function headerLine(metaLength: number, bodyLength: number, sha256: string): string {
  return `${SPOOL_MAGIC}${String(metaLength).padStart(10, '0')} ${String(bodyLength).padStart(12, '0')} ${sha256}\n`;
}

export interface TempFile {
  handle: OpenFile;
  path: string;
}

/**
 * Writes meta and the streamed body to a temporary file from `openTemp`, fsyncs it, and renames it to
 * `finalPath`. The caller fsyncs the destination directory. On any failure the temporary file is removed.
 */
export async function writeSpoolFile(
  openTemp: () => Promise<TempFile>,
  finalPath: string,
  meta: SpoolMeta,
  body: Readable,
): Promise<SpoolEntryInfo> {
  const metaLine = Buffer.from(`${JSON.stringify(meta)}\n`, 'utf8');
  const bodyOffset = HEADER_LENGTH + metaLine.length;
  const hash = createHash('sha256');
  let bodyLength = 0;
  let handle: OpenFile | undefined;
  let tmpPath = '';
  try {
    // Gather up to 256 KB: a small message is then written with one call, a large one in 256 KB steps,
    // never held whole in memory.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let position = bodyOffset;
    const iterator = body[Symbol.asyncIterator]();
    for (;;) {
      const next = await iterator.next();
      if (!next.done) {
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : (next.value as Buffer);
        hash.update(chunk);
        bodyLength += chunk.length;
        pending.push(chunk);
        pendingBytes += chunk.length;
        if (pendingBytes < SMALL_BODY) continue;
      }
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      if (!handle) {
        ({ handle, path: tmpPath } = await openTemp());
        if (next.done) {
          // The whole message at once, header final from the start.
          const sha256 = hash.digest('hex');
          await writeAll(handle, [Buffer.from(headerLine(metaLine.length - 1, bodyLength, sha256), 'latin1'), metaLine, chunk], 0);
          await finish(handle, tmpPath, finalPath);
          handle = undefined;
          const info: SpoolEntryInfo = { meta, bodyOffset, bodyLength, sha256 };
          // Still whole in memory: hand it back so it can be sent without a re-read.
          if (bodyLength > 0) info.bytes = chunk;
          return info;
        }
        await writeAll(handle, [Buffer.from(headerLine(metaLine.length - 1, 0, '0'.repeat(64)), 'latin1'), metaLine], 0);
      }
      await writeAll(handle, [chunk], position);
      position += chunk.length;
      if (next.done) break;
    }
    const sha256 = hash.digest('hex');
    await writeAll(handle!, [Buffer.from(headerLine(metaLine.length - 1, bodyLength, sha256), 'latin1')], 0);
    await finish(handle!, tmpPath, finalPath);
    handle = undefined;
    return { meta, bodyOffset, bodyLength, sha256 };
  } catch (error) {
    await handle?.close().catch(() => {});
    if (tmpPath) await fs.rm(tmpPath, { force: true }).catch(() => {});
    body.destroy();
    throw mapFsError(error, path.dirname(finalPath));
  }
}

async function finish(handle: OpenFile, tmpPath: string, finalPath: string): Promise<void> {
  await handle.sync();
  await handle.close();
  try {
    await fs.rename(tmpPath, finalPath);
  } catch (error) {
    // The spool is not set up again before every write: a destination folder removed since is made here.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await fs.mkdir(path.dirname(finalPath), { recursive: true, mode: DIR_MODE });
    await fs.rename(tmpPath, finalPath);
  }
}

function corrupt(file: string, detail: string): AppError {
  return new AppError('SPOOL_CORRUPT', { detail: `${path.basename(file)}: ${detail}` });
}

/**
 * Reads and checks a spool file's header and metadata; `verify` also checks the body's hash. `anySize` reads
 * the metadata of a file whose length no longer matches its header (to describe a damaged file).
 */
export async function readSpoolFile(file: string, options: { verify: boolean; anySize?: boolean }): Promise<SpoolEntryInfo> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(head, 0, head.length, 0);
    const line = head.subarray(0, HEADER_LENGTH).toString('latin1');
    const match = /^OUTBOX-SPOOL 1 (\d{10}) (\d{12}) ([0-9a-f]{64})\n$/.exec(line);
    if (!match) throw corrupt(file, 'not an Outbox spool file or cut off');
    const metaLength = Number(match[1]);
    const bodyLength = Number(match[2]);
    const sha256 = match[3]!;
    const bodyOffset = HEADER_LENGTH + metaLength + 1;
    if (size !== bodyOffset + bodyLength && !options.anySize)
      throw corrupt(file, `expected ${bodyOffset + bodyLength} bytes, found ${size}`);
    let metaBytes = head.subarray(HEADER_LENGTH, HEADER_LENGTH + metaLength);
    if (metaBytes.length < metaLength) {
      metaBytes = Buffer.alloc(metaLength);
      await handle.read(metaBytes, 0, metaLength, HEADER_LENGTH);
    }
    let meta: SpoolMeta;
    try {
      meta = JSON.parse(metaBytes.toString('utf8')) as SpoolMeta;
    } catch {
      throw corrupt(file, 'metadata is not valid JSON');
    }
    if (meta?.v !== 1 || typeof meta.id !== 'string' || !Array.isArray(meta.envelope?.to) || typeof meta.accountId !== 'string') {
      throw corrupt(file, 'metadata is incomplete');
    }
    if (options.verify) {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(file, { start: bodyOffset, highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
      if (hash.digest('hex') !== sha256) throw corrupt(file, 'content does not match its checksum');
    }
    return { meta, bodyOffset, bodyLength, sha256 };
  } finally {
    await handle.close();
  }
}

/** What was recorded about a message's bytes when it was taken in. */
export interface BodyExpectation {
  bodyOffset: number;
  bodyLength: number;
  sha256: string;
}

export type DamageKind = 'missing' | 'size' | 'content' | 'unreadable';

/** What to do about a damaged message: the stored copy is all Outbox has, so only the user can write it again. */
export const DAMAGED_NEXT = 'Write it again, or delete it.';

/** A message's stored bytes no longer match the length and SHA-256 recorded when it was taken in. */
export class SpoolDamage extends AppError {
  constructor(
    readonly kind: DamageKind,
    reason: string,
    detail: string,
    next = DAMAGED_NEXT,
  ) {
    super('SPOOL_CORRUPT', { message: reason, next, detail });
  }
}

export function isSpoolDamage(error: unknown): error is SpoolDamage {
  return error instanceof SpoolDamage;
}

/** "800 KB", or exact bytes when two sizes would otherwise read the same. */
export function sizeWords(bytes: number, other?: number): string {
  const kb = (n: number) => Math.round(n / 1024);
  if (bytes < 1024 || (other !== undefined && kb(bytes) === kb(other))) return `${bytes.toLocaleString('en-US')} bytes`;
  if (bytes < 10 * 1024 * 1024) return `${kb(bytes).toLocaleString('en-US')} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The plain words for a damaged message, for the moment it was found (before sending, or before the Sent copy). */
export function damageReason(
  kind: DamageKind,
  found: { now?: number; was?: number; what?: string },
  when: 'queued' | 'sent' = 'queued',
): string {
  const outcome = when === 'queued' ? 'it was not sent' : 'no copy was saved to the Sent folder (the message itself went out intact)';
  switch (kind) {
    case 'missing':
      return `Its stored copy is missing from the outbox folder; ${outcome}.`;
    case 'size':
      return `Its stored copy changed on disk after it was ${when} (now ${sizeWords(found.now ?? 0, found.was)}, was ${sizeWords(found.was ?? 0, found.now)}); ${outcome}.`;
    case 'content':
      return `Its stored copy changed on disk after it was ${when} (same size, different content); ${outcome}.`;
    case 'unreadable':
      return `Its stored copy in the outbox folder is damaged (${found.what ?? 'unreadable'}); ${outcome}.`;
  }
}

/** The checked bytes of one message, ready to be streamed as often as the sender asks; release() when done. */
export interface CheckedBody {
  open(): Readable;
  release(): Promise<void>;
}

/**
 * Checks a message's stored bytes against the length and SHA-256 recorded at enqueue, streamed (a large
 * message is never whole in memory), and hands back those very bytes: a small message from the buffer that
 * was hashed, a large one from the file handle that was checked, so a file replaced meanwhile is not read.
 * Throws SpoolDamage when the file is missing, cut short, longer, or different.
 */
export async function checkSpoolBody(file: string, expected: BodyExpectation, when: 'queued' | 'sent' = 'queued'): Promise<CheckedBody> {
  if (expected.bodyLength <= INLINE_BODY) return checkInlineBody(file, expected, when);
  if (expected.bodyLength <= SMALL_BODY) return checkSmallBody(file, expected, when);
  const name = path.basename(file);
  let handle: OpenFile;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    throw missingOr(error, file, when);
  }
  let keep = false;
  try {
    const { size } = await handle.stat();
    const end = expected.bodyOffset + expected.bodyLength;
    if (size !== end) throw sizeDamage(name, size, expected, when);
    const range = { start: expected.bodyOffset, end: end - 1, autoClose: false, highWaterMark: SMALL_BODY };
    const hash = createHash('sha256');
    let seen = 0;
    for await (const chunk of handle.createReadStream(range)) {
      hash.update(chunk as Buffer);
      seen += (chunk as Buffer).length;
    }
    if (seen !== expected.bodyLength) throw sizeDamage(name, expected.bodyOffset + seen, expected, when);
    if (hash.digest('hex') !== expected.sha256) throw contentDamage(name, when);
    keep = true;
    const checked = handle;
    return { open: () => checked.createReadStream(range), release: () => checked.close().catch(() => {}) };
  } finally {
    if (!keep) await handle.close().catch(() => {});
  }
}

function missingOr(error: unknown, file: string, when: 'queued' | 'sent'): Error {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT')
    return new SpoolDamage('missing', damageReason('missing', {}, when), `${path.basename(file)}: not found`);
  return mapFsError(error, file);
}

function sizeDamage(name: string, size: number, expected: BodyExpectation, when: 'queued' | 'sent'): SpoolDamage {
  const now = Math.max(0, size - expected.bodyOffset);
  const end = expected.bodyOffset + expected.bodyLength;
  return new SpoolDamage('size', damageReason('size', { now, was: expected.bodyLength }, when), `${name}: ${size} bytes, expected ${end}`);
}

function contentDamage(name: string, when: 'queued' | 'sent'): SpoolDamage {
  return new SpoolDamage('content', damageReason('content', {}, when), `${name}: SHA-256 differs from the one recorded at enqueue`);
}

/** A message of a few kilobytes, read whole without the thread pool; the same checks as checkSmallBody. */
function checkInlineBody(file: string, expected: BodyExpectation, when: 'queued' | 'sent'): CheckedBody {
  const name = path.basename(file);
  let fd: number;
  try {
    fd = fsCallback.openSync(file, 'r');
  } catch (error) {
    throw missingOr(error, file, when);
  }
  try {
    // One byte more than recorded, so a file cut short or appended to shows in the count read.
    const buffer = Buffer.allocUnsafe(expected.bodyLength + 1);
    let read = 0;
    for (;;) {
      let bytes: number;
      try {
        bytes = fsCallback.readSync(fd, buffer, read, buffer.length - read, expected.bodyOffset + read);
      } catch (error) {
        throw mapFsError(error, file);
      }
      read += bytes;
      // A short read of a regular file is its end; only one short of what was recorded is asked again.
      if (bytes === 0 || read >= expected.bodyLength) break;
    }
    if (read !== expected.bodyLength) {
      let size = expected.bodyOffset + read;
      try {
        size = fsCallback.fstatSync(fd).size;
      } catch {
        // The count read says enough.
      }
      throw sizeDamage(name, size, expected, when);
    }
    const body = buffer.subarray(0, read);
    if (createHash('sha256').update(body).digest('hex') !== expected.sha256) throw contentDamage(name, when);
    return { open: () => bufferStream(body), release: async () => {} };
  } finally {
    fsCallback.closeSync(fd);
  }
}

/**
 * A small message in one open, one read and one close (plain callbacks: this is on every send's path): one
 * byte more than recorded is asked for, so a file cut short or appended to shows in the count read.
 */
function checkSmallBody(file: string, expected: BodyExpectation, when: 'queued' | 'sent'): Promise<CheckedBody> {
  const name = path.basename(file);
  return new Promise((resolve, reject) => {
    fsCallback.open(file, 'r', (openError, fd) => {
      if (openError) return reject(missingOr(openError, file, when));
      const buffer = Buffer.allocUnsafe(expected.bodyLength + 1);
      const readFrom = (offset: number): void => {
        fsCallback.read(fd, buffer, offset, buffer.length - offset, expected.bodyOffset + offset, (readError, bytes) => {
          if (readError) return fsCallback.close(fd, () => reject(mapFsError(readError, file)));
          // A short read of a regular file is its end; only one short of what was recorded is asked again.
          if (bytes > 0 && offset + bytes < expected.bodyLength) return readFrom(offset + bytes);
          const read = offset + bytes;
          if (read === expected.bodyLength) {
            fsCallback.close(fd, () => {});
            const body = buffer.subarray(0, read);
            if (createHash('sha256').update(body).digest('hex') !== expected.sha256) return reject(contentDamage(name, when));
            return resolve({ open: () => bufferStream(body), release: async () => {} });
          }
          // Cut short or appended to: the file's size says by how much.
          fsCallback.fstat(fd, (_statError, stat) => {
            fsCallback.close(fd, () => {});
            reject(sizeDamage(name, stat?.size ?? expected.bodyOffset + read, expected, when));
          });
        });
      };
      readFrom(0);
    });
  });
}
