// The streams and environment a command runs with, and the small helpers to print to them:
// stdout for results (ids, tables, JSON), stderr for the one-line notes and errors.
import fs from 'node:fs';
import type { ByteSource } from '../core/outbox/engine-api';
import { AppError } from '../shared/errors';
import { printable } from './output';

/** Standard input as commands read it: its chunks in order, and a way to stop reading early. */
export type InputStream = ByteSource;

/** Where a command prints: process.stdout/stderr, a descriptor written directly, a stream in tests. */
export interface Output {
  write(chunk: string | Uint8Array, callback?: (error?: Error | null) => void): unknown;
}

export interface CliIo {
  stdin: InputStream;
  stdout: Output;
  stderr: Output;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export interface ProcessIo extends CliIo {
  /** The output streams this run used: only they have anything to flush before the process exits. */
  openedOutputs(): Output[];
}

/**
 * The real process's streams, each made on first use: Node builds process.stdin/stdout/stderr lazily, and
 * making them (a stream, a socket for a pipe) costs a command that never prints to one a few milliseconds.
 */
export function processIo(): ProcessIo {
  let stdin: InputStream | undefined;
  let stdout: Output | undefined;
  let stderr: Output | undefined;
  return {
    get stdin() {
      return (stdin ??= standardInput());
    },
    get stdout() {
      return (stdout ??= standardOutput());
    },
    get stderr() {
      return (stderr ??= process.stderr);
    },
    env: process.env,
    cwd: process.cwd(),
    openedOutputs: () => [stdout, stderr].filter((s): s is Output => s !== undefined),
  };
}

const CHUNK = 64 * 1024;

/** process.stdout, with a pipe closed early (`outbox queue | head`) taken as the end of the output, not an error. */
function processStdout(): Output {
  const stdout = process.stdout;
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return stdout;
}

/** What a standard descriptor is, or null when it cannot be told (closed): then Node's own stream is used. */
function statOf(fd: number): fs.Stats | null {
  try {
    return fs.fstatSync(fd);
  } catch {
    return null;
  }
}

/** Output thrown away (`>/dev/null`, cron's usual): as good as a file. Other devices (a terminal) are not. */
function isDevNull(stat: fs.Stats): boolean {
  if (!stat.isCharacterDevice()) return false;
  try {
    const devNull = fs.statSync('/dev/null');
    return devNull.isCharacterDevice() && devNull.rdev === stat.rdev;
  } catch {
    return false;
  }
}

/**
 * Standard output to a file, a pipe (`id=$(outbox send …)`) or /dev/null is written straight to its descriptor, as
 * Node itself writes to files and pipes on Linux and macOS (synchronously), without making process.stdout (a stream,
 * and a socket for a pipe: about a millisecond to load and set up). A terminal, Windows, or a descriptor another
 * process left non-blocking (EAGAIN, from then on) goes through process.stdout.
 */
function standardOutput(): Output {
  const stat = statOf(1);
  if (!stat || process.platform === 'win32' || !(stat.isFile() || stat.isFIFO() || isDevNull(stat))) return processStdout();
  let fallback: Output | undefined;
  let closed = false;
  return {
    write(chunk, callback) {
      if (fallback) return fallback.write(chunk, callback);
      const bytes = Buffer.from(chunk);
      let offset = 0;
      try {
        while (!closed && offset < bytes.length) offset += fs.writeSync(1, bytes, offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          fallback = processStdout();
          return fallback.write(bytes.subarray(offset), callback);
        }
        if (code !== 'EPIPE') throw error;
        closed = true;
      }
      if (callback) process.nextTick(callback);
      return true;
    },
  };
}

/**
 * A file (`< message.eml`) or a pipe (`printf … | outbox send`) is read straight from its descriptor, without
 * Node's stream machinery (about 5 ms of every run to load and set up); a terminal, or anything else, keeps
 * process.stdin, whose reads never block the process (Ctrl-C still works while it waits for input).
 */
function standardInput(): InputStream {
  const stat = statOf(0);
  if (!stat) return process.stdin;
  if (stat.isFile()) return descriptorInput((buffer) => Promise.resolve(fs.readSync(0, buffer, 0, buffer.length, null)));
  // A pipe is read on a thread of Node's pool, so the main thread stays free for signals while it waits.
  if (process.platform !== 'win32' && (stat.isFIFO() || stat.isSocket()))
    return descriptorInput(
      (buffer) => new Promise((resolve, reject) => fs.read(0, buffer, 0, buffer.length, null, (e, n) => (e ? reject(e) : resolve(n)))),
    );
  return process.stdin;
}

/**
 * Chunks read by `read` until it returns 0. A descriptor another process left non-blocking answers EAGAIN
 * when it has nothing yet: the rest is then read through process.stdin, which waits for it properly.
 */
function descriptorInput(read: (buffer: Buffer) => Promise<number>): InputStream {
  let stopped = false;
  async function* chunks(): AsyncGenerator<Buffer | string> {
    const buffer = Buffer.allocUnsafe(CHUNK);
    while (!stopped) {
      let n: number;
      try {
        n = await read(buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        for await (const chunk of process.stdin) {
          if (stopped) break;
          yield chunk as Buffer | string;
        }
        return;
      }
      if (n === 0) return;
      yield Buffer.from(buffer.subarray(0, n));
    }
  }
  return {
    [Symbol.asyncIterator]: chunks,
    destroy() {
      stopped = true;
    },
  };
}

/** Results on stdout; control characters from outside text are shown escaped, never obeyed. */
export function out(io: CliIo, text: string): void {
  const safe = printable(text, { keepLines: true });
  io.stdout.write(safe.endsWith('\n') ? safe : `${safe}\n`);
}

/** A note that is not an error, e.g. "queued for later". */
export function note(io: CliIo, text: string): void {
  io.stderr.write(`outbox: ${printable(text.replace(/[\r\n]+/g, ' '))}\n`);
}

export function json(io: CliIo, value: unknown): void {
  // JSON.stringify escapes C0 controls; DEL, C1 and bidi overrides get \u escapes here, still valid JSON.
  const text = JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  io.stdout.write(`${text}\n`);
}

/** Standard input as text, e.g. a password or a message body. */
export async function readAll(input: InputStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether fd 0 is a regular file (`< message.eml`): then a lone dot never ends the input, as with -i. */
export function stdinIsFile(): boolean {
  return statOf(0)?.isFile() ?? false;
}

/** A file named on the command line, read as UTF-8; missing or unreadable is EX_NOINPUT. */
export async function readTextFile(file: string, what: string): Promise<string> {
  try {
    return await fs.promises.readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(file, what, error);
  }
}

/** Checks that an attachment can be read now, so the mistake is reported before anything is queued. */
export async function checkReadableFile(file: string, what: string): Promise<void> {
  try {
    // A FIFO with no writer would block a plain open forever: stat first, open without blocking, check again.
    if (!(await fs.promises.stat(file)).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    const handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = await handle.stat().finally(() => handle.close());
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
  } catch (error) {
    throw unreadable(file, what, error);
  }
}

function unreadable(file: string, what: string, error: unknown): AppError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'EACCES' || code === 'EPERM'
        ? 'may not be read'
        : code === 'EISDIR'
          ? 'is not a regular file (a folder, a pipe or a device)'
          : `could not be read (${code ?? String(error)})`;
  return new AppError('ATTACHMENT_UNREADABLE', {
    message: `The ${what} ${file} ${why}.`,
    next: 'Check the path and try again.',
    cause: error,
  });
}

/** One trailing newline (LF or CRLF) is how `echo` and here-strings end a line, not part of the password. */
export function stripNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}
