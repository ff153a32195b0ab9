// The window's page: offline and error banners, then the outbox list or, when it is empty, what to do first.
import type { OutboxApi } from '../../electron/shared/ipc-contract';
import { MessageList } from './message-list';
import { AttentionBanner, EmptyState, ErrorBanner, OfflineBanner } from './notices';
import { outboxSummary } from './outbox-view';
import { useOutbox } from './use-outbox';

export function App({ api }: { api: OutboxApi | undefined }) {
  const view = useOutbox(api);
  if (!api) {
    return (
      <div className="app">
        <section className="empty">
          <h2>Open this page from the Outbox app</h2>
          <p>It needs the app's background process to show your outbox.</p>
        </section>
      </div>
    );
  }
  return (
    <div className="app">
      <header className="app__header">
        <h1>Outbox</h1>
        {!view.loading && <span className="app__count">{outboxSummary(view.messages)}</span>}
      </header>
      {!view.online && <OfflineBanner />}
      {view.error && <ErrorBanner error={view.error} />}
      <AttentionBanner accounts={view.accounts.filter((a) => a.status === 'needs-attention')} />
      <main className="app__main" aria-busy={view.loading}>
        {view.messages.length > 0 ? (
          <MessageList messages={view.messages} />
        ) : (
          // With an error, an empty list says nothing; the banner above says what to do.
          !view.loading && !view.error && <EmptyState hasAccount={view.accounts.length > 0} />
        )}
      </main>
    </div>
  );
}
