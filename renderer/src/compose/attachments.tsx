// The attachments of the message being written: name, size and a remove button for each, the picker button,
// and the warning when the whole message is likely larger than the account's server accepts.
import type { StagedAttachment } from '../../../electron/shared/compose';
import { humanSize } from './size-estimate';

export interface AttachmentListProps {
  attachments: readonly StagedAttachment[];
  /** Files being read or staged right now (dropped ones take a moment). */
  busy: number;
  warning: string | null;
  error: string | null;
  onPick(): void;
  onRemove(attachment: StagedAttachment): void;
}

export function AttachmentList({ attachments, busy, warning, error, onPick, onRemove }: AttachmentListProps) {
  const total = attachments.reduce((sum, a) => sum + a.size, 0);
  return (
    <section className="compose-attachments" aria-label="Attachments">
      <div className="compose-attachments__bar">
        <button type="button" className="btn btn--small" onClick={onPick}>
          Attach files…
        </button>
        <span className="compose-attachments__hint">
          {attachments.length > 0
            ? `${attachments.length} ${attachments.length === 1 ? 'file' : 'files'}, ${humanSize(total)}`
            : 'or drop files anywhere on this message'}
          {busy > 0 && ` · adding ${busy}…`}
        </span>
      </div>
      {attachments.length > 0 && (
        <ul className="compose-attachments__list">
          {attachments.map((a) => (
            <li key={a.id} className="compose-attachment">
              <span className="compose-attachment__name">{a.name}</span>
              <span className="compose-attachment__size">{humanSize(a.size)}</span>
              <button
                type="button"
                className="btn btn--small compose-attachment__remove"
                aria-label={`Remove attachment ${a.name}`}
                onClick={() => onRemove(a)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {warning && (
        <p className="compose-warning" role="status">
          {warning}
        </p>
      )}
      {error && (
        <p className="field__error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
