// node:util parseArgs with the options every command shares (--help, --data-dir) and its long,
// internal-sounding errors turned into one short UsageError line (exit 64).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit-codes';

export type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = { help: { type: 'boolean', short: 'h' }, 'data-dir': { type: 'string' } };

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

export function parse(command: string, argv: readonly string[], options: Options): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...COMMON, ...options },
      strict: true,
      allowPositionals: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    throw usageFromParseArgs(command, error);
  }
}

/** parseArgs' messages are long and name internals; say the same thing in one short line. */
function usageFromParseArgs(command: string, error: unknown): UsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return new UsageError(`Unknown option ${option} for 'outbox ${command}'`);
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (/does not take an argument/.test(message)) return new UsageError(`Option ${option} does not take a value`);
    if (/ambiguous/.test(message))
      return new UsageError(`Option ${option} needs a value`, `Write ${option}=VALUE if the value starts with a dash.`);
    return new UsageError(`Option ${option} needs a value`);
  }
  return new UsageError(message.split('\n')[0] ?? message);
}

export function str(value: Values[string]): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function list(value: Values[string]): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** --max-wait SECONDS: how long --wait waits at most; 0 waits with no limit. */
export function parseMaxWait(value: string): number {
  const seconds = Number(value);
  if (!/^\d+$/.test(value.trim()) || !(seconds >= 0 && seconds <= 7 * 86_400)) {
    throw new UsageError('--max-wait takes a whole number of seconds (0 for no limit, at most a week)');
  }
  return seconds;
}

/** --max-wait only means something with --wait (compose, flush, retry; send checks its own). */
export function maxWaitOf(values: Values): { maxWait?: number } {
  const raw = str(values['max-wait']);
  if (raw === undefined) return {};
  if (values.wait !== true) throw new UsageError('--max-wait goes with --wait');
  return { maxWait: parseMaxWait(raw) };
}

/** A command's own --data-dir (after its name), which wins over one given before the name. */
export function dataDirOf(values: Values): string | undefined {
  return str(values['data-dir']);
}

/**
 * The command line of a command that takes no argument (ids 0) or one (a message id, or detect's address):
 * the option values, that argument ('' when none) and its own --data-dir; null when it asks for its help.
 */
export function parseWithIds(
  command: string,
  argv: readonly string[],
  options: Options,
  ids: 0 | 1,
  one = 'one message id',
): { values: Values; id: string; dataDir: string | undefined } | null {
  const { values, positionals } = parse(command, argv, options);
  if (values.help) return null;
  if (positionals.length !== ids) {
    throw new UsageError(ids === 1 ? `'outbox ${command}' needs ${one}` : `'outbox ${command}' takes no arguments`);
  }
  return { values, id: positionals[0] ?? '', dataDir: dataDirOf(values) };
}
