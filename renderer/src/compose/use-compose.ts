// The behaviour behind the Compose screen over compose-state's reducer: autosave 800 ms after typing stops and on
// leaving, opening drafts, Send and Send later. Saves run one at a time (a draft is created once, never twice); a
// failed save keeps everything and retries on the next change. The screen's parts reach it through ComposeProvider.
import { useCallback, useEffect, useReducer, useRef } from 'react';
import type { Draft } from '../../../electron/shared/compose';
import type { AccountProfile, AccountSummary } from '../../../electron/shared/account';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import { isValidMailbox } from './addresses';
import {
  composeReducer,
  EMPTY_FIELDS,
  fromDraft,
  INITIAL_STATE,
  recipientsOf,
  type ComposeAction,
  type ComposeFields,
  type ComposeState,
} from './compose-state';
import type { ComposeIntent } from './intent';
import { draftBodyHtml, textToHtml } from './sanitize';

export { recipientsOf, type ComposeFields, type SaveStatus, type ShownError } from './compose-state';

export const AUTOSAVE_MS = 800;

export interface ComposeOptions {
  api: OutboxApi;
  accounts: readonly AccountSummary[];
  onSent(message: OutboxMessage): void;
  onClose(): void;
}

export function useCompose({ api, accounts, onSent, onClose }: ComposeOptions) {
  const [state, dispatchToReact] = useReducer(composeReducer, INITIAL_STATE);
  // The same reducer applied at once: saves and sends that await main read the state as it is now, not as of the
  // last render, so text typed while a save or a send is on its way is never lost.
  const latest = useRef<ComposeState>(INITIAL_STATE);
  const dispatch = useCallback((action: ComposeAction): void => {
    latest.current = composeReducer(latest.current, action);
    dispatchToReact(action);
  }, []);
  // One save at a time, in order: a new draft is created once.
  const saves = useRef<Promise<void>>(Promise.resolve());

  const account = accounts.find((a) => a.id === state.fields.accountId) ?? accounts[0];
  const getFields = useCallback((): ComposeFields => latest.current.fields, []);
  const update = useCallback((patch: Partial<ComposeFields>): void => dispatch({ type: 'edit', patch }), [dispatch]);
  const setSendError = useCallback((error: ComposeState['sendError']) => dispatch({ type: 'send-error', error }), [dispatch]);

  const save = useCallback((): Promise<void> => {
    const run = async (): Promise<void> => {
      const now = latest.current;
      if (!now.dirty || now.phase !== 'editing') return;
      dispatch({ type: 'save-started' });
      const f = now.fields;
      const result = await api.draft.save({
        ...(now.draftId ? { id: now.draftId } : {}),
        ...((f.accountId ?? accounts[0]?.id) ? { accountId: f.accountId ?? accounts[0]?.id } : {}),
        ...recipientsOf(f),
        subject: f.subject.replace(/[\r\n]+/g, ' '),
        html: f.html,
        text: f.text,
        attachments: f.attachments.map((a) => a.id),
        ...(f.scheduledAt ? { scheduledAt: f.scheduledAt } : {}),
      });
      if (latest.current.phase === 'finished') return;
      if (result.ok) dispatch({ type: 'saved', draft: result.value });
      else dispatch({ type: 'save-failed', message: `Not saved: ${result.error.message} ${result.error.next}` });
    };
    saves.current = saves.current.then(run, run);
    return saves.current;
  }, [api, accounts, dispatch]);
  // Timers and leaving-the-page handlers call the newest save (its accounts may have changed since they were set).
  const saveNow = useRef(save);
  saveNow.current = save;
  const unsaved = (): boolean => latest.current.dirty && latest.current.phase !== 'finished';

  useEffect(() => {
    if (!latest.current.dirty) return;
    const timer = setTimeout(() => void saveNow.current(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [state.revision]);

  // Leaving the screen saves what the timer had not saved yet.
  useEffect(
    () => () => {
      if (unsaved()) void saveNow.current();
    },
    [],
  );

  // A window being hidden or closed may not come back: save at once rather than after the pause.
  useEffect(() => {
    const hidden = (): void => {
      if (document.visibilityState === 'hidden' && unsaved()) void saveNow.current();
    };
    const leaving = (): void => {
      if (unsaved()) void saveNow.current();
    };
    document.addEventListener('visibilitychange', hidden);
    window.addEventListener('pagehide', leaving);
    return () => {
      document.removeEventListener('visibilitychange', hidden);
      window.removeEventListener('pagehide', leaving);
    };
  }, []);

  const load = useCallback(
    (fields: ComposeFields, draftId: string | undefined, bodyHtml: string, changed: boolean, savedAt?: string) =>
      dispatch({ type: 'load', fields, draftId, bodyHtml, changed, savedAt }),
    [dispatch],
  );

  const open = useCallback(
    async (intent: ComposeIntent): Promise<void> => {
      if (latest.current.dirty) await saveNow.current();
      dispatch({ type: 'reopened' });
      if (intent.kind === 'draft')
        return load(fromDraft(intent.draft), intent.draft.id, draftBodyHtml(intent.draft), false, intent.draft.updatedAt);
      if (intent.kind === 'resume') {
        const listed = await api.draft.list();
        const newest = listed.ok ? listed.value[0] : undefined;
        if (listed.ok) dispatch({ type: 'drafts-listed', drafts: listed.value });
        // Typing started while the list was on its way: that text wins over an older draft.
        if (latest.current.dirty) return;
        if (newest) return load(fromDraft(newest), newest.id, draftBodyHtml(newest), false, newest.updatedAt);
        return load(EMPTY_FIELDS, undefined, '', false);
      }
      const p = intent.prefill;
      if (!p) return load(EMPTY_FIELDS, undefined, '', false);
      const html = textToHtml(p.body);
      const filled = { ...EMPTY_FIELDS, to: p.to, cc: p.cc, bcc: p.bcc, subject: p.subject, html, text: p.body };
      load(filled, undefined, html, Boolean(p.to.length || p.cc.length || p.bcc.length || p.subject || p.body));
    },
    [api, load, dispatch],
  );

  const refreshDrafts = useCallback(async (): Promise<void> => {
    const listed = await api.draft.list();
    if (listed.ok) dispatch({ type: 'drafts-listed', drafts: listed.value });
  }, [api, dispatch]);

  const openDraft = useCallback((draft: Draft) => void open({ kind: 'draft', draft, key: Date.now() }), [open]);
  const startBlank = useCallback(() => void open({ kind: 'new', key: Date.now() }), [open]);

  const deleteDraft = useCallback(
    async (draft: Draft): Promise<void> => {
      const isOpen = draft.id === latest.current.draftId;
      if (isOpen) {
        // Deleting the draft on screen clears the screen: no save may bring it back.
        dispatch({ type: 'forget-changes' });
        await saves.current;
      }
      const result = await api.draft.remove(draft.id);
      if (!result.ok)
        return dispatch({ type: 'status', status: { state: 'error', message: `Could not delete the draft: ${result.error.message}` } });
      dispatch({ type: 'draft-removed', id: draft.id });
      if (isOpen) load(EMPTY_FIELDS, undefined, '', false);
    },
    [api, load, dispatch],
  );

  const discard = useCallback(async (): Promise<void> => {
    dispatch({ type: 'finished' });
    await saves.current;
    const id = latest.current.draftId;
    if (id) {
      const result = await api.draft.remove(id);
      if (!result.ok) {
        dispatch({ type: 'reopened' });
        return dispatch({ type: 'status', status: { state: 'error', message: `Could not discard the draft: ${result.error.message}` } });
      }
    }
    // Main keeps files a draft still holds; these were this draft's alone.
    for (const a of latest.current.fields.attachments) await api.attachment.discard(a.id);
    onClose();
  }, [api, onClose, dispatch]);

  const send = useCallback(
    async (scheduledAt?: Date): Promise<void> => {
      if (latest.current.phase !== 'editing') return;
      const problem = sendProblem(latest.current.fields, accounts);
      if (problem) return dispatch({ type: 'send-error', error: { message: problem } });
      dispatch({ type: 'send-started' });
      await saves.current;
      const { fields: f, draftId } = latest.current;
      const result = await api.outbox.enqueue({
        accountId: f.accountId && accounts.some((a) => a.id === f.accountId) ? f.accountId : accounts[0]?.id,
        ...recipientsOf(f),
        subject: f.subject.replace(/[\r\n]+/g, ' '),
        html: f.html,
        text: f.text,
        attachments: f.attachments.map((a) => a.id),
        ...(draftId ? { draftId } : {}),
        ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}),
      });
      if (!result.ok)
        return dispatch({
          type: 'send-failed',
          error: { message: result.error.message, next: result.error.next, reply: result.error.reply },
        });
      dispatch({ type: 'finished' });
      onSent(result.value);
    },
    [api, accounts, onSent, dispatch],
  );

  return {
    fields: state.fields,
    getFields,
    update,
    account,
    body: state.body,
    status: state.status,
    drafts: state.drafts,
    openDraftId: state.draftId,
    sending: state.phase === 'sending',
    sendError: state.sendError,
    setSendError,
    open,
    openDraft,
    startBlank,
    deleteDraft,
    discard,
    send,
    refreshDrafts,
  };
}

export type ComposeController = ReturnType<typeof useCompose>;

/** Problems that stop a send before it reaches main; null when it may go. */
export function sendProblem(f: ComposeFields, accounts: readonly AccountProfile[]): string | null {
  const { to, cc, bcc } = recipientsOf(f);
  if (accounts.length === 0) return 'There is no account to send from. Add your account first; this message stays saved as a draft.';
  if (to.length + cc.length + bcc.length === 0) return 'Add at least one recipient.';
  const bad = [...to, ...cc, ...bcc].filter((a) => !isValidMailbox(a));
  if (bad.length === 1) return `“${bad[0]}” is not a valid address. Correct it or remove it, then send again.`;
  if (bad.length > 1)
    return `These addresses are not valid: ${bad.map((b) => `“${b}”`).join(', ')}. Correct or remove them, then send again.`;
  return null;
}
