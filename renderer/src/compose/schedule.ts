// Times for "Send later": the date and time inputs' defaults and quick picks, in the user's local time.
// Native <input type=date|time> speak "YYYY-MM-DD" and "HH:MM"; these helpers convert both ways.

const pad = (n: number): string => String(n).padStart(2, '0');

export interface LocalDateTime {
  date: string;
  time: string;
}

export function toLocalInputs(when: Date): LocalDateTime {
  return {
    date: `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`,
    time: `${pad(when.getHours())}:${pad(when.getMinutes())}`,
  };
}

/** The moment the two inputs name, in local time; null when either is empty or malformed. */
export function fromLocalInputs({ date, time }: LocalDateTime): Date | null {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return null;
  const when = new Date(Number(d[1]), Number(d[2]) - 1, Number(d[3]), Number(t[1]), Number(t[2]));
  return Number.isNaN(when.getTime()) ? null : when;
}

/** Tomorrow at 08:00: the default, and the "Tomorrow morning" quick pick. */
export function tomorrowMorning(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 8, 0);
}

/** An hour from now, rounded up to the next five minutes so the time input shows a tidy value. */
export function inOneHour(now: Date): Date {
  const when = new Date(now.getTime() + 60 * 60 * 1000);
  const minutes = Math.ceil((when.getMinutes() + when.getSeconds() / 60) / 5) * 5;
  return new Date(when.getFullYear(), when.getMonth(), when.getDate(), when.getHours(), minutes);
}

/** "Tue 3 Mar, 08:00" in the user's locale, for confirmations. */
export function describeTime(when: Date): string {
  return when.toLocaleString(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
