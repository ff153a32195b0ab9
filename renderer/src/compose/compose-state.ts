// Compose's state as one value and the typed actions that change it: the fields, the draft they autosave into,
// where saving and sending stand. A pure reducer, so every change is one named step a test can replay.
import type { Draft, StagedAttachment } from '../../../electron/shared/compose';
import { splitAddresses } from './addresses';
import type { BodyContent } from './body-editor';
import { sanitizeBody } from './sanitize';

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

/** editing: typing and saving; sending: the message is on its way to main; finished: sent or discarded, nothing more is saved. */
export type ComposePhase = 'editing' | 'sending' | 'finished';

export interface ComposeState {
  fields: ComposeFields;
  /** The draft the fields save into; undefined until the first save creates one. */
  draftId: string | undefined;
  /** Changed since the last save began. */
  dirty: boolean;
  /** Counts changes; the autosave timer restarts on each. */
  revision: number;
  status: SaveStatus;
  drafts: Draft[];
  phase: ComposePhase;
  sendError: ShownError | null;
  /** What the body editor is to show; a new key replaces its content (a draft opened), typing does not. */
  body: BodyContent;
}

export const EMPTY_FIELDS: ComposeFields = {
  to: [],
  cc: [],
  bcc: [],
  toText: '',
  ccText: '',
  bccText: '',
  subject: '',
  html: '',
  text: '',
  attachments: [],
};

export const INITIAL_STATE: ComposeState = {
  fields: EMPTY_FIELDS,
  draftId: undefined,
  dirty: false,
  revision: 0,
  status: { state: 'idle' },
  drafts: [],
  phase: 'editing',
  sendError: null,
  body: { html: '', key: 0 },
};

export type ComposeAction =
  /** The user changed fields: kept at once, saved after a pause. */
  | { type: 'edit'; patch: Partial<ComposeFields> }
  /** A draft, a prefill or a blank message replaces what is on screen. */
  | { type: 'load'; fields: ComposeFields; draftId: string | undefined; bodyHtml: string; changed: boolean; savedAt?: string | undefined }
  | { type: 'save-started' }
  | { type: 'saved'; draft: Draft }
  /** Keeps the text on screen; the next change tries again. */
  | { type: 'save-failed'; message: string }
  | { type: 'status'; status: SaveStatus }
  | { type: 'drafts-listed'; drafts: Draft[] }
  | { type: 'draft-removed'; id: string }
  /** The open draft is being deleted or discarded: nothing on screen may be saved into it again. */
  | { type: 'forget-changes' }
  | { type: 'send-started' }
  | { type: 'send-failed'; error: ShownError }
  | { type: 'send-error'; error: ShownError | null }
  /** Sent or discarded: the screen is done with this message. */
  | { type: 'finished' }
  /** A discard that main refused: back to editing. */
  | { type: 'reopened' };

export function composeReducer(state: ComposeState, action: ComposeAction): ComposeState {
  switch (action.type) {
    case 'edit':
      return { ...state, fields: { ...state.fields, ...action.patch }, dirty: true, revision: state.revision + 1 };
    case 'load':
      return {
        ...state,
        fields: action.fields,
        draftId: action.draftId,
        dirty: action.changed,
        revision: action.changed ? state.revision + 1 : state.revision,
        // A send already on its way still ends as it will; anything else is editing again.
        phase: state.phase === 'sending' ? 'sending' : 'editing',
        sendError: null,
        status: action.savedAt ? { state: 'saved', at: new Date(action.savedAt) } : { state: 'idle' },
        body: { html: action.bodyHtml, key: state.body.key + 1 },
      };
    case 'save-started':
      return { ...state, dirty: false, status: { state: 'saving' } };
    case 'saved':
      return {
        ...state,
        draftId: action.draft.id,
        status: { state: 'saved', at: new Date(action.draft.updatedAt) },
        drafts: [action.draft, ...state.drafts.filter((d) => d.id !== action.draft.id)],
      };
    case 'save-failed':
      return { ...state, dirty: true, status: { state: 'error', message: action.message } };
    case 'status':
      return { ...state, status: action.status };
    case 'drafts-listed':
      return { ...state, drafts: action.drafts };
    case 'draft-removed':
      return { ...state, drafts: state.drafts.filter((d) => d.id !== action.id) };
    case 'forget-changes':
      return { ...state, dirty: false };
    case 'send-started':
      return { ...state, phase: 'sending', sendError: null };
    case 'send-failed':
      // Changes made while sending were not saved: a new revision saves them.
      return { ...state, phase: 'editing', sendError: action.error, revision: state.dirty ? state.revision + 1 : state.revision };
    case 'send-error':
      return { ...state, sendError: action.error };
    case 'finished':
      return { ...state, phase: 'finished', dirty: false };
    case 'reopened':
      return state.phase === 'finished' ? { ...state, phase: 'editing' } : state;
  }
}

/** The recipients with any half-typed text made addresses too. */
export function recipientsOf(f: ComposeFields): { to: string[]; cc: string[]; bcc: string[] } {
  return {
    to: [...f.to, ...splitAddresses(f.toText)],
    cc: [...f.cc, ...splitAddresses(f.ccText)],
    bcc: [...f.bcc, ...splitAddresses(f.bccText)],
  };
}

export function fromDraft(draft: Draft): ComposeFields {
  // The HTML as the editor will hold it: what is sent untouched is what the policy let through, never the raw draft.
  const html = draft.html.trim() ? sanitizeBody(draft.html) : '';
  return {
    ...EMPTY_FIELDS,
    accountId: draft.accountId,
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: draft.subject,
    html,
    text: draft.text,
    attachments: draft.attachments,
    scheduledAt: draft.scheduledAt,
  };
}
