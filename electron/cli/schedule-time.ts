// Parses `compose --at`: an ISO 8601 time with an offset, or a local "YYYY-MM-DD HH:MM" (seconds optional),
// checked field by field so "2025-02-30 10:00" is refused instead of rolling over to March.
import { UsageError } from './exit-codes';

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

const NEXT = 'Give a time like "2030-05-17 09:30" (local time) or "2030-05-17T09:30:00+02:00".';

/** Returns the time as an ISO string in UTC; throws UsageError for anything else or a past time. */
export function parseScheduleTime(value: string, now = Date.now()): string {
  const text = value.trim();
  let ms: number;
  if (WITH_OFFSET.test(text)) {
    const fields = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/i.exec(text)!;
    if (!validFields(fields)) throw bad(value);
    ms = Date.parse(text.toUpperCase().replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  } else {
    const fields = LOCAL.exec(text);
    if (!fields || !validFields(fields)) throw bad(value);
    const [y, mo, d, h, mi, s] = fields.slice(1).map((f) => Number(f ?? 0)) as [number, number, number, number, number, number];
    const date = new Date(y, mo - 1, d, h, mi, s);
    // A local time that falls in a daylight-saving gap does not exist on the clock.
    if (date.getHours() !== h || date.getMinutes() !== mi)
      throw bad(value, 'does not exist on the local clock (daylight saving time starts then)');
    ms = date.getTime();
  }
  if (!Number.isFinite(ms)) throw bad(value);
  if (ms < now - 60_000) throw new UsageError(`--at ${value} is in the past`, 'Give a time in the future, or leave out --at to send now.');
  return new Date(ms).toISOString();
}

function validFields(fields: RegExpExecArray): boolean {
  const [y, mo, d, h, mi, s] = fields.slice(1, 7).map((f) => Number(f ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth;
}

function bad(value: string, why = 'is not a time Outbox understands'): UsageError {
  return new UsageError(`--at ${JSON.stringify(value)} ${why}`, NEXT);
}
