// The log: named loggers (createLogger('engine')) writing one line per event to a size-capped, rotating file in the
// data folder's logs/ folder, secrets redacted; OUTBOX_DEBUG=1 mirrors every line to stderr as well.
import path from 'node:path';
import type { Logger, SecretStore } from '../ports';
import { CHILD } from './named';
import { LogRedactor } from './redact';
import { RotatingFile, type RotatingFileOptions } from './rotating-file';

export { named } from './named';
export { silentLogger } from '../ports';
export { LogRedactor } from './redact';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES, RotatingFile } from './rotating-file';

/** The folder under the data folder that holds the logs (Help ▸ Show Logs opens it). */
export function logsDir(dataDir: string): string {
  return path.join(dataDir, 'logs');
}

export interface LoggingOptions extends Partial<Pick<RotatingFileOptions, 'maxBytes' | 'maxFiles'>> {
  /** The data folder; the file goes to <dataDir>/logs/<file>.log. */
  dataDir: string;
  /** 'outbox' for the app, 'cli' for the command: one file per kind of process, so two never rotate one file. */
  file: string;
  /** The environment: OUTBOX_DEBUG=1 mirrors to `stderr`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where mirrored lines go (default process.stderr). */
  stderr?: (line: string) => void;
  /** For tests: the time stamp of a line. */
  now?: () => Date;
}

export interface Logging {
  /** A logger whose lines carry `name`; it has the Logger port's shape, so every service takes it unchanged. */
  createLogger(name: string): Logger;
  /** Registers a secret (a password or token handed out by the keychain) that must never appear in the log. */
  readonly redactor: LogRedactor;
  /** The folder holding the log files. */
  readonly dir: string;
  /** The current file. */
  readonly file: string;
}

/** C0 controls but tab and newline, and DEL: shown escaped so a log line cannot move the cursor or forge an entry. */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
/** Longer messages are cut: a log line is a pointer to what happened, not a dump. */
const MAX_MESSAGE = 4000;

export function createLogging(options: LoggingOptions): Logging {
  const dir = logsDir(options.dataDir);
  const file = new RotatingFile({ dir, name: options.file, maxBytes: options.maxBytes, maxFiles: options.maxFiles });
  const redactor = new LogRedactor();
  const mirror = options.env?.OUTBOX_DEBUG === '1' ? (options.stderr ?? ((line: string) => void process.stderr.write(line))) : undefined;
  const now = options.now ?? (() => new Date());

  const write = (level: 'INFO' | 'WARN' | 'ERROR', name: string, message: string): void => {
    try {
      let text = redactor.redact(String(message));
      if (text.length > MAX_MESSAGE) text = `${text.slice(0, MAX_MESSAGE)} … [${text.length - MAX_MESSAGE} more characters]`;
      // One entry per line: control characters shown, continuation lines indented, so a message cannot forge another entry.
      text = text.replace(/\r?\n/g, '\n    ').replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
      const line = `${now().toISOString()} ${level.padEnd(5)} [${name}] ${text}\n`;
      file.append(line);
      mirror?.(line);
    } catch {
      // Logging never breaks what it describes.
    }
  };
  const createLogger = (name: string): Logger => {
    const logger = {
      info: (message: string) => write('INFO', name, message),
      warn: (message: string) => write('WARN', name, message),
      error: (message: string) => write('ERROR', name, message),
      [CHILD]: createLogger,
    };
    return logger;
  };
  return { createLogger, redactor, dir, file: file.file };
}

/** The keychain as the services see it, telling the log each secret it hands out or stores so no line can carry it. */
export function redactingSecrets(store: SecretStore, redactor: LogRedactor): SecretStore {
  return {
    get: async (accountId) => {
      const secret = await store.get(accountId);
      redactor.add(secret);
      return secret;
    },
    set: async (accountId, secret) => {
      redactor.add(secret);
      await store.set(accountId, secret);
    },
    delete: (accountId) => store.delete(accountId),
  };
}
