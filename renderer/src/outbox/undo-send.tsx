// Undo send on screen: the live countdown ("Sending in 8 s"), the bar above the list with its Undo button, the
// Undo call that brings the message back to Compose (or says clearly why it is too late), and Ctrl/Cmd+Z.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Draft } from '../../../electron/shared/compose';
import type { ErrorInfo } from '../../../electron/shared/errors';
import type { OutboxApi, OutboxSummary } from '../../../electron/shared/ipc-contract';
import { settle } from '../use-outbox';
import { ErrorText } from './notices';
import { subjectLine, undoSecondsLeft } from './outbox-view';

/** The time now, ticking while `active`: four times a second, so the seconds shown never lag by a whole one. */
export function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** Whether any message is in its undo window now (cheap enough for 10,000 rows: most have no undoUntil). */
export function anyUndoable(messages: readonly OutboxSummary[], now = Date.now()): boolean {
  return messages.some((m) => m.undoUntil !== undefined && undoSecondsLeft(m, now) !== null);
}

export interface UndoSend {
  /** Takes the message back to Compose; a refusal (too late) is kept in `failure` for the screen to show. */
  undo(id: string): Promise<void>;
  /** The message an Undo is under way for. */
  busyId: string | null;
  /** The last Undo that failed, with why. */
  failure: { id: string; error: ErrorInfo } | null;
  dismiss(): void;
}

export function useUndoSend(api: OutboxApi, onRestored: (draft: Draft) => void): UndoSend {
  const [busyId, setBusyId] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ id: string; error: ErrorInfo } | null>(null);
  const busy = useRef(false);
  const restored = useRef(onRestored);
  restored.current = onRestored;
  const undo = useCallback(
    async (id: string): Promise<void> => {
      // One at a time: a second press must not race the first.
      if (busy.current) return;
      busy.current = true;
      setBusyId(id);
      setFailure(null);
      const result = await settle(() => api.outbox.undo(id));
      busy.current = false;
      setBusyId(null);
      if (result.ok) restored.current(result.value);
      else setFailure({ id, error: result.error });
    },
    [api],
  );
  const dismiss = useCallback(() => setFailure(null), []);
  return { undo, busyId, failure, dismiss };
}

/** Where Ctrl/Cmd+Z belongs to the field: it undoes typing there, not a send. */
export function isTextEditing(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement)
    return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(target.type);
  return false;
}

/** Ctrl+Z / Cmd+Z right after sending, while the delay runs, undoes that send (not while typing in a field). */
export function useUndoShortcut(lastSent: Pick<OutboxSummary, 'id' | 'state' | 'undoUntil'> | null, undo: (id: string) => void): void {
  const latest = useRef({ lastSent, undo });
  latest.current = { lastSent, undo };
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey || event.key.toLowerCase() !== 'z') return;
      const { lastSent: sent, undo: run } = latest.current;
      if (!sent || undoSecondsLeft(sent) === null || isTextEditing(event.target)) return;
      event.preventDefault();
      run(sent.id);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

const UNDO_KEYS = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘Z' : 'Ctrl+Z';

/** The bar above the list: each message in its undo window with its countdown and Undo, and why an Undo failed. */
export function UndoBar({ messages, undo }: { messages: readonly OutboxSummary[]; undo: UndoSend }) {
  const live = anyUndoable(messages);
  const now = useNow(live);
  const waiting = useMemo(() => messages.filter((m) => m.undoUntil !== undefined), [messages]);
  const shown = waiting.filter((m) => undoSecondsLeft(m, now) !== null).slice(0, 3);
  if (shown.length === 0 && !undo.failure) return null;
  return (
    <section className="undo-bar" aria-label="Undo send">
      {shown.map((m) => (
        <p key={m.id} className="undo-bar__item">
          <span>
            “{subjectLine(m)}” — Sending in {undoSecondsLeft(m, now)} s
          </span>
          <button
            type="button"
            className="btn btn--small btn--primary"
            disabled={undo.busyId !== null}
            aria-keyshortcuts="Control+Z Meta+Z"
            onClick={() => void undo.undo(m.id)}
          >
            Undo
          </button>
          <span className="undo-bar__hint">{UNDO_KEYS}</span>
        </p>
      ))}
      {undo.failure && (
        <div className="banner banner--error undo-bar__error" role="alert">
          <ErrorText error={undo.failure.error} />
          <button type="button" className="btn btn--small" onClick={undo.dismiss}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
