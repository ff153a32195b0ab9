// "Restart to update": shown once main has downloaded and verified a newer version. Restarting waits for sends in
// flight (main says so), so the button never cuts a message off.
import { useState } from 'react';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import { settle } from '../use-outbox';

export function UpdateBanner({ api, version }: { api: OutboxApi; version: string }) {
  const [note, setNote] = useState<string | null>(null);
  const restart = (): void => {
    void settle(() => api.app.restartToUpdate()).then((result) => {
      if (!result.ok) setNote(`Could not restart: ${result.error.message}`);
      else if (result.value === 'after-sends') setNote('Outbox restarts as soon as the messages being sent have left.');
      else if (result.value === 'no-update') setNote('The update is no longer available; Outbox will look again later.');
    });
  };
  return (
    <p className="app__update" role="status">
      {note ?? `Outbox ${version} is ready.`}{' '}
      {note === null && (
        <button type="button" className="btn" onClick={restart}>
          Restart to update
        </button>
      )}
    </p>
  );
}
