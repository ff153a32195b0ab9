// The cross-process lock around every change to accounts.json: the app and any number of `outbox` commands
// read, modify and write the file one at a time, so no account added elsewhere is lost to a stale read.
import fsCallback from 'node:fs';
import { AppError } from '../../shared/errors';
import { mapFsError } from '../fs/fs-errors';
import type { Logger } from '../ports';
import { named } from '../logging';

/**
 * proper-lockfile makes its lock folder with a bare mkdir (0777 under umask 000): this one is private whatever the umask.
 * Made at the first lock: copying node:fs reads its every property, fs.promises too, which loads Node's promises API
 * (and readline) into a command that only reads accounts.
 */
const privateFs = (): typeof fsCallback => ({
  ...fsCallback,
  mkdir: ((dir: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    fsCallback.mkdir(dir, { mode: 0o700 }, callback)) as typeof fsCallback.mkdir,
});

/** A holder that dies leaves the lock behind; after this long without a refresh it counts as abandoned. */
const STALE_MS = 10_000;

/**
 * Runs `fn` holding `<file>.lock` (a folder made with mkdir, atomic on every file system; proper-lockfile
 * refreshes its mtime while held and takes over one left stale by a crash). Waits up to ~15 s for another holder.
 */
export async function withAccountsLock<T>(file: string, logger: Logger, fn: () => Promise<T>): Promise<T> {
  let release: () => Promise<void>;
  // Loaded for the first change, not with the store: proper-lockfile brings graceful-fs, which patches fs
  // process-wide, and a command that only reads accounts (outbox send) should not pay or carry that.
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(file, {
      realpath: false,
      fs: privateFs(),
      stale: STALE_MS,
      retries: { retries: 60, factor: 1.3, minTimeout: 10, maxTimeout: 400, randomize: true },
      // A lock taken over while we held it (we were frozen past STALE_MS): say so; the write still replaces the file whole.
      onCompromised: (error) => named(logger, 'accounts').warn(`the lock on ${file} was taken over: ${error.message}`),
    });
  } catch (error) {
    // The folder cannot hold a lock (a file in the way, read-only): the same words as a failed write.
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw mapFsError(error, file);
    throw new AppError('LOCK_HELD', {
      message: 'Another Outbox process kept the accounts file locked.',
      next: 'Try again in a moment.',
      cause: error,
    });
  }
  try {
    return await fn();
  } finally {
    await release().catch((error: unknown) => named(logger, 'accounts').warn(`releasing the lock on ${file} failed: ${String(error)}`));
  }
}
