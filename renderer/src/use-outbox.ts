// Keeps the outbox list, the accounts and the online state in React state, refreshed by the main process's events.
import { useEffect, useState } from 'react';
import type { AccountProfile } from '../../electron/shared/account';
import type { ErrorInfo } from '../../electron/shared/errors';
import type { OutboxApi, Result } from '../../electron/shared/ipc-contract';
import type { OutboxSummary } from '../../electron/shared/ipc-contract';
import { sortMessages, withProgress } from './outbox-view';

export interface OutboxView {
  loading: boolean;
  messages: OutboxSummary[];
  accounts: AccountProfile[];
  online: boolean;
  /** The last call that failed, to show with its next step. */
  error: ErrorInfo | null;
}

const UNREACHABLE: ErrorInfo = {
  code: 'INTERNAL',
  message: 'The window could not reach the Outbox background process.',
  next: 'Quit and restart Outbox. Queued messages are safe on disk.',
  retryable: false,
};

async function settle<T>(call: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await call();
  } catch {
    return { ok: false, error: UNREACHABLE };
  }
}

/** Events come in bursts while mail leaves; one list call per burst is enough. */
const REFRESH_DELAY_MS = 100;

export function useOutbox(api: OutboxApi | undefined): OutboxView {
  const [loading, setLoading] = useState(true);
  const [messages, setMessages] = useState<OutboxSummary[]>([]);
  const [accounts, setAccounts] = useState<AccountProfile[]>([]);
  const [online, setOnline] = useState(true);
  const [listError, setListError] = useState<ErrorInfo | null>(null);
  const [accountsError, setAccountsError] = useState<ErrorInfo | null>(null);

  useEffect(() => {
    if (!api) return;
    let alive = true;
    let listSeq = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const loadMessages = async (): Promise<void> => {
      const seq = ++listSeq;
      const result = await settle(() => api.outbox.list());
      // A later refresh may have overtaken this one; its answer is the newer.
      if (!alive || seq !== listSeq) return;
      if (result.ok) setMessages(sortMessages(result.value));
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
    const refreshSoon = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => void loadMessages(), REFRESH_DELAY_MS);
    };

    // Subscribe before the first load, so no change slips between the two.
    const unsubscribe = api.on('outbox:changed', (event) => {
      switch (event.type) {
        case 'progress':
          setMessages((current) => withProgress(current, event.id, event.sent, event.total));
          return;
        case 'connectivity':
          setOnline(event.online);
          return;
        case 'account':
          void loadAccounts();
          refreshSoon();
          return;
        default:
          refreshSoon();
      }
    });
    void Promise.all([loadMessages(), loadAccounts(), loadConnectivity()]).then(() => {
      if (alive) setLoading(false);
    });
    return () => {
      alive = false;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [api]);

  return { loading, messages, accounts, online, error: listError ?? accountsError };
}
