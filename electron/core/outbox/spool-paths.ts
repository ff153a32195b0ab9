// Where the spool keeps things inside the data directory, and the ids of its messages.
// tmp/ and queue/ share a file system so that moving a finished message into the queue is one atomic rename.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import { mapFsError } from '../fs/fs-errors';
import { DIR_MODE, FILE_MODE } from '../fs/private-files';

export interface SpoolPaths {
  root: string;
  tmp: string;
  queue: string;
  sent: string;
  quarantine: string;
  trash: string;
  state: string;
}

export function spoolPaths(dataDir: string): SpoolPaths {
  const root = path.join(dataDir, 'spool');
  return {
    root,
    tmp: path.join(root, 'tmp'),
    queue: path.join(root, 'queue'),
    sent: path.join(root, 'sent'),
    quarantine: path.join(root, 'quarantine'),
    trash: path.join(root, 'trash'),
    state: path.join(root, 'state'),
  };
}

/**
 * Makes the spool's folders (0700) or narrows those an older version made with the umask's mode (0755, or 0777
 * under umask 000), removes the old requests/ folder, and proves tmp/ can be written. The engine runs it at every
 * start: each folder costs one stat when it is there (not mkdir, its stat and a second stat), all at once.
 */
export async function ensureSpool(paths: SpoolPaths): Promise<void> {
  try {
    await Promise.all([
      ...[paths.root, paths.tmp, paths.queue, paths.sent, paths.quarantine, paths.trash, paths.state].map(privateDir),
      // Older versions dropped other processes' commands as files in requests/; the sender channel replaced them.
      fs.rm(path.join(paths.root, 'requests'), { recursive: true, force: true }),
    ]);
    // mkdir succeeds on an existing read-only folder: prove we can write before accepting mail.
    const probe = path.join(paths.tmp, `.probe-${process.pid}`);
    await (await fs.open(probe, 'w', FILE_MODE)).close();
    await fs.unlink(probe);
  } catch (error) {
    throw mapFsError(error, paths.root);
  }
}

/** A folder of the spool: made private when missing, narrowed when wider (best effort, as narrowMode). */
async function privateDir(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!stat) {
    await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
  } else if (!stat.isDirectory()) {
    throw Object.assign(new Error(`ENOTDIR: not a directory, ${dir}`), { code: 'ENOTDIR', path: dir });
  } else if ((stat.mode & 0o777 & ~DIR_MODE) !== 0) {
    await fs.chmod(dir, DIR_MODE).catch(() => {});
  }
}

/** Time-ordered, unique across processes: base-36 milliseconds, then random hex. */
export function newMessageKey(now: number): string {
  return `${now.toString(36).padStart(9, '0')}-${randomBytes(4).toString('hex')}`;
}

export const MESSAGE_SUFFIX = '.msg';

export function messageFile(paths: SpoolPaths, id: string, location: 'queue' | 'sent'): string {
  return path.join(location === 'sent' ? paths.sent : paths.queue, `${id}${MESSAGE_SUFFIX}`);
}
