// Everything Outbox writes is for the user alone: files 0600 and folders 0700, whatever the umask (the
// mode given at creation can only narrow under a umask, never widen). Folders made earlier with a wider
// mode are narrowed where Outbox owns them.
import { createReadStream } from 'node:fs';
import { fileOps as fs } from './file-ops';
import { writeAll } from './write-all';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Makes `dir` and any missing parents 0700. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
}

/** Narrows a folder or file Outbox owns to its private mode, when it is wider (best effort: read-only media stay as they are). */
export async function narrowMode(target: string, mode: number): Promise<void> {
  const stat = await fs.stat(target).catch(() => null);
  if (stat && (stat.mode & 0o777 & ~mode) !== 0) await fs.chmod(target, mode).catch(() => {});
}

/** Copies `from` into a new file `to` created 0600: fs.copyFile would carry the source's mode over (0644, 0755...). */
export async function copyPrivate(from: string, to: string): Promise<void> {
  const handle = await fs.open(to, 'wx', FILE_MODE);
  try {
    for await (const chunk of createReadStream(from, { highWaterMark: 256 * 1024 })) await writeAll(handle, [chunk as Buffer], null);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a small new file 0600 (not atomic: for files that are only read once complete, or rewritten whole). */
export async function writePrivateFile(file: string, data: string | Uint8Array): Promise<void> {
  await fs.writeFile(file, data, { mode: FILE_MODE });
}
