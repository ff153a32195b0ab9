// Writing one message into queue/ durably, the point from which it is never lost: the engine's intake does it
// for every message, and `outbox send --queue-only` does it alone, without an engine (no journal, no sender
// lock, no preferences): a script's sendmail call validates, writes tmp/ (fsync), renames into queue/, syncs
// the folder and exits. The process holding the sender lock, if any, takes the file in from its watcher.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileOps as fs } from '../fs/file-ops';
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { DirSyncer } from '../fs/dir-sync';
import { FILE_MODE } from '../fs/private-files';
import { systemClock, type Clock } from '../ports';
import { attachmentError } from './composer';
import type { EngineAccounts, RawEnqueueRequest } from './engine-api';
import { DEFAULT_RESERVE_BYTES, ensureReserve, RESERVE_FILE } from './journal';
import { prepareRawMessage } from './raw-message';
import { recordFromSpool, toOutboxMessage } from './record';
import { writeSpoolFile, type SpoolEntryInfo, type SpoolMeta, type TempFile } from './spool-file';
import { ensureSpool, MESSAGE_SUFFIX, newMessageKey, spoolPaths, type SpoolPaths } from './spool-paths';

/** A scheduled time as given, else Undo send's delay: the same wait, marked as an undo window. */
export function whenToSend(
  now: number,
  scheduledAt: string | undefined,
  delaySeconds: number | undefined,
): Pick<SpoolMeta, 'scheduledAt' | 'undoUntil'> {
  if (scheduledAt) return { scheduledAt: new Date(scheduledAt).toISOString() };
  if (!delaySeconds || delaySeconds <= 0) return {};
  const until = new Date(now + delaySeconds * 1000).toISOString();
  return { scheduledAt: until, undoUntil: until };
}

/** The account a message names (id, else its From address, else the default), or ACCOUNT_NOT_FOUND. */
export async function pickAccountOrFail(
  accounts: Pick<EngineAccounts, 'pick'>,
  accountId: string | undefined,
  from: string | undefined,
): Promise<AccountProfile> {
  const account = await accounts.pick({ ...(accountId ? { accountId } : {}), ...(from ? { from } : {}) });
  if (!account) {
    throw new AppError('ACCOUNT_NOT_FOUND', {
      message: accountId ? `There is no account "${accountId}".` : 'No account is set up to send from.',
      next: 'Add an account first (outbox account add …, or Settings in the app).',
    });
  }
  return account;
}

/** The spool metadata and final bytes of sendmail-style input. */
export async function prepareRawSpool(
  request: RawEnqueueRequest,
  accounts: Pick<EngineAccounts, 'pick'>,
  now: number,
): Promise<{ meta: SpoolMeta; body: Readable }> {
  const prepared = await prepareRawMessage(request, (accountId, from) => pickAccountOrFail(accounts, accountId, from), new Date(now));
  return {
    meta: {
      v: 1,
      id: newMessageKey(now),
      createdAt: new Date(now).toISOString(),
      ...prepared.meta,
      ...whenToSend(now, request.scheduledAt, request.delaySeconds),
    },
    body: prepared.body,
  };
}

export interface QueueWriteDeps {
  paths: SpoolPaths;
  reserveBytes: number;
  /** Whether the caller already found the journal's reserve in place (no second look). */
  reserveChecked?: boolean;
  /** A new, empty, open file in tmp/. */
  openTemp(): Promise<TempFile>;
  /** fsyncs the queue folder (coalescing concurrent calls in the engine). */
  syncQueue(): Promise<void>;
}

/** The durable write: once this resolves, the message survives a crash, a kill or a power cut. */
export async function writeToQueue(deps: QueueWriteDeps, meta: SpoolMeta, body: Readable): Promise<SpoolEntryInfo> {
  // Without the journal's reserve, accepting more mail could leave no room to record what happens to it.
  if (!deps.reserveChecked && !(await ensureReserve(deps.paths.state, deps.reserveBytes))) {
    body.destroy();
    throw new AppError('DISK_FULL', { detail: deps.paths.root });
  }
  let info;
  try {
    info = await writeSpoolFile(deps.openTemp, path.join(deps.paths.queue, `${meta.id}${MESSAGE_SUFFIX}`), meta, body);
  } catch (error) {
    throw attachmentError((error as AppError).cause ?? error) ?? error;
  }
  await deps.syncQueue();
  return info;
}

export interface DropOptions {
  dataDir: string;
  accounts: Pick<EngineAccounts, 'pick'>;
  clock?: Clock;
  reserveBytes?: number;
}

/** Queues sendmail-style input as a message for whichever process sends (`outbox send --queue-only`). */
export async function dropRawMessage(options: DropOptions, request: RawEnqueueRequest): Promise<OutboxMessage> {
  const paths = spoolPaths(options.dataDir);
  const reserveBytes = options.reserveBytes ?? DEFAULT_RESERVE_BYTES;
  // Once per script call, so the usual case costs one look: the reserve is made after the folders, so finding it
  // means an earlier run set the spool up. Otherwise (a new data folder) the folders are made and checked first.
  // Folders that went missing since are made again when the temporary file or the rename says ENOENT.
  const reserveChecked = await hasReserve(paths.state, reserveBytes);
  if (!reserveChecked) await ensureSpool(paths);
  const { meta, body } = await prepareRawSpool(request, options.accounts, (options.clock ?? systemClock).now());
  const dirs = new DirSyncer();
  const info = await writeToQueue(
    {
      paths,
      reserveBytes,
      reserveChecked,
      // Opening the file is also the proof that tmp/ can be written (mkdir succeeds on a read-only folder).
      openTemp: async () => {
        const file = path.join(paths.tmp, `new-${process.pid}-${randomUUID()}.tmp`);
        try {
          return { handle: await fs.open(file, 'wx', FILE_MODE), path: file };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          await ensureSpool(paths);
          return { handle: await fs.open(file, 'wx', FILE_MODE), path: file };
        }
      },
      syncQueue: () => dirs.sync(paths.queue),
    },
    meta,
    body,
  );
  return toOutboxMessage(recordFromSpool(info));
}

/** Whether the journal's reserve is there, whole (read only: ensureReserve makes it). */
async function hasReserve(state: string, bytes: number): Promise<boolean> {
  return ((await fs.stat(path.join(state, RESERVE_FILE)).catch(() => null))?.size ?? 0) >= bytes;
}
