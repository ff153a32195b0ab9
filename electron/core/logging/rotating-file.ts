// An append-only log file that rotates by size: name.log, then name.1.log … name.(keep-1).log, the oldest dropped.
// Writes are synchronous so the last lines before a crash or an abrupt quit are on disk; a failing disk never throws.
import fs from 'node:fs';
import path from 'node:path';

export interface RotatingFileOptions {
  dir: string;
  /** File name without extension: 'outbox' gives outbox.log, outbox.1.log … */
  name: string;
  /** A file is rotated before it would grow past this (default 1 MB). */
  maxBytes?: number;
  /** Files kept, the current one included (default 5). */
  maxFiles?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_FILES = 5;

export class RotatingFile {
  readonly dir: string;
  readonly file: string;
  private readonly name: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private size: number | undefined;

  constructor(options: RotatingFileOptions) {
    this.dir = options.dir;
    this.name = options.name;
    this.file = path.join(options.dir, `${options.name}.log`);
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.maxFiles = Math.max(1, options.maxFiles ?? DEFAULT_MAX_FILES);
  }

  /** Appends one line (with its newline); returns false when the disk refused it. */
  append(line: string): boolean {
    try {
      const bytes = Buffer.byteLength(line);
      if (this.size === undefined) this.size = this.currentSize();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      fs.appendFileSync(this.file, line, { mode: 0o600 });
      this.size += bytes;
      return true;
    } catch {
      // Forget the size: another process may have rotated, or the folder is back next time.
      this.size = undefined;
      return false;
    }
  }

  private currentSize(): number {
    // Only logs/ itself: a log line never creates the data folder (a read-only command leaves no trace of a missing one).
    try {
      fs.mkdirSync(this.dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    try {
      return fs.statSync(this.file).size;
    } catch {
      return 0;
    }
  }

  private rotate(): void {
    const numbered = (n: number): string => path.join(this.dir, `${this.name}.${n}.log`);
    fs.rmSync(numbered(this.maxFiles - 1), { force: true });
    for (let n = this.maxFiles - 2; n >= 1; n--) {
      try {
        fs.renameSync(numbered(n), numbered(n + 1));
      } catch {
        // a gap in the numbers: nothing to move
      }
    }
    if (this.maxFiles > 1) fs.renameSync(this.file, numbered(1));
    else fs.rmSync(this.file, { force: true });
    this.size = 0;
  }
}
