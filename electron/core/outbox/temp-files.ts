// Temporary files for new spool entries, one created ahead once a second message comes: creating a file right
// after the previous enqueue's folder sync waits on the file-system journal, so that wait moves off the enqueue
// path. A process that takes in one message (`outbox send`) makes no spare it would only delete at exit.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import type { TempFile } from './spool-file';

/** Younger than the start-up clean-up of tmp/ (an hour), so a spare is never removed under us. */
const SPARE_MAX_AGE_MS = 10 * 60_000;

interface Spare extends TempFile {
  createdAt: number;
}

export class TempFiles {
  private spare: Promise<Spare | null> | null = null;
  private taken = false;

  constructor(private readonly dir: string) {}

  /** A new, empty, open temporary file. */
  async take(): Promise<TempFile> {
    const pending = this.spare;
    // From the second message on, the next spare is set before any wait, so concurrent takers each get their own file.
    if (this.taken) this.spare = this.create().catch(() => null);
    else this.taken = true;
    const spare = pending ? await pending : null;
    if (spare && Date.now() - spare.createdAt < SPARE_MAX_AGE_MS) return spare;
    if (spare) await discard(spare);
    return this.create();
  }

  private async create(): Promise<Spare> {
    const file = path.join(this.dir, `new-${process.pid}-${randomUUID()}.tmp`);
    return { handle: await fs.open(file, 'wx', 0o600), path: file, createdAt: Date.now() };
  }

  async close(): Promise<void> {
    const pending = this.spare;
    this.spare = null;
    const spare = pending ? await pending : null;
    if (spare) await discard(spare);
  }
}

async function discard(file: TempFile): Promise<void> {
  await file.handle.close().catch(() => {});
  await fs.rm(file.path, { force: true }).catch(() => {});
}
