// The Outbox screen: banners, filters, the virtualised list and the selected message's details side by side.
// The shell owns the data (useOutbox) and the selection, because commands and Compose also select messages.
import { useEffect, useMemo, useState } from 'react';
import type { Draft } from '../../../electron/shared/compose';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import type { OutboxData } from '../use-outbox';
import { DetailsPane } from './details-pane';
import { Filters } from './filters';
import { MessageList } from './message-list';
import { AttentionBanner, EmptyState, ErrorBanner, OfflineBanner } from './notices';
import { PacingBanner } from './pacing-banner';
import { filterMessages, stateCounts, waitingCount, type ListFilter } from './outbox-view';
import { UndoBar, type UndoSend } from './undo-send';
import './outbox.css';

export interface OutboxScreenProps {
  api: OutboxApi;
  data: OutboxData;
  selectedId: string | null;
  onSelect(id: string | null): void;
  /** Bring this message into view (a new key asks again). */
  reveal: { id: string; key: number } | null;
  onEdit(draft: Draft): void;
  onCompose(): void;
  onOpenAccounts(startWizard: boolean): void;
  /** Undo send (the shell owns it: Ctrl/Cmd+Z and notifications undo too). */
  undo?: UndoSend;
}

const ALL: ListFilter = { accountId: null, state: 'all', text: '' };

export function OutboxScreen({ api, data, selectedId, onSelect, reveal, onEdit, onCompose, onOpenAccounts, undo }: OutboxScreenProps) {
  const [filter, setFilter] = useState<ListFilter>(ALL);
  const { messages, accounts } = data;
  const shown = useMemo(() => filterMessages(messages, filter), [messages, filter]);
  const counts = useMemo(() => stateCounts(messages, filter.accountId, filter.text), [messages, filter.accountId, filter.text]);
  // The offline banner speaks for every account, whatever the filter shows.
  const waiting = useMemo(() => waitingCount(messages), [messages]);
  const selected = useMemo(() => (selectedId === null ? undefined : messages.find((m) => m.id === selectedId)), [messages, selectedId]);

  // A message asked for by a command or just sent must be visible, whatever the filters hid.
  useEffect(() => {
    if (reveal && !shown.some((m) => m.id === reveal.id) && messages.some((m) => m.id === reveal.id)) setFilter(ALL);
    // Only a new request resets the filters, not later list changes.
  }, [reveal?.key, messages.length > 0]);

  // The pane's buttons vanish with it: give focus back to the list rather than lose it to the page.
  const closeDetails = (): void => {
    onSelect(null);
    document.querySelector<HTMLElement>('.outbox-list')?.focus();
  };
  const accountName = selected ? accounts.find((a) => a.id === selected.accountId)?.name : undefined;
  const hasMessages = messages.length > 0;
  return (
    <div className="outbox-screen">
      <h2 className="outbox-screen__title" tabIndex={-1}>
        Outbox
      </h2>
      {!data.online && <OfflineBanner waiting={waiting} />}
      {data.error && <ErrorBanner error={data.error} />}
      <AttentionBanner accounts={accounts} onOpenAccounts={() => onOpenAccounts(false)} />
      {undo && <UndoBar messages={messages} undo={undo} />}
      <PacingBanner messages={messages} accounts={accounts} />
      {hasMessages ? (
        <>
          <Filters accounts={accounts} filter={filter} counts={counts} onChange={setFilter} />
          <div className={`outbox-body${selected ? ' outbox-body--split' : ''}`}>
            {shown.length > 0 ? (
              <MessageList messages={shown} selectedId={selectedId} onSelect={onSelect} reveal={reveal} />
            ) : (
              <p className="outbox-none" role="status">
                No messages match these filters.{' '}
                <button type="button" className="btn btn--small" onClick={() => setFilter(ALL)}>
                  Show all
                </button>
              </p>
            )}
            {selected && (
              <DetailsPane
                api={api}
                message={selected}
                accountName={accountName}
                onChanged={data.applyMessage}
                onRemoved={(id) => {
                  data.removeMessage(id);
                  closeDetails();
                }}
                onEdit={onEdit}
                onClose={closeDetails}
                {...(undo ? { undo } : {})}
              />
            )}
          </div>
        </>
      ) : (
        // With an error, an empty list says nothing; the banner above says what to do.
        !data.loading &&
        !data.error && <EmptyState hasAccount={accounts.length > 0} onAddAccount={() => onOpenAccounts(true)} onWrite={onCompose} />
      )}
    </div>
  );
}
