// The file operations of core/ (the spool, the journal, the stores), as node:fs/promises has them, run one of two ways.
// By default on libuv's thread pool, as Node's promises API runs them: the app's main process must never wait on a disk.
// A process that runs one short command and leaves (a one-message `outbox send`) has nothing else to do meanwhile, and
// there each trip through the pool (a worker's wake-up, then the event loop's) costs more than a stat or a small write
// on a local disk: after runFileOpsInline() each runs at once on the calling thread, its promise settled with the same
// value or error. Callers await either way; what they see differs only in timing.
import fs from 'node:fs';
import type { Readable } from 'node:stream';

type Fsp = typeof import('node:fs/promises');

export interface ReadOptions {
  start?: number;
  end?: number;
  highWaterMark?: number;
  autoClose?: boolean;
}

/** An open file: the part of Node's FileHandle that core uses (a FileHandle is one). */
export interface OpenFile {
  readonly fd: number;
  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }>;
  writev(buffers: readonly NodeJS.ArrayBufferView[], position?: number): Promise<{ bytesWritten: number }>;
  writeFile(data: string | Uint8Array, encoding?: BufferEncoding): Promise<void>;
  stat(): Promise<fs.Stats>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  chmod(mode: number): Promise<void>;
  close(): Promise<void>;
  /** With autoClose (the default) the stream closes the file once read or destroyed. */
  createReadStream(options?: ReadOptions): Readable;
}

export interface FileOps {
  open(path: string, flags: string | number, mode?: number): Promise<OpenFile>;
  readFile: Fsp['readFile'];
  writeFile: Fsp['writeFile'];
  stat: Fsp['stat'];
  lstat: Fsp['lstat'];
  readdir: Fsp['readdir'];
  mkdir: Fsp['mkdir'];
  rename: Fsp['rename'];
  unlink: Fsp['unlink'];
  rm: Fsp['rm'];
  access: Fsp['access'];
  chmod: Fsp['chmod'];
  utimes: Fsp['utimes'];
  symlink: Fsp['symlink'];
  readlink: Fsp['readlink'];
  copyFile: Fsp['copyFile'];
  /** fdatasync(2) of a plain descriptor (the journal's). */
  fdatasync(fd: number): Promise<void>;
  /** fs.write with a callback, for a plain descriptor (write-all.ts's appendAll). */
  write: typeof fs.write;
  readonly constants: typeof fs.constants;
}

type AnyFn = (...args: unknown[]) => unknown;
type Named = Exclude<keyof FileOps, 'open' | 'fdatasync' | 'write' | 'constants'>;

/** The synchronous twin of each path operation: what runs inline, and the list of names both ways have. */
const SYNC: Record<Named, AnyFn> = {
  readFile: fs.readFileSync as AnyFn,
  writeFile: fs.writeFileSync as AnyFn,
  stat: fs.statSync as AnyFn,
  lstat: fs.lstatSync as AnyFn,
  readdir: fs.readdirSync as AnyFn,
  mkdir: fs.mkdirSync as AnyFn,
  rename: fs.renameSync as AnyFn,
  unlink: fs.unlinkSync as AnyFn,
  rm: fs.rmSync as AnyFn,
  access: fs.accessSync as AnyFn,
  chmod: fs.chmodSync as AnyFn,
  utimes: fs.utimesSync as AnyFn,
  symlink: fs.symlinkSync as AnyFn,
  readlink: fs.readlinkSync as AnyFn,
  copyFile: fs.copyFileSync as AnyFn,
};
const NAMED = Object.keys(SYNC) as Named[];

/** Node's promises API, read at each call: node:fs/promises loads at its first use, not with this module. */
function pooledOps(): FileOps {
  const ops = {
    open: (file: string, flags: string | number, mode?: number) => fs.promises.open(file, flags, mode),
    fdatasync: (fd: number) => new Promise<void>((resolve, reject) => fs.fdatasync(fd, (e) => (e ? reject(e) : resolve()))),
    write: fs.write,
    constants: fs.constants,
  } as Partial<Record<keyof FileOps, unknown>>;
  for (const name of NAMED) ops[name] = (...args: unknown[]) => (fs.promises[name] as AnyFn)(...args);
  return ops as FileOps;
}

/** The synchronous call behind a promise: its value, or its error as the rejection. */
function settled<T>(run: () => T): Promise<T> {
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** An OpenFile over a plain descriptor whose every call runs on the calling thread. */
class InlineFile implements OpenFile {
  private open = true;
  /** A stream made with autoClose: it closes the descriptor, and close() goes through it. */
  private owner: fs.ReadStream | null = null;

  constructor(readonly fd: number) {}

  read(buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<{ bytesRead: number }> {
    return settled(() => ({ bytesRead: fs.readSync(this.fd, buffer, offset, length, position) }));
  }

  writev(buffers: readonly NodeJS.ArrayBufferView[], position?: number): Promise<{ bytesWritten: number }> {
    return settled(() => ({ bytesWritten: fs.writevSync(this.fd, buffers, position) }));
  }

  writeFile(data: string | Uint8Array, encoding?: BufferEncoding): Promise<void> {
    return settled(() => fs.writeFileSync(this.fd, data, encoding));
  }

  stat(): Promise<fs.Stats> {
    return settled(() => fs.fstatSync(this.fd));
  }

  sync(): Promise<void> {
    return settled(() => fs.fsyncSync(this.fd));
  }

  truncate(length: number): Promise<void> {
    return settled(() => fs.ftruncateSync(this.fd, length));
  }

  chmod(mode: number): Promise<void> {
    return settled(() => fs.fchmodSync(this.fd, mode));
  }

  /** As FileHandle's: closing a closed file does nothing. */
  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    const owner = this.owner;
    if (owner) return owner.closed ? Promise.resolve() : new Promise((resolve) => owner.destroy().once('close', () => resolve()));
    return settled(() => fs.closeSync(this.fd));
  }

  createReadStream(options: ReadOptions = {}): Readable {
    const autoClose = options.autoClose ?? true;
    const stream = fs.createReadStream('', { ...options, fd: this.fd, autoClose });
    if (autoClose) this.owner = stream;
    return stream;
  }
}

function inlineOps(): FileOps {
  const ops = {
    open: (file: string, flags: string | number, mode?: number) => settled(() => new InlineFile(fs.openSync(file, flags, mode))),
    fdatasync: (fd: number) => settled(() => fs.fdatasyncSync(fd)),
    // Node's callback signature, called back before it returns.
    write: ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null, done: AnyFn) => {
      let written: number;
      try {
        written = fs.writeSync(fd, buffer, offset, length, position);
      } catch (error) {
        return done(error, 0, buffer);
      }
      done(null, written, buffer);
    }) as unknown as typeof fs.write,
    constants: fs.constants,
  } as Partial<Record<keyof FileOps, unknown>>;
  for (const name of NAMED) {
    const call = SYNC[name];
    ops[name] = (...args: unknown[]) => settled(() => call(...args));
  }
  return ops as FileOps;
}

/** Each way on its own (tests compare the two). */
export function fileOpsFor(way: 'pool' | 'inline'): FileOps {
  return way === 'pool' ? pooledOps() : inlineOps();
}

/** What core calls: `import { fileOps as fs } from '../fs/file-ops'`. Its members are read at each call. */
export const fileOps: FileOps = pooledOps();

/**
 * From now on every file operation of core/ runs on the calling thread. For a process that does one short
 * piece of work and exits; never the app's main process, whose window would wait on each disk access.
 */
export function runFileOpsInline(): void {
  inline = true;
  Object.assign(fileOps, inlineOps());
}

let inline = false;

/** Whether this process runs its file operations inline (runFileOpsInline). */
export function fileOpsAreInline(): boolean {
  return inline;
}
