// The state behind the Compose screen: the fields, the draft they autosave into, attachments, and sending.
// Saves run one at a time (a draft is created once, never twice); a failed save keeps everything and retries on the next change.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Draft, StagedAttachment } from '../../../electron/shared/compose';
import type { AccountProfile } from '../../../electron/shared/account';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import { isValidMailbox, splitAddresses } from './addresses';
import type { BodyContent } from './body-editor';
import type { ComposeIntent } from './intent';
import { draftBodyHtml, sanitizeBody, textToHtml } from './sanitize';

export const AUTOSAVE_MS = 800;

export interface ComposeFields {
  accountId?: string | undefined;
  to: string[];
  cc: string[];
  bcc: string[];
  /** Half-typed text in each recipient input: saved with the draft and sent as an address, never dropped. */
  toText: string;
  ccText: string;
  bccText: string;
  subject: string;
  html: string;
  text: string;
  attachments: StagedAttachment[];
  scheduledAt?: string | undefined;
}

export type SaveStatus = { state: 'idle' } | { state: 'saving' } | { state: 'saved'; at: Date } | { state: 'error'; message: string };
export interface ShownError {
  message: string;
  next?: string | undefined;
  reply?: string | undefined;
}

const EMPTY: ComposeFields = { to: [], cc: [], bcc: [], toText: '', ccText: '', bccText: '', subject: '', html: '', text: '', attachments: [] };

/** The recipients with any half-typed text made addresses too. */
export function recipientsOf(f: ComposeFields): { to: string[]; cc: string[]; bcc: string[] } {
  return { to: [...f.to, ...splitAddresses(f.toText)], cc: [...f.cc, ...splitAddresses(f.ccText)], bcc: [...f.bcc, ...splitAddresses(f.bccText)] };
}

function fromDraft(draft: Draft): ComposeFields {
  // The HTML as the editor will hold it: what is sent untouched is what the policy let through, never the raw draft.
  const html = draft.html.trim() ? sanitizeBody(draft.html) : '';
  return { ...EMPTY, accountId: draft.accountId, to: draft.to, cc: draft.cc, bcc: draft.bcc, subject: draft.subject, html, text: draft.text, attachments: draft.attachments, scheduledAt: draft.scheduledAt };
}

export function useCompose({ api, accounts, onSent, onClose }: { api: OutboxApi; accounts: readonly AccountProfile[]; onSent(message: OutboxMessage): void; onClose(): void }) {
  const [fields, setFields] = useState<ComposeFields>(EMPTY);
  const current = useRef(fields);
  const draftId = useRef<string | undefined>(undefined);
  const [openDraftId, setOpenDraftId] = useState<string | undefined>(undefined);
  const dirty = useRef(false);
  const [revision, setRevision] = useState(0);
  const [status, setStatus] = useState<SaveStatus>({ state: 'idle' });
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const chain = useRef<Promise<void>>(Promise.resolve());
  // Sent or discarded: nothing is saved after that, not even on unmount.
  const finished = useRef(false);
  const sendingNow = useRef(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<ShownError | null>(null);
  const [body, setBody] = useState<BodyContent>({ html: '', key: 0 });

  const account = accounts.find((a) => a.id === fields.accountId) ?? accounts[0];

  const setId = (id: string | undefined): void => {
    draftId.current = id;
    setOpenDraftId(id);
  };

  const update = useCallback((patch: Partial<ComposeFields>): void => {
    current.current = { ...current.current, ...patch };
    setFields(current.current);
    dirty.current = true;
    setRevision((r) => r + 1);
  }, []);

  const load = useCallback((next: ComposeFields, id: string | undefined, bodyHtml: string, changed: boolean, savedAt?: string): void => {
    current.current = next;
    setFields(next);
    setId(id);
    dirty.current = changed;
    setSendError(null);
    setStatus(savedAt ? { state: 'saved', at: new Date(savedAt) } : { state: 'idle' });
    setBody((b) => ({ html: bodyHtml, key: b.key + 1 }));
    if (changed) setRevision((r) => r + 1);
  }, []);

  const save = useCallback((): Promise<void> => {
    const run = async (): Promise<void> => {
      if (!dirty.current || finished.current || sendingNow.current) return;
      dirty.current = false;
      const f = current.current;
      setStatus({ state: 'saving' });
      const result = await api.draft.save({
        ...(draftId.current ? { id: draftId.current } : {}),
        ...(f.accountId ?? accounts[0]?.id ? { accountId: f.accountId ?? accounts[0]?.id } : {}),
        ...recipientsOf(f),
        subject: f.subject.replace(/[\r\n]+/g, ' '),
        html: f.html,
        text: f.text,
        attachments: f.attachments.map((a) => a.id),
        ...(f.scheduledAt ? { scheduledAt: f.scheduledAt } : {}),
      });
      if (finished.current) return;
      if (result.ok) {
        setId(result.value.id);
        setStatus({ state: 'saved', at: new Date(result.value.updatedAt) });
        setDrafts((list) => [result.value, ...list.filter((d) => d.id !== result.value.id)]);
      } else {
        // Keeps the text on screen and tries again with the next change.
        dirty.current = true;
        setStatus({ state: 'error', message: `Not saved: ${result.error.message} ${result.error.next}` });
      }
    };
    chain.current = chain.current.then(run, run);
    return chain.current;
  }, [api, accounts]);
  const saveRef = useRef(save);
  saveRef.current = save;

  useEffect(() => {
    if (!dirty.current) return;
    const timer = setTimeout(() => void saveRef.current(), AUTOSAVE_MS);
    return () => clearTimeout(timer);
  }, [revision]);

  // Leaving the screen saves what the timer had not saved yet.
  useEffect(
    () => () => {
      if (dirty.current && !finished.current) void saveRef.current();
    },
    [],
  );

  // A window being hidden or closed may not come back: save at once rather than after the pause.
  useEffect(() => {
    const now = (): void => {
      if (document.visibilityState === 'hidden' && dirty.current && !finished.current) void saveRef.current();
    };
    const leaving = (): void => {
      if (dirty.current && !finished.current) void saveRef.current();
    };
    document.addEventListener('visibilitychange', now);
    window.addEventListener('pagehide', leaving);
    return () => {
      document.removeEventListener('visibilitychange', now);
      window.removeEventListener('pagehide', leaving);
    };
  }, []);

  const open = useCallback(
    async (intent: ComposeIntent): Promise<void> => {
      if (dirty.current) await saveRef.current();
      finished.current = false;
      if (intent.kind === 'draft') return load(fromDraft(intent.draft), intent.draft.id, draftBodyHtml(intent.draft), false, intent.draft.updatedAt);
      if (intent.kind === 'resume') {
        const listed = await api.draft.list();
        const newest = listed.ok ? listed.value[0] : undefined;
        if (listed.ok) setDrafts(listed.value);
        // Typing started while the list was on its way: that text wins over an older draft.
        if (dirty.current) return;
        if (newest) return load(fromDraft(newest), newest.id, draftBodyHtml(newest), false, newest.updatedAt);
        return load(EMPTY, undefined, '', false);
      }
      const p = intent.prefill;
      if (!p) return load(EMPTY, undefined, '', false);
      const html = textToHtml(p.body);
      const filled = { ...EMPTY, to: p.to, cc: p.cc, bcc: p.bcc, subject: p.subject, html, text: p.body };
      load(filled, undefined, html, Boolean(p.to.length || p.cc.length || p.bcc.length || p.subject || p.body));
    },
    [api, load],
  );

  const refreshDrafts = useCallback(async (): Promise<void> => {
    const listed = await api.draft.list();
    if (listed.ok) setDrafts(listed.value);
  }, [api]);

  const openDraft = useCallback((draft: Draft) => void open({ kind: 'draft', draft, key: Date.now() }), [open]);
  const startBlank = useCallback(() => void open({ kind: 'new', key: Date.now() }), [open]);

  const deleteDraft = useCallback(
    async (draft: Draft): Promise<void> => {
      const isOpen = draft.id === draftId.current;
      if (isOpen) {
        // Deleting the draft on screen clears the screen: no save may bring it back.
        dirty.current = false;
        await chain.current;
      }
      const result = await api.draft.remove(draft.id);
      if (!result.ok) return setStatus({ state: 'error', message: `Could not delete the draft: ${result.error.message}` });
      setDrafts((list) => list.filter((d) => d.id !== draft.id));
      if (isOpen) load(EMPTY, undefined, '', false);
    },
    [api, load],
  );

  const discard = useCallback(async (): Promise<void> => {
    finished.current = true;
    dirty.current = false;
    await chain.current;
    const id = draftId.current;
    if (id) {
      const result = await api.draft.remove(id);
      if (!result.ok) {
        finished.current = false;
        return setStatus({ state: 'error', message: `Could not discard the draft: ${result.error.message}` });
      }
    }
    // Main keeps files a draft still holds; these were this draft's alone.
    for (const a of current.current.attachments) await api.attachment.discard(a.id);
    onClose();
  }, [api, onClose]);

  /** Problems that stop a send before it reaches main; null when it may go. */
  const check = (): string | null => {
    const f = current.current;
    const { to, cc, bcc } = recipientsOf(f);
    if (accounts.length === 0) return 'There is no account to send from. Add your account first; this message stays saved as a draft.';
    if (to.length + cc.length + bcc.length === 0) return 'Add at least one recipient.';
    const bad = [...to, ...cc, ...bcc].filter((a) => !isValidMailbox(a));
    if (bad.length === 1) return `“${bad[0]}” is not a valid address. Correct it or remove it, then send again.`;
    if (bad.length > 1) return `These addresses are not valid: ${bad.map((b) => `“${b}”`).join(', ')}. Correct or remove them, then send again.`;
    return null;
  };

  const send = useCallback(
    async (scheduledAt?: Date): Promise<void> => {
      if (sendingNow.current || finished.current) return;
      const problem = check();
      if (problem) return setSendError({ message: problem });
      sendingNow.current = true;
      setSending(true);
      setSendError(null);
      await chain.current;
      const f = current.current;
      const result = await api.outbox.enqueue({
        accountId: f.accountId && accounts.some((a) => a.id === f.accountId) ? f.accountId : accounts[0]?.id,
        ...recipientsOf(f),
        subject: f.subject.replace(/[\r\n]+/g, ' '),
        html: f.html,
        text: f.text,
        attachments: f.attachments.map((a) => a.id),
        ...(draftId.current ? { draftId: draftId.current } : {}),
        ...(scheduledAt ? { scheduledAt: scheduledAt.toISOString() } : {}),
      });
      sendingNow.current = false;
      setSending(false);
      if (!result.ok) {
        setSendError({ message: result.error.message, next: result.error.next, reply: result.error.reply });
        // Changes made while sending were not saved: save them now.
        if (dirty.current) setRevision((r) => r + 1);
        return;
      }
      finished.current = true;
      dirty.current = false;
      onSent(result.value);
    },
    // check reads refs and accounts only.
    // oxlint-disable-next-line react-hooks/exhaustive-deps
    [api, accounts, onSent],
  );

  return { fields, update, account, body, status, drafts, openDraftId, sending, sendError, setSendError, open, openDraft, startBlank, deleteDraft, discard, send, refreshDrafts, current };
}
