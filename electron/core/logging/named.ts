// Named loggers: a module names its logger once (named(logger, 'smtp')) instead of typing '[smtp] ' on every line.
// A logger from the log file takes the name as its own; any other (a test's, the CLI's stderr) gets the prefix.
import type { Logger } from '../ports';

/** Present on loggers that can make a sibling under another name (those of the log file). */
export const CHILD = Symbol('outbox.logger.child');
/** The logger a prefixing wrapper writes to, so renaming replaces the name rather than stacking prefixes. */
const BASE = Symbol('outbox.logger.base');

type Childful = Logger & { [CHILD]?: (name: string) => Logger; [BASE]?: Logger };

export function named(logger: Logger, name: string): Logger {
  const base = (logger as Childful)[BASE] ?? logger;
  const child = (base as Childful)[CHILD];
  if (child) return child(name);
  const prefix = `[${name}] `;
  const wrapper: Childful = {
    info: (message) => base.info(prefix + message),
    warn: (message) => base.warn(prefix + message),
    error: (message) => base.error(prefix + message),
  };
  wrapper[BASE] = base;
  return wrapper;
}
