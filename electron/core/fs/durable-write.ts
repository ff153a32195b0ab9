// Crash-safe file replacement: write a temp file beside the target, fsync it, rename it over, fsync the folder.
// A reader sees the old bytes or the new bytes, never a mix; disk and permission failures become AppErrors.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileOps as fs } from './file-ops';
import { mapFsError } from './fs-errors';

/** Replaces `filePath` with `data` atomically and durably; on failure the old file is left as it was. */
export async function writeFileDurable(filePath: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(filePath);
  // Unique per call so concurrent writers (this process or another) never share a temp file.
  const tempPath = path.join(dir, `.${path.basename(filePath)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let created = false;
  try {
    const handle = await fs.open(tempPath, 'wx', 0o600);
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tempPath, filePath);
    created = false;
  } catch (error) {
    if (created) await fs.unlink(tempPath).catch(() => undefined);
    throw mapFsError(error, filePath);
  }
  await fsyncDir(dir);
}

/** Makes a rename or unlink in `dir` survive a power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames itself.
  if (process.platform === 'win32') return;
  try {
    const handle = await fs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw mapFsError(error, dir);
  }
}
