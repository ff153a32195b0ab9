// The Compose screen: From, To/Cc/Bcc chips, Subject, the formatted body, attachments, Send and Send later,
// with the draft saved as you type and the saved drafts listed beside it. The shell decides when it is shown.
// Its state lives in ComposeProvider (compose-context.tsx); the parts below read it from there.
import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import type { AccountProfile, AccountSummary } from '../../../electron/shared/account';
import type { OutboxApi, OutboxSummary } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import { AddressField } from './address-field';
import { AttachmentList } from './attachments';
import { BodyEditor } from './body-editor';
import { DraftsList } from './drafts-list';
import type { ComposeIntent } from './intent';
import { SendLaterPanel } from './send-later';
import { describeTime } from './schedule';
import { recipientCount, recipientLimitWarning } from './recipient-limit';
import { estimateMessageBytes, sizeWarning } from './size-estimate';
import { recentRecipients, withExtra } from './suggestions';
import { useAttachments } from './use-attachments';
import { ComposeProvider, useComposeContext } from './compose-context';
import type { SaveStatus } from './compose-state';
import './compose.css';

export interface ComposeScreenProps {
  api: OutboxApi;
  accounts: AccountSummary[];
  messages: readonly OutboxSummary[];
  intent: ComposeIntent;
  onSent(message: OutboxMessage): void;
  onClose(): void;
  /** Opens the accounts screen's wizard; without it the "Add an account" button closes Compose (the draft is kept). */
  onAddAccount?(): void;
}

function accountLabel(a: AccountProfile): string {
  const mark = a.status === 'needs-attention' ? ' — needs attention' : a.status === 'needs-sign-in' ? ' — needs sign-in' : '';
  return `${a.name} <${a.email}>${mark}`;
}

function statusText(status: SaveStatus): string {
  if (status.state === 'saving') return 'Saving…';
  if (status.state === 'saved') return `Saved ${status.at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
  if (status.state === 'error') return status.message;
  return '';
}

const SEND_KEYS = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘+Enter' : 'Ctrl+Enter';

const hasFiles = (event: DragEvent): boolean => [...event.dataTransfer.types].includes('Files');

export function ComposeScreen({ api, accounts, messages, intent, onSent, onClose, onAddAccount }: ComposeScreenProps) {
  return (
    <ComposeProvider api={api} accounts={accounts} onSent={onSent} onClose={onClose}>
      <ComposeView messages={messages} intent={intent} onAddAccount={onAddAccount ?? onClose} />
    </ComposeProvider>
  );
}

function ComposeView({
  messages,
  intent,
  onAddAccount,
}: {
  messages: readonly OutboxSummary[];
  intent: ComposeIntent;
  onAddAccount(): void;
}) {
  const c = useComposeContext();
  const { api, fields, update } = c;
  const files = useAttachments();
  const [showCc, setShowCc] = useState(false);
  const [showBcc, setShowBcc] = useState(false);
  // The field a Cc/Bcc button just opened takes focus; one a draft opens does not.
  const [opened, setOpened] = useState<'cc' | 'bcc' | null>(null);
  const [later, setLater] = useState(false);
  const [confirm, setConfirm] = useState<{ when?: Date } | null>(null);
  const [confirmDiscard, setConfirmDiscard] = useState(false);
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);

  useEffect(() => {
    setLater(false);
    setConfirm(null);
    setConfirmDiscard(false);
    void c.open(intent);
    if (intent.kind !== 'resume') void c.refreshDrafts();
    // A new key is the only thing that restarts Compose.
    // oxlint-disable-next-line react-hooks/exhaustive-deps
  }, [intent.key]);

  // A draft that has Cc or Bcc shows those fields.
  useEffect(() => {
    if (fields.cc.length || fields.ccText) setShowCc(true);
    if (fields.bcc.length || fields.bccText) setShowBcc(true);
  }, [fields.cc.length, fields.ccText, fields.bcc.length, fields.bccText]);

  // The outbox's addresses change rarely and cost the most; the chips typed here are added on top.
  const sent = useMemo(() => recentRecipients(messages), [messages]);
  const pool = useMemo(() => withExtra(sent, [...fields.to, ...fields.cc, ...fields.bcc]), [sent, fields.to, fields.cc, fields.bcc]);
  const estimate = estimateMessageBytes(
    fields.html.length + fields.text.length,
    fields.attachments.map((a) => a.size),
  );
  const warning = sizeWarning(estimate, c.account ? { host: c.account.smtp.host, maxSize: c.account.smtp.maxSize } : undefined);
  const tooMany = recipientLimitWarning(recipientCount(fields), c.account?.sending);

  const requestSend = (when?: Date): void => {
    if (c.sending) return;
    if (!c.getFields().subject.trim()) {
      setConfirm(when ? { when } : {});
      return;
    }
    void c.send(when);
  };
  const requestSendRef = useRef(requestSend);
  requestSendRef.current = requestSend;

  useEffect(
    () =>
      api.on('app:command', (command) => {
        if (command.type === 'send') requestSendRef.current();
      }),
    [api],
  );

  // A file dropped just outside the screen must not make the window navigate to it.
  useEffect(() => {
    const stop = (event: globalThis.DragEvent): void => {
      if (event.dataTransfer && [...event.dataTransfer.types].includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      requestSend();
    } else if (event.key === 'Escape') {
      setLater(false);
      setConfirm(null);
      setConfirmDiscard(false);
    }
  };

  const dragHandlers = {
    onDragEnter: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth.current += 1;
      setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: () => {
      dragDepth.current = Math.max(0, dragDepth.current - 1);
      if (dragDepth.current === 0) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      dragDepth.current = 0;
      setDragging(false);
      void files.drop([...event.dataTransfer.files]);
    },
  };

  const recipient = (label: 'To' | 'Cc' | 'Bcc', key: 'to' | 'cc' | 'bcc', autoFocus = false) => (
    <AddressField
      label={label}
      chips={fields[key]}
      text={fields[`${key}Text`]}
      pool={pool}
      autoFocus={autoFocus}
      noSmtpUtf8Host={c.account?.smtp.smtpUtf8 === false ? c.account.smtp.host : undefined}
      onChange={(chips, text) => {
        update({ [key]: chips, [`${key}Text`]: text });
        c.setSendError(null);
      }}
    />
  );

  const scheduled = fields.scheduledAt ? new Date(fields.scheduledAt) : undefined;
  return (
    <div className="compose" onKeyDown={onKeyDown} {...dragHandlers}>
      <section className="compose-main" aria-labelledby="compose-title">
        <header className="compose-header">
          <h2 id="compose-title">New message</h2>
          <p className="compose-status" role="status">
            {statusText(c.status)}
          </p>
        </header>

        <FromRow onAddAccount={onAddAccount} />

        <div className="compose-to">
          {recipient('To', 'to', intent.kind === 'new' && !intent.prefill)}
          <div className="compose-to__toggles">
            {!showCc && (
              <button
                type="button"
                className="btn btn--small"
                aria-label="Add Cc recipients"
                onClick={() => {
                  setShowCc(true);
                  setOpened('cc');
                }}
              >
                Cc
              </button>
            )}
            {!showBcc && (
              <button
                type="button"
                className="btn btn--small"
                aria-label="Add Bcc recipients"
                onClick={() => {
                  setShowBcc(true);
                  setOpened('bcc');
                }}
              >
                Bcc
              </button>
            )}
          </div>
        </div>
        {showCc && recipient('Cc', 'cc', opened === 'cc')}
        {showBcc && recipient('Bcc', 'bcc', opened === 'bcc')}

        <div className="compose-row">
          <label htmlFor="compose-subject" className="compose-row__label">
            Subject
          </label>
          <input
            id="compose-subject"
            className="input compose-subject"
            type="text"
            value={fields.subject}
            onChange={(event) => {
              update({ subject: event.target.value });
              setConfirm(null);
            }}
          />
        </div>

        <BodyEditor
          content={c.body}
          onChange={(b) => {
            const now = c.getFields();
            if (b.html !== now.html || b.text !== now.text) update(b);
          }}
        />

        <AttachmentList
          attachments={fields.attachments}
          busy={files.busy}
          warning={warning}
          error={files.error}
          onPick={() => void files.pick()}
          onRemove={(a) => void files.remove(a)}
        />

        <SendErrorNotice />

        {tooMany && (
          <p className="compose-warning" role="note" aria-label="Too many recipients for one message">
            {tooMany}
          </p>
        )}

        {confirm && (
          <div className="compose-confirm" role="alertdialog" aria-label="Send without a subject?" aria-describedby="compose-confirm-text">
            <p id="compose-confirm-text">Send without a subject?</p>
            <button
              type="button"
              className="btn btn--primary btn--small"
              // oxlint-disable-next-line jsx-a11y/no-autofocus -- the question takes focus so Enter answers it
              autoFocus
              onClick={() => {
                const when = confirm.when;
                setConfirm(null);
                void c.send(when);
              }}
            >
              Send anyway
            </button>
            <button type="button" className="btn btn--small" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        )}

        {confirmDiscard && (
          <div className="compose-confirm" role="alertdialog" aria-label="Discard this message?" aria-describedby="compose-discard-text">
            <p id="compose-discard-text">Discard this message? Its draft and attachments are deleted.</p>
            {/* oxlint-disable-next-line jsx-a11y/no-autofocus -- the question takes focus so it is answered first */}
            <button type="button" className="btn btn--danger btn--small" autoFocus onClick={() => void c.discard()}>
              Discard
            </button>
            <button type="button" className="btn btn--small" onClick={() => setConfirmDiscard(false)}>
              Keep writing
            </button>
          </div>
        )}

        {later && (
          <SendLaterPanel
            initial={scheduled}
            disabled={c.sending}
            onSchedule={(when) => {
              setLater(false);
              requestSend(when);
            }}
            onCancel={() => setLater(false)}
          />
        )}

        <footer className="compose-actions">
          <button
            type="button"
            className="btn btn--primary"
            disabled={c.sending}
            aria-keyshortcuts="Control+Enter Meta+Enter"
            onClick={() => requestSend()}
          >
            {c.sending ? 'Sending…' : 'Send'}
          </button>
          <button type="button" className="btn" aria-expanded={later} disabled={c.sending} onClick={() => setLater((v) => !v)}>
            Send later…
          </button>
          {scheduled && scheduled.getTime() > Date.now() && (
            <span className="compose-actions__note">Was scheduled for {describeTime(scheduled)}</span>
          )}
          <span className="compose-actions__hint">{SEND_KEYS} sends</span>
          <button type="button" className="btn btn--danger compose-actions__discard" onClick={() => setConfirmDiscard(true)}>
            Discard
          </button>
        </footer>

        {dragging && (
          <div className="compose-dropzone" aria-hidden="true">
            <p>Drop files to attach them</p>
          </div>
        )}
      </section>
      <ComposeDrafts />
    </div>
  );
}

/** The account to send from, or how to add one when there is none. */
function FromRow({ onAddAccount }: { onAddAccount(): void }) {
  const { accounts, account, update } = useComposeContext();
  if (accounts.length === 0) {
    return (
      <div className="compose-noaccount">
        <p>There is no account to send from yet. Add the account you send mail from; what you write here is kept as a draft.</p>
        <button type="button" className="compose-linkbutton" onClick={onAddAccount}>
          Add an account
        </button>
      </div>
    );
  }
  return (
    <div className="compose-row">
      <label htmlFor="compose-from" className="compose-row__label">
        From
      </label>
      <select
        id="compose-from"
        className="input compose-from"
        value={account?.id ?? ''}
        onChange={(event) => update({ accountId: event.target.value })}
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {accountLabel(a)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Why the last Send did not go: the cause, the next step and the server's reply. */
function SendErrorNotice() {
  const { sendError } = useComposeContext();
  if (!sendError) return null;
  return (
    <div className="compose-error" role="alert">
      <p className="compose-error__message">{sendError.message}</p>
      {sendError.next && <p className="compose-error__next">{sendError.next}</p>}
      {sendError.reply && <pre className="compose-error__reply">{sendError.reply}</pre>}
    </div>
  );
}

function ComposeDrafts() {
  const { drafts, openDraftId, openDraft, deleteDraft, startBlank } = useComposeContext();
  return <DraftsList drafts={drafts} currentId={openDraftId} onOpen={openDraft} onDelete={(d) => void deleteDraft(d)} onNew={startBlank} />;
}
