// Where the spool keeps things inside the data directory, and the ids of its messages.
// tmp/ and queue/ share a file system so that moving a finished message into the queue is one atomic rename.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { mapFsError } from '../fs/fs-errors';
import { DIR_MODE, FILE_MODE, narrowMode } from '../fs/private-files';

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

export async function ensureSpool(paths: SpoolPaths): Promise<void> {
  try {
    for (const dir of [paths.tmp, paths.queue, paths.sent, paths.quarantine, paths.trash, paths.state]) {
      await fs.mkdir(dir, { recursive: true, mode: DIR_MODE });
    }
    // Folders an older version made with the umask's mode (0755, or 0777 under umask 000) become private.
    for (const dir of [paths.root, paths.tmp, paths.queue, paths.sent, paths.quarantine, paths.trash, paths.state])
      await narrowMode(dir, DIR_MODE);
    // Older versions dropped other processes' commands as files in requests/; the sender channel replaced them.
    await fs.rm(path.join(paths.root, 'requests'), { recursive: true, force: true });
    // mkdir succeeds on an existing read-only folder: prove we can write before accepting mail.
    const probe = path.join(paths.tmp, `.probe-${process.pid}`);
    await fs.writeFile(probe, '', { mode: FILE_MODE });
    await fs.rm(probe);
  } catch (error) {
    throw mapFsError(error, paths.root);
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
