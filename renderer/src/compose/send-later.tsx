// "Send later": a small panel with a date and a time (tomorrow 08:00 by default) and two quick picks.
// It hands back a moment in the future; the screen sends with it as scheduledAt.
import { useState } from 'react';
import { describeTime, fromLocalInputs, inOneHour, toLocalInputs, tomorrowMorning, type LocalDateTime } from './schedule';

export interface SendLaterProps {
  /** The draft's own schedule when it has one still ahead. */
  initial?: Date | undefined;
  now?: () => Date;
  disabled: boolean;
  onSchedule(when: Date): void;
  onCancel(): void;
}

export function SendLaterPanel({ initial, now = () => new Date(), disabled, onSchedule, onCancel }: SendLaterProps) {
  const [value, setValue] = useState<LocalDateTime>(() => toLocalInputs(initial && initial > now() ? initial : tomorrowMorning(now())));
  const [error, setError] = useState('');
  const when = fromLocalInputs(value);

  const submit = (): void => {
    if (!when) return setError('Choose a date and a time.');
    if (when.getTime() <= now().getTime()) return setError('Choose a time in the future.');
    setError('');
    onSchedule(when);
  };
  const pick = (date: Date): void => {
    setValue(toLocalInputs(date));
    setError('');
  };

  return (
    <div
      className="compose-later"
      role="group"
      aria-label="Send later"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onCancel();
        }
      }}
    >
      <div className="compose-later__quick">
        <button type="button" className="btn btn--small" onClick={() => pick(inOneHour(now()))}>
          In 1 hour
        </button>
        <button type="button" className="btn btn--small" onClick={() => pick(tomorrowMorning(now()))}>
          Tomorrow morning
        </button>
      </div>
      <div className="compose-later__inputs">
        <label className="compose-later__field">
          <span>Date</span>
          <input
            className="input"
            type="date"
            value={value.date}
            onChange={(e) => setValue({ ...value, date: e.target.value })}
            aria-invalid={error ? true : undefined}
          />
        </label>
        <label className="compose-later__field">
          <span>Time</span>
          <input
            className="input"
            type="time"
            value={value.time}
            onChange={(e) => setValue({ ...value, time: e.target.value })}
            aria-invalid={error ? true : undefined}
          />
        </label>
      </div>
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
      {when && when > now() && <p className="compose-later__when">Leaves the outbox {describeTime(when)}.</p>}
      <div className="compose-later__actions">
        <button type="button" className="btn btn--primary btn--small" disabled={disabled} onClick={submit}>
          Schedule send
        </button>
        <button type="button" className="btn btn--small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
