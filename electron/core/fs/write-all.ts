// Writes that finish or fail. A write to a file may take fewer bytes than it was given, without an error, when the
// disk fills up (or a quota is reached) part way: the kernel writes what fits and returns the count, and only the
// next write fails with ENOSPC. Whatever must be on disk whole (a spool file, a journal batch, a copy) is written
// through these, which write the rest until it is all there or the write fails.
import { fileOps, type OpenFile } from './file-ops';

/** What a write that took nothing and said nothing means: there is no room. */
function noRoom(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, the write took no bytes'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/** The buffers after the first `bytes` of them. */
function after(buffers: readonly Uint8Array[], bytes: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  let skip = bytes;
  for (const buffer of buffers) {
    if (skip >= buffer.length) {
      skip -= buffer.length;
      continue;
    }
    rest.push(skip > 0 ? buffer.subarray(skip) : buffer);
    skip = 0;
  }
  return rest;
}

/** Writes every byte of `buffers`, in order, at `position` (null: at the file's current offset). */
export async function writeAll(handle: Pick<OpenFile, 'writev'>, buffers: readonly Uint8Array[], position: number | null): Promise<void> {
  let pending = buffers.filter((b) => b.length > 0);
  let at = position;
  while (pending.length > 0) {
    const { bytesWritten } = at === null ? await handle.writev(pending) : await handle.writev(pending, at);
    if (bytesWritten <= 0) throw noRoom();
    if (at !== null) at += bytesWritten;
    pending = after(pending, bytesWritten);
  }
}

/** The same for a plain descriptor opened for appending, with Node's callback calls (the journal's hot path). */
export function appendAll(fd: number, data: Uint8Array, write: typeof fileOps.write = fileOps.write): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (offset: number): void => {
      write(fd, data, offset, data.length - offset, null, (error, written) => {
        if (error) return reject(error);
        if (written <= 0) return reject(noRoom());
        if (offset + written < data.length) return step(offset + written);
        resolve();
      });
    };
    if (data.length === 0) resolve();
    else step(0);
  });
}
