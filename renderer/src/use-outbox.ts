// Keeps the outbox list, the accounts and the online state in React state, kept fresh by the main process's events.
// Message events are applied to the list locally in coalesced bursts; only account and quarantine events reload it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountProfile } from '../../electron/shared/account';
import type { ErrorInfo } from '../../electron/shared/errors';
import type { OutboxApi, OutboxSummary, Result } from '../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../electron/shared/message';
import { applyEvents, sortMessages, type ListEvent } from './outbox/outbox-view';

export interface OutboxView {
  loading: boolean;
  messages: OutboxSummary[];
  accounts: AccountProfile[];
  online: boolean;
  /** The last load that failed, to show with its next step. */
  error: ErrorInfo | null;
}

export interface OutboxData extends OutboxView {
  /** Reloads the accounts (and the list, whose held messages may have changed) after the settings screen changed them. */
  reloadAccounts(): void;
  /** Puts a message an action or Compose just answered with into the list, before its event arrives. */
  applyMessage(message: OutboxMessage): void;
  /** Takes a message the user deleted out of the list, before its event arrives. */
  removeMessage(id: string): void;
  setOnline(online: boolean): void;
}

export const UNREACHABLE: ErrorInfo = {
  code: 'INTERNAL',
  message: 'The window could not reach the Outbox background process.',
  next: 'Quit and restart Outbox. Queued messages are safe on disk.',
  retryable: false,
};

/** Every call resolves to an envelope, even when the bridge itself throws. */
export async function settle<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}

/** Events come in bursts while mail leaves; one state update per burst keeps 10,000 rows cheap. */
const BURST_MS = 16;
/** A reload asked for by several account events in a row happens once. */
const RELOAD_DELAY_MS = 100;

export function useOutbox(api: OutboxApi | undefined): OutboxData {
  const [loading, setLoading] = useState(true);
  const [messages, setMessages] = useState<OutboxSummary[]>([]);
  const [accounts, setAccounts] = useState<AccountProfile[]>([]);
  const [online, setOnline] = useState(true);
  const [listError, setListError] = useState<ErrorInfo | null>(null);
  const [accountsError, setAccountsError] = useState<ErrorInfo | null>(null);
  const pending = useRef<ListEvent[]>([]);
  const reloads = useRef<{ accounts(): void; messages(): void } | null>(null);

  useEffect(() => {
    if (!api) return;
    let alive = true;
    let listSeq = 0;
    let firstList = true;
    let burst: ReturnType<typeof setTimeout> | undefined;
    let reload: ReturnType<typeof setTimeout> | undefined;

    const loadMessages = async (): Promise<void> => {
      const seq = ++listSeq;
      const result = await settle(() => api.outbox.list());
      // A later reload may have overtaken this one; its answer is the newer.
      if (!alive || seq !== listSeq) return;
      if (result.ok) {
        // The renderer bench measures from here to the first painted frame.
        if (firstList) performance.mark('outbox:list-received');
        firstList = false;
        // Events queued before this answer are older than it.
        pending.current = [];
        setMessages(sortMessages(result.value));
      }
      setListError(result.ok ? null : result.error);
    };
    const loadAccounts = async (): Promise<void> => {
      const result = await settle(() => api.account.list());
      if (!alive) return;
      if (result.ok) setAccounts(result.value);
      setAccountsError(result.ok ? null : result.error);
    };
    const loadConnectivity = async (): Promise<void> => {
      const result = await settle(() => api.app.connectivity());
      if (alive && result.ok) setOnline(result.value.online);
    };
    const reloadSoon = (): void => {
      clearTimeout(reload);
      reload = setTimeout(() => void loadMessages(), RELOAD_DELAY_MS);
    };
    const flush = (): void => {
      burst = undefined;
      const events = pending.current;
      pending.current = [];
      if (events.length > 0) setMessages((current) => applyEvents(current, events));
    };
    reloads.current = {
      accounts: () => {
        void loadAccounts();
        reloadSoon();
      },
      messages: reloadSoon,
    };

    // Subscribe before the first load, so no change slips between the two.
    const unsubscribe = api.on('outbox:changed', (event) => {
      switch (event.type) {
        case 'changed':
        case 'removed':
        case 'progress':
          pending.current.push(event);
          burst ??= setTimeout(flush, BURST_MS);
          return;
        case 'connectivity':
          setOnline(event.online);
          return;
        case 'account':
          void loadAccounts();
          reloadSoon();
          return;
        case 'quarantined':
          reloadSoon();
          return;
      }
    });
    void Promise.all([loadMessages(), loadAccounts(), loadConnectivity()]).then(() => {
      if (alive) setLoading(false);
    });
    return () => {
      alive = false;
      reloads.current = null;
      clearTimeout(burst);
      clearTimeout(reload);
      unsubscribe();
    };
  }, [api]);

  const reloadAccounts = useCallback(() => reloads.current?.accounts(), []);
  const applyMessage = useCallback((message: OutboxMessage) => {
    setMessages((current) => applyEvents(current, [{ type: 'changed', message }]));
  }, []);
  const removeMessage = useCallback((id: string) => {
    setMessages((current) => applyEvents(current, [{ type: 'removed', id }]));
  }, []);

  return { loading, messages, accounts, online, error: listError ?? accountsError, reloadAccounts, applyMessage, removeMessage, setOnline };
}
