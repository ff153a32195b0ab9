// Reconciles the queue folder with the journal: finds messages dropped by other processes, checks them,
// and quarantines damaged ones (moved aside with a note saying why, and listed), so the rest carries on.
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';
import { moveToQuarantine, recordForDamagedFile, unreadableError } from './quarantine';
import type { MessageRecord } from './record';
import { recordFromSpool } from './record';
import { readSpoolFile } from './spool-file';
import { MESSAGE_SUFFIX, type SpoolPaths } from './spool-paths';

export interface QuarantinedFile {
  /** The message as it is listed: state 'quarantined', with its reason. */
  record: MessageRecord;
  /** Where its file is now, when it was moved to quarantine/. */
  file?: string;
  error: ErrorInfo;
}

export interface ScanResult {
  /** Files in queue/ the journal does not know yet, checked and ready to record. */
  found: MessageRecord[];
  /** Damaged files the journal did not know: moved to quarantine/ when `move`, otherwise only described. */
  quarantined: QuarantinedFile[];
  /** Names (ids) present in queue/. */
  present: Set<string>;
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

/**
 * Lists queue/ and checks every message `known` does not hold. Only the sender moves damaged files
 * (`move`); a process that merely reads the outbox lists them as quarantined and leaves them in place.
 */
export async function scanQueue(
  paths: SpoolPaths,
  known: (id: string) => boolean,
  options: { move: boolean } = { move: true },
): Promise<ScanResult> {
  const names = await fs.readdir(paths.queue);
  const present = new Set<string>();
  const fresh: string[] = [];
  for (const name of names) {
    if (!name.endsWith(MESSAGE_SUFFIX)) continue;
    const id = name.slice(0, -MESSAGE_SUFFIX.length);
    present.add(id);
    if (!known(id)) fresh.push(name);
  }
  const found: MessageRecord[] = [];
  const quarantined: ScanResult['quarantined'] = [];
  await mapLimit(fresh, 16, async (name) => {
    const file = path.join(paths.queue, name);
    try {
      const info = await readSpoolFile(file, { verify: true });
      if (`${info.meta.id}${MESSAGE_SUFFIX}` !== name) throw new Error(`${name}: its metadata names another message`);
      found.push(recordFromSpool(info));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // removed meanwhile
      const info = unreadableError(name, toErrorInfo(error).detail ?? toErrorInfo(error).message);
      const at = new Date().toISOString();
      // Read what can still be read before the file moves.
      const described = await recordForDamagedFile(file, info, at, undefined);
      const moved = options.move ? await moveToQuarantine(paths, file, info, at) : undefined;
      if (moved) described.quarantine = { ...described.quarantine!, file: moved };
      quarantined.push({ record: described, ...(moved ? { file: moved } : {}), error: info });
      if (moved) present.delete(name.slice(0, -MESSAGE_SUFFIX.length));
    }
  });
  found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
  return { found, quarantined, present };
}

/** Removes temporary files a crashed producer left behind (never a message that was accepted). */
export async function cleanTmp(paths: SpoolPaths, olderThanMs: number): Promise<void> {
  const now = Date.now();
  for (const name of await fs.readdir(paths.tmp).catch(() => [] as string[])) {
    const file = path.join(paths.tmp, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > olderThanMs) await fs.rm(file, { force: true }).catch(() => {});
  }
  for (const name of await fs.readdir(paths.trash).catch(() => [] as string[])) {
    await fs.rm(path.join(paths.trash, name), { force: true }).catch(() => {});
  }
}
