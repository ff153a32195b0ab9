// Drafts on disk: one JSON file per draft in <dataDir>/drafts, written durably, so what the user was writing
// is back after a restart or a crash. Attachments are referred to by staged id.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import * as z from 'zod';
import { draftFieldsSchema, draftSaveSchema, type Draft, type DraftSave } from '../../shared/compose';
import { AppError } from '../../shared/errors';
import { writeFileDurable } from '../fs/durable-write';
import { mapFsError } from '../fs/fs-errors';
import type { AttachmentStaging } from './attachment-staging';

const storedSchema = draftFieldsSchema.extend({ id: z.string(), updatedAt: z.string() });
type StoredDraft = z.output<typeof storedSchema>;

export class DraftStore {
  constructor(
    private readonly dir: string,
    private readonly staging: AttachmentStaging,
    private readonly now: () => number = Date.now,
  ) {}

  /** Newest first; a damaged file is skipped, not fatal. */
  async list(): Promise<Draft[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const stored = await Promise.all(names.filter((n) => /^draft-[a-z0-9-]+\.json$/.test(n)).map((n) => this.read(n.slice(0, -5))));
    const drafts = stored.filter((d): d is StoredDraft => d !== null).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return Promise.all(drafts.map((d) => this.view(d)));
  }

  async get(id: string): Promise<Draft | undefined> {
    const stored = await this.read(this.checkId(id));
    return stored ? this.view(stored) : undefined;
  }

  async save(input: DraftSave): Promise<Draft> {
    const fields = draftSaveSchema.parse(input);
    const id = fields.id ? this.checkId(fields.id) : `draft-${randomUUID()}`;
    const stored: StoredDraft = { ...fields, id, updatedAt: new Date(this.now()).toISOString() };
    try {
      await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeFileDurable(this.file(id), JSON.stringify(stored));
    } catch (error) {
      throw mapFsError(error, 'the drafts folder');
    }
    return this.view(stored);
  }

  async remove(id: string): Promise<void> {
    await fs.rm(this.file(this.checkId(id)), { force: true });
  }

  /** Every attachment id some draft refers to. */
  async attachmentsInUse(): Promise<Set<string>> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const stored = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.read(n.slice(0, -5))));
    return new Set(stored.flatMap((d) => d?.attachments ?? []));
  }

  private async read(id: string): Promise<StoredDraft | null> {
    try {
      return storedSchema.parse(JSON.parse(await fs.readFile(this.file(id), 'utf8')));
    } catch {
      return null;
    }
  }

  private async view(stored: StoredDraft): Promise<Draft> {
    const { attachments, scheduledAt, accountId, ...rest } = stored;
    return {
      ...rest,
      ...(accountId ? { accountId } : {}),
      ...(scheduledAt ? { scheduledAt } : {}),
      attachments: await this.staging.describe(attachments),
    };
  }

  private checkId(id: string): string {
    if (!/^draft-[a-z0-9-]{8,60}$/.test(id)) throw new AppError('VALIDATION', { detail: 'not a draft id' });
    return id;
  }

  private file(id: string): string {
    return path.join(this.dir, `${id}.json`);
  }
}
