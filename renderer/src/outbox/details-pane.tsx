// The selected message in full: addresses, size, times, why it failed (cause, next step, the server's reply, code),
// each attempt, the SMTP transcript on demand (outbox:get), and only the actions its state allows.
import { useEffect, useState } from 'react';
import type { ErrorInfo } from '../../../electron/shared/errors';
import type { AttemptSummary, OutboxApi, OutboxSummary } from '../../../electron/shared/ipc-contract';
import type { Draft } from '../../../electron/shared/compose';
import type { Attempt, OutboxMessage } from '../../../electron/shared/message';
import { settle } from '../use-outbox';
import { StateBadge } from './message-list';
import { ErrorText } from './notices';
import {
  actionsFor,
  formatDuration,
  mixedRecipients,
  formatSize,
  formatTime,
  sentCopyDetail,
  stateDetail,
  subjectLine,
  undoSecondsLeft,
  type RecipientRow,
} from './outbox-view';
import { useNow, type UndoSend } from './undo-send';

export interface DetailsPaneProps {
  api: OutboxApi;
  message: OutboxSummary;
  accountName?: string;
  onChanged(message: OutboxMessage): void;
  onRemoved(id: string): void;
  onEdit(draft: Draft): void;
  onClose(): void;
  /** Undo send: brings the message back to Compose while its delay runs. */
  undo?: UndoSend;
}

const OUTCOME_LABEL: Record<Attempt['outcome'], string> = {
  sent: 'Accepted',
  partial: 'Accepted for some recipients',
  temporary: 'Failed for now, will retry',
  permanent: 'Refused',
  auth: 'Sign-in refused',
};

type Verb = 'sendNow' | 'retry' | 'hold' | 'cancel';

export function DetailsPane({ api, message, accountName, onChanged, onRemoved, onEdit, onClose, undo }: DetailsPaneProps) {
  const now = useNow(undoSecondsLeft(message) !== null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [full, setFull] = useState<OutboxMessage | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  // Another message, or a new attempt: what was loaded or confirmed belongs to the old one.
  useEffect(() => {
    setError(null);
    setFull(null);
    setConfirmDelete(false);
  }, [message.id, message.attemptCount]);

  const run = async <T,>(
    call: () => Promise<{ ok: true; value: T } | { ok: false; error: ErrorInfo }>,
    done: (value: T) => void,
  ): Promise<void> => {
    setBusy(true);
    setError(null);
    const result = await settle(call);
    setBusy(false);
    if (result.ok) done(result.value);
    else setError(result.error);
  };
  const act = (verb: Verb) => () => void run(() => api.outbox[verb](message.id), onChanged);
  const actions = actionsFor(message);
  const lastError = message.lastError;
  const recipients = mixedRecipients(message);
  const attempts: readonly (Attempt | AttemptSummary)[] = full ? full.attempts : message.lastAttempt ? [message.lastAttempt] : [];
  const copy = sentCopyDetail(message);

  return (
    <section
      className="outbox-details"
      aria-labelledby="outbox-details-title"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        if (confirmDelete) setConfirmDelete(false);
        else onClose();
      }}
    >
      <div className="outbox-details__head">
        <h3 id="outbox-details-title">{subjectLine(message)}</h3>
        <button type="button" className="btn btn--small" onClick={onClose} aria-label="Close details">
          Close
        </button>
      </div>
      <p className="outbox-details__state">
        <StateBadge message={message} /> {stateDetail(message, now)}
      </p>

      <div className="outbox-details__actions" role="group" aria-label="Actions">
        {actions.undo && undo && (
          <button
            type="button"
            className="btn btn--primary btn--small"
            disabled={busy || undo.busyId !== null}
            onClick={() => void undo.undo(message.id)}
          >
            Undo send
          </button>
        )}
        {actions.sendNow && (
          <button type="button" className="btn btn--primary btn--small" disabled={busy} onClick={act('sendNow')}>
            Send now
          </button>
        )}
        {actions.retry && (
          <button type="button" className="btn btn--small" disabled={busy} onClick={act('retry')}>
            Retry
          </button>
        )}
        {actions.edit && (
          <button
            type="button"
            className="btn btn--small"
            disabled={busy}
            onClick={() => void run(() => api.outbox.edit(message.id), onEdit)}
          >
            Edit
          </button>
        )}
        {actions.pause && (
          <button type="button" className="btn btn--small" disabled={busy} onClick={act('hold')}>
            Pause
          </button>
        )}
        {actions.cancel && (
          <button type="button" className="btn btn--small" disabled={busy} onClick={act('cancel')}>
            Cancel sending
          </button>
        )}
        {actions.remove && !confirmDelete && (
          <button type="button" className="btn btn--small btn--danger" disabled={busy} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        )}
      </div>
      {confirmDelete && (
        <div className="outbox-details__confirm" role="group" aria-label="Confirm delete">
          <span>
            Delete this message for good? It{' '}
            {message.state === 'sent' ? 'stays in your Sent folder if it was copied there' : 'will not be sent'}.
          </span>
          <button
            type="button"
            className="btn btn--small btn--danger"
            disabled={busy}
            autoFocus
            onClick={() =>
              void run(
                () => api.outbox.remove(message.id),
                () => onRemoved(message.id),
              )
            }
          >
            Delete message
          </button>
          <button type="button" className="btn btn--small" onClick={() => setConfirmDelete(false)}>
            Keep it
          </button>
        </div>
      )}
      {error && (
        <div className="banner banner--error outbox-details__error" role="alert">
          <ErrorText error={error} />
        </div>
      )}

      {lastError &&
        (message.state === 'failed' || message.state === 'quarantined' || message.state === 'held' || message.state === 'queued') && (
          <div className="outbox-details__why">
            <h4>{message.state === 'queued' ? 'Why the last try failed' : 'Why it was not sent'}</h4>
            <ErrorText error={lastError} />
            {lastError.detail && <p className="outbox-details__muted">{lastError.detail}</p>}
          </div>
        )}

      <dl className="outbox-details__facts">
        <dt>From</dt>
        <dd>
          {message.from}
          {accountName && !message.from.includes(accountName) ? ` (${accountName})` : ''}
        </dd>
        <dt>To</dt>
        <dd>{message.to.join(', ') || '—'}</dd>
        {message.cc.length > 0 && (
          <>
            <dt>Cc</dt>
            <dd>{message.cc.join(', ')}</dd>
          </>
        )}
        {message.bccCount > 0 && (
          <>
            <dt>Bcc</dt>
            <dd>{message.bccCount === 1 ? '1 hidden recipient' : `${message.bccCount} hidden recipients`}</dd>
          </>
        )}
        <dt>Size</dt>
        <dd>{formatSize(message.size)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(message.createdAt)}</dd>
        {message.scheduledAt && !message.undoUntil && (
          <>
            <dt>Scheduled</dt>
            <dd>{formatTime(message.scheduledAt)}</dd>
          </>
        )}
        {message.sentAt && (
          <>
            <dt>Sent</dt>
            <dd>{formatTime(message.sentAt)}</dd>
          </>
        )}
        {copy && (
          <>
            <dt>Sent folder</dt>
            <dd>{copy}</dd>
          </>
        )}
      </dl>

      {recipients.length > 0 && <RecipientTable recipients={recipients} />}

      <h4>
        Attempts <span className="outbox-details__muted">({message.attemptCount})</span>
      </h4>
      {attempts.length === 0 ? (
        <p className="outbox-details__muted">No attempt yet.</p>
      ) : (
        <ol className="outbox-attempts" reversed>
          {[...attempts].reverse().map((attempt, i) => (
            <li key={`${attempt.at}-${i}`} className="outbox-attempt">
              <div>
                <strong>{OUTCOME_LABEL[attempt.outcome]}</strong> · {formatTime(attempt.at, true)} · {formatDuration(attempt.durationMs)}
              </div>
              {(attempt.reply ?? attempt.error?.reply) && <pre className="outbox-reply">{attempt.reply ?? attempt.error?.reply}</pre>}
              {'transcript' in attempt && (
                <pre className="outbox-transcript" aria-label={`Transcript of the attempt at ${formatTime(attempt.at, true)}`} tabIndex={0}>
                  {attempt.transcript.join('\n') || '(no transcript recorded)'}
                </pre>
              )}
            </li>
          ))}
        </ol>
      )}
      {message.attemptCount > 0 && !full && (
        <button
          type="button"
          className="btn btn--small"
          disabled={busy}
          onClick={() => void run(() => api.outbox.get(message.id), setFull)}
        >
          Show transcript
        </button>
      )}
    </section>
  );
}

function RecipientTable({ recipients }: { recipients: readonly RecipientRow[] }) {
  return (
    <table className="outbox-recipients">
      <caption>Per recipient</caption>
      <thead>
        <tr>
          <th scope="col">Address</th>
          <th scope="col">Result</th>
          <th scope="col">Server reply</th>
        </tr>
      </thead>
      <tbody>
        {recipients.map((r) => (
          <tr key={r.address}>
            <td>{r.address}</td>
            <td>{r.result}</td>
            <td>
              <code>{r.reply ?? ''}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
