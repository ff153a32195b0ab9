// The saved drafts, newest first: subject, recipients and when each was last saved, to open or delete.
// Drafts live in the main process, so they are still here after a restart.
import { useState } from 'react';
import type { Draft } from '../../../electron/shared/compose';

export interface DraftsListProps {
  drafts: readonly Draft[];
  currentId: string | undefined;
  onOpen(draft: Draft): void;
  onDelete(draft: Draft): void;
  /** Starts a blank message; the one on screen stays saved as a draft. */
  onNew(): void;
}

function savedAt(iso: string): string {
  const when = new Date(iso);
  const today = new Date();
  return when.toDateString() === today.toDateString()
    ? when.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : when.toLocaleDateString(undefined, { day: 'numeric', month: 'short' });
}

export function DraftsList({ drafts, currentId, onOpen, onDelete, onNew }: DraftsListProps) {
  // Deleting asks first, in the row itself.
  const [asking, setAsking] = useState<string | null>(null);
  return (
    <nav className="compose-drafts" aria-label="Drafts">
      <div className="compose-drafts__head">
        <h2 className="compose-drafts__title">Drafts</h2>
        <button type="button" className="btn btn--small" onClick={onNew}>
          Blank message
        </button>
      </div>
      {drafts.length === 0 ? (
        <p className="compose-drafts__empty">No saved drafts. What you write here is saved as you type.</p>
      ) : (
        <ul className="compose-drafts__list">
          {drafts.map((draft) => {
            const subject = draft.subject.trim() || '(no subject)';
            const who = [...draft.to, ...draft.cc, ...draft.bcc].join(', ') || 'No recipients';
            const current = draft.id === currentId;
            return (
              <li key={draft.id} className={current ? 'compose-draft compose-draft--current' : 'compose-draft'}>
                <button type="button" className="compose-draft__open" aria-current={current || undefined} onClick={() => onOpen(draft)}>
                  <span className="compose-draft__subject">{subject}</span>
                  <span className="compose-draft__who">{who}</span>
                  <span className="compose-draft__time">
                    <span className="visually-hidden">Saved </span>
                    {savedAt(draft.updatedAt)}
                  </span>
                </button>
                {asking === draft.id ? (
                  <span className="compose-draft__confirm" role="group" aria-label={`Delete draft ${subject}?`}>
                    <button
                      type="button"
                      className="btn btn--small btn--danger"
                      // oxlint-disable-next-line jsx-a11y/no-autofocus -- the question takes focus so it is answered first
                      autoFocus
                      onClick={() => {
                        setAsking(null);
                        onDelete(draft);
                      }}
                    >
                      Delete
                    </button>
                    <button type="button" className="btn btn--small" onClick={() => setAsking(null)}>
                      Keep
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn btn--small btn--danger compose-draft__delete"
                    aria-label={`Delete draft ${subject}`}
                    onClick={() => setAsking(draft.id)}
                  >
                    Delete
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </nav>
  );
}
