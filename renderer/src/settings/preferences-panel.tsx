// The app-wide preferences below the accounts: how long Outbox keeps retrying a message the server turns away
// for now, whether a successful send is announced, and Undo send's delay. Each change is saved at once.
import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../electron/shared/errors';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import type { Preferences, PreferencesPatch, UndoSendSeconds } from '../../../electron/shared/preferences';
import { ErrorNotice } from './error-notice';

/** The retry times offered, in hours: 4 hours to a week (the default is 5 days). */
const RETRY_LIFETIME_CHOICES = [4, 24, 48, 120, 168] as const;

/** Undo send's choices (shared/preferences' UNDO_SEND_CHOICES; the renderer may import its types only, and one missing fails to compile). */
const UNDO_SEND_CHOICES = [0, 5, 10, 20, 30] as const satisfies readonly UndoSendSeconds[];
const everyUndoChoice: [Exclude<UndoSendSeconds, (typeof UNDO_SEND_CHOICES)[number]>] extends [never] ? true : false = true;
void everyUndoChoice;

function hoursLabel(hours: number): string {
  if (hours % 24 !== 0) return hours === 1 ? '1 hour' : `${hours} hours`;
  const days = hours / 24;
  if (days === 7) return '1 week';
  return days === 1 ? '1 day' : `${days} days`;
}

export function PreferencesPanel({ api }: { api: OutboxApi }) {
  const [preferences, setPreferences] = useState<Preferences | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    let alive = true;
    void api.app.preferences().then((result) => {
      if (!alive) return;
      if (result.ok) setPreferences(result.value);
      else setError(result.error);
    });
    return () => {
      alive = false;
    };
  }, [api]);

  const change = async (patch: PreferencesPatch): Promise<void> => {
    setSaved(false);
    const result = await api.app.setPreferences(patch);
    if (result.ok) {
      setPreferences(result.value);
      setError(null);
      setSaved(true);
    } else setError(result.error);
  };

  // A value set outside the screen (an edited file) is shown too, not silently replaced by the nearest choice.
  const choices =
    preferences && !(RETRY_LIFETIME_CHOICES as readonly number[]).includes(preferences.retryLifetimeHours)
      ? [...RETRY_LIFETIME_CHOICES, preferences.retryLifetimeHours].sort((a, b) => a - b)
      : [...RETRY_LIFETIME_CHOICES];

  return (
    <section className="settings-preferences" aria-labelledby="settings-preferences-heading">
      <h3 id="settings-preferences-heading">Sending</h3>
      {error ? <ErrorNotice problem={error} /> : null}
      {preferences ? (
        <>
          <div className="field">
            <label htmlFor="settings-retry-lifetime">Keep trying to send for</label>
            <select
              id="settings-retry-lifetime"
              className="input settings-preferences__select"
              value={preferences.retryLifetimeHours}
              aria-describedby="settings-retry-lifetime-hint"
              onChange={(e) => void change({ retryLifetimeHours: Number(e.target.value) })}
            >
              {choices.map((hours) => (
                <option key={hours} value={hours}>
                  {hoursLabel(hours)}
                </option>
              ))}
            </select>
            <span className="field__hint" id="settings-retry-lifetime-hint">
              When a server is busy or out of reach, Outbox tries again, less and less often, counting from the first try. After this long
              the message is marked failed with the server's last reply, so you can decide what to do.
            </span>
          </div>
          <div className="field">
            <label htmlFor="settings-undo-send">Undo send</label>
            <select
              id="settings-undo-send"
              className="input settings-preferences__select"
              value={preferences.undoSendSeconds}
              aria-describedby="settings-undo-send-hint"
              onChange={(e) => void change({ undoSendSeconds: Number(e.target.value) as UndoSendSeconds })}
            >
              {UNDO_SEND_CHOICES.map((seconds) => (
                <option key={seconds} value={seconds}>
                  {seconds === 0 ? 'Off' : `${seconds} seconds`}
                </option>
              ))}
            </select>
            <span className="field__hint" id="settings-undo-send-hint">
              After Send, a message waits this long before it leaves; until then Undo (or Ctrl/⌘+Z) brings it back to Compose. Messages sent
              by scripts with the outbox command are not delayed.
            </span>
          </div>
          <label className="settings-check">
            <input type="checkbox" checked={preferences.notifyOnSent} onChange={(e) => void change({ notifyOnSent: e.target.checked })} />{' '}
            Notify me when a message is sent (failures are always shown)
          </label>
          {saved ? (
            <p role="status" className="field__hint">
              Saved.
            </p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
