// Attachments waiting in Compose: each chosen or dropped file is copied into <dataDir>/attachments/<id>/, so a draft
// keeps its files across restarts and the renderer only ever holds an id, never a path it could point anywhere.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import * as z from 'zod';
import type { StagedAttachment } from '../../shared/compose';
import { AppError } from '../../shared/errors';
import { writeFileDurable } from '../fs/durable-write';
import { mapFsError } from '../fs/fs-errors';
import { copyPrivate, ensurePrivateDir, writePrivateFile } from '../fs/private-files';

const metaSchema = z.object({ name: z.string(), size: z.number(), contentType: z.string(), stagedAt: z.string() });
const DATA = 'data';
const META = 'meta.json';

/** A staged attachment with where its bytes are, for the composer; only main ever sees the path. */
export interface StagedFile extends StagedAttachment {
  path: string;
}

export class AttachmentStaging {
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Copies a file the user chose in the OS picker. */
  async fromPath(file: string): Promise<StagedAttachment> {
    const stat = await fs.stat(file).catch((error: unknown) => {
      throw new AppError('ATTACHMENT_UNREADABLE', { message: `${path.basename(file)} cannot be read.`, cause: error });
    });
    if (!stat.isFile()) throw new AppError('ATTACHMENT_UNREADABLE', { message: `${path.basename(file)} is not a file.` });
    return this.stage(path.basename(file), '', (target) => copyPrivate(file, target));
  }

  /** Stores the bytes of a file dropped on the window. */
  fromBytes(name: string, contentType: string, bytes: Uint8Array): Promise<StagedAttachment> {
    return this.stage(name, contentType, (target) => writePrivateFile(target, bytes));
  }

  private async stage(name: string, contentType: string, write: (target: string) => Promise<void>): Promise<StagedAttachment> {
    const id = `att-${randomUUID()}`;
    const folder = path.join(this.dir, id);
    try {
      await ensurePrivateDir(folder);
      await write(path.join(folder, DATA));
      const { size } = await fs.stat(path.join(folder, DATA));
      const meta = { name: safeName(name), size, contentType, stagedAt: new Date(this.now()).toISOString() };
      await writeFileDurable(path.join(folder, META), JSON.stringify(meta));
      return { id, name: meta.name, size, contentType };
    } catch (error) {
      await fs.rm(folder, { recursive: true, force: true }).catch(() => undefined);
      if (error instanceof AppError) throw error;
      throw mapFsError(error, 'the attachments folder');
    }
  }

  /** The attachment and its file; ATTACHMENT_UNREADABLE when it is gone. */
  async get(id: string): Promise<StagedFile> {
    const folder = this.folder(id);
    try {
      const meta = metaSchema.parse(JSON.parse(await fs.readFile(path.join(folder, META), 'utf8')));
      return { id, name: meta.name, size: meta.size, contentType: meta.contentType, path: path.join(folder, DATA) };
    } catch (error) {
      throw new AppError('ATTACHMENT_UNREADABLE', {
        message: 'An attachment of this message is no longer there.',
        next: 'Remove it and attach the file again.',
        cause: error,
      });
    }
  }

  /** The attachments that are still there, in order; missing ones are left out. */
  async describe(ids: readonly string[]): Promise<StagedAttachment[]> {
    const found = await Promise.all(ids.map((id) => this.get(id).catch(() => null)));
    return found.filter((a): a is StagedFile => a !== null).map(({ path: _path, ...attachment }) => attachment);
  }

  async discard(id: string): Promise<void> {
    await fs.rm(this.folder(id), { recursive: true, force: true });
  }

  /** Removes staged files no draft refers to and older than `graceMs` (an open Compose may hold fresh ones). */
  async sweep(inUse: ReadonlySet<string>, graceMs = 24 * 3600_000): Promise<number> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      if (!name.startsWith('att-') || inUse.has(name)) continue;
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => null);
      if (stat && this.now() - stat.mtimeMs < graceMs) continue;
      await fs.rm(path.join(this.dir, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  private folder(id: string): string {
    if (!/^att-[a-z0-9-]{8,60}$/.test(id)) throw new AppError('VALIDATION', { detail: 'not an attachment id' });
    return path.join(this.dir, id);
  }
}

/** The name as the recipient will see it: no folders, no control characters. */
function safeName(name: string): string {
  const base = path.basename(name.replace(/\\/g, '/'));
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return cleaned.slice(0, 255) || 'attachment';
}
