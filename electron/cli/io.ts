// The streams and environment a command runs with, and the small helpers to print to them:
// stdout for results (ids, tables, JSON), stderr for the one-line notes and errors.
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../shared/errors';
import { printable } from './output';

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

export function processIo(): CliIo {
  // `outbox queue | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
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
export async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether fd 0 is a regular file (`< message.eml`): then a lone dot never ends the input, as with -i. */
export function stdinIsFile(): boolean {
  try {
    return fs.fstatSync(0).isFile();
  } catch {
    return false;
  }
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
