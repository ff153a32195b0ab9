// One queued message on disk: a fixed header line, the message's metadata as JSON, then the exact RFC 5322 bytes.
// Written to tmp/, fsynced, then renamed into queue/ so that a half-written message is never visible.
import { createHash } from 'node:crypto';
import fsCallback, { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { mapFsError } from '../fs/fs-errors';

export const SPOOL_MAGIC = 'OUTBOX-SPOOL 1 ';
// "OUTBOX-SPOOL 1 " + meta length (10) + ' ' + body length (12) + ' ' + sha256 (64) + '\n'
export const HEADER_LENGTH = SPOOL_MAGIC.length + 10 + 1 + 12 + 1 + 64 + 1;

/** What the spool keeps about a message besides its bytes. Immutable once written. */
export type SpoolMeta = { v: 1 } & Pick<
  OutboxMessage,
  'id' | 'accountId' | 'envelope' | 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount' | 'createdAt' | 'scheduledAt'
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

/**
 * Writes meta and the streamed body to `tmpPath`, fsyncs it, and renames it to `finalPath`.
 * The caller fsyncs the destination directory. On any failure the temporary file is removed.
 */
export async function writeSpoolFile(tmpPath: string, finalPath: string, meta: SpoolMeta, body: Readable): Promise<SpoolEntryInfo> {
  const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmpPath, 'wx', 0o600);
    await handle.write(headerLine(metaBytes.length, 0, '0'.repeat(64)), 0, 'latin1');
    await handle.write(Buffer.concat([metaBytes, Buffer.from('\n')]), 0, metaBytes.length + 1, HEADER_LENGTH);
    const hash = createHash('sha256');
    let position = HEADER_LENGTH + metaBytes.length + 1;
    let bodyLength = 0;
    // Small writes are gathered so a 100 MB attachment costs few syscalls without being held in memory.
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const drain = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      await handle!.write(chunk, 0, chunk.length, position);
      position += chunk.length;
    };
    for await (const piece of body) {
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : (piece as Buffer);
      hash.update(chunk);
      bodyLength += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= 256 * 1024) await drain();
    }
    // A small message is still whole in memory here: hand it back so it can be sent without a re-read.
    const whole = position === HEADER_LENGTH + metaBytes.length + 1 && pendingBytes > 0 ? Buffer.concat(pending, pendingBytes) : undefined;
    await drain();
    const sha256 = hash.digest('hex');
    await handle.write(headerLine(metaBytes.length, bodyLength, sha256), 0, 'latin1');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmpPath, finalPath);
    const info: SpoolEntryInfo = { meta, bodyOffset: HEADER_LENGTH + metaBytes.length + 1, bodyLength, sha256 };
    if (whole) info.bytes = whole;
    return info;
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(tmpPath, { force: true }).catch(() => {});
    body.destroy();
    throw mapFsError(error, path.dirname(finalPath));
  }
}

function corrupt(file: string, detail: string): AppError {
  return new AppError('SPOOL_CORRUPT', { detail: `${path.basename(file)}: ${detail}` });
}

/** Reads and checks a spool file's header and metadata; `verify` also checks the body's length and hash. */
export async function readSpoolFile(file: string, options: { verify: boolean }): Promise<SpoolEntryInfo> {
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
    if (size !== bodyOffset + bodyLength) throw corrupt(file, `expected ${bodyOffset + bodyLength} bytes, found ${size}`);
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

const SMALL_BODY = 256 * 1024;

/** Reads a small body with one open, one read and one close: a stream costs twice the system calls. */
class SmallBodyStream extends Readable {
  private started = false;

  constructor(
    private readonly file: string,
    private readonly offset: number,
    private readonly length: number,
  ) {
    super();
  }

  override _read(): void {
    if (this.started) return;
    this.started = true;
    fsCallback.open(this.file, 'r', (openError, fd) => {
      if (openError) return this.destroy(openError);
      const buffer = Buffer.allocUnsafe(this.length);
      fsCallback.read(fd, buffer, 0, this.length, this.offset, (readError, bytes) => {
        fsCallback.close(fd, () => {});
        if (readError) return this.destroy(readError);
        if (bytes !== this.length) return this.destroy(new AppError('SPOOL_CORRUPT', { detail: `${path.basename(this.file)}: cut off` }));
        this.push(buffer);
        this.push(null);
      });
    });
  }
}

/** A fresh stream of the exact message bytes; large ones are streamed in 256 KB steps, never held whole. */
export function openSpoolBody(file: string, bodyOffset: number, bodyLength: number): Readable {
  if (bodyLength <= SMALL_BODY) return new SmallBodyStream(file, bodyOffset, bodyLength);
  return createReadStream(file, { start: bodyOffset, highWaterMark: SMALL_BODY });
}
