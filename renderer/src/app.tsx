// The window's shell: header with the outbox summary, the main nav, and one screen (Outbox, Compose or Accounts).
// It routes commands, shortcuts and screen changes, and moves focus to each new screen's heading.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ComposePrefill, Draft } from '../../electron/shared/compose';
import type { AppCommand, OutboxApi, Screen } from '../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../electron/shared/message';
import { OutboxScreen } from './outbox/outbox-screen';
import { outboxSummary } from './outbox/outbox-view';
import { ComposeSlot, SettingsSlot, type ComposeIntent } from './shell/screens';
import { useAppCommands, useConnectivityHint, useShortcuts } from './shell/use-app-commands';
import { UpdateBanner } from './shell/update-banner';
import { useOutbox } from './use-outbox';
import { useUndoSend, useUndoShortcut } from './outbox/undo-send';

export type Route =
  { screen: 'outbox' } | { screen: 'compose'; intent: ComposeIntent } | { screen: 'settings'; startWizard: boolean; key: number };

/** A compose intent before the shell gives it its key. */
type IntentRequest = ComposeIntent extends infer I ? (I extends { key: number } ? Omit<I, 'key'> : never) : never;

const NAV: readonly { screen: Screen; label: string }[] = [
  { screen: 'outbox', label: 'Outbox' },
  { screen: 'compose', label: 'New message' },
  { screen: 'settings', label: 'Accounts' },
];

export function App({ api }: { api: OutboxApi | undefined }) {
  if (!api) {
    return (
      <div className="app">
        <main className="app__main" aria-busy="false">
          <section className="empty">
            <h2>Open this page from the Outbox app</h2>
            <p>It needs the app's background process to show your outbox.</p>
          </section>
        </main>
      </div>
    );
  }
  return <Shell api={api} />;
}

function Shell({ api }: { api: OutboxApi }) {
  const data = useOutbox(api);
  const [route, setRoute] = useState<Route>({ screen: 'outbox' });
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [reveal, setReveal] = useState<{ id: string; key: number } | null>(null);
  const [quitting, setQuitting] = useState<number | null>(null);
  const [update, setUpdate] = useState<string | null>(null);
  // Every compose intent and every settings visit gets a fresh key: a new key starts that screen over.
  const keys = useRef(0);

  const compose = useCallback((intent: IntentRequest) => {
    setRoute({ screen: 'compose', intent: { ...intent, key: ++keys.current } as ComposeIntent });
  }, []);
  const show = useCallback(
    (screen: Screen) => {
      if (screen === 'compose') compose({ kind: 'resume' });
      else setRoute(screen === 'outbox' ? { screen: 'outbox' } : { screen: 'settings', startWizard: false, key: ++keys.current });
    },
    [compose],
  );
  const openMessage = useCallback((id: string) => {
    setRoute({ screen: 'outbox' });
    setSelectedId(id);
    setReveal({ id, key: ++keys.current });
  }, []);
  // Undo send: the message goes back to Compose as the draft it was (the outbox's bar, the details, Ctrl/Cmd+Z, a notification).
  const [lastSent, setLastSent] = useState<OutboxMessage | null>(null);
  const undoSend = useUndoSend(api, (draft) => {
    setLastSent(null);
    compose({ kind: 'draft', draft });
  });
  useUndoShortcut(lastSent, (id) => void undoSend.undo(id));

  useAppCommands(api, (command: AppCommand) => {
    switch (command.type) {
      case 'compose':
        compose(command.prefill ? { kind: 'new', prefill: command.prefill satisfies ComposePrefill } : { kind: 'new' });
        return;
      case 'open-message':
        openMessage(command.id);
        return;
      case 'undo':
        // Shown first, so a refusal (too late) is read next to the message.
        openMessage(command.id);
        void undoSend.undo(command.id);
        return;
      case 'show':
        show(command.screen);
        return;
      case 'quitting':
        setQuitting(command.sending);
        return;
      case 'send':
        // Compose handles the menu's Send itself.
        return;
      case 'update-ready':
        setUpdate(command.version);
        return;
    }
  });
  useShortcuts(show);
  useConnectivityHint(api, data.setOnline);

  // A first start with no account goes straight to adding one.
  const routedFirst = useRef(false);
  useEffect(() => {
    if (data.loading || routedFirst.current) return;
    routedFirst.current = true;
    if (data.accounts.length === 0 && !data.error)
      setRoute((current) => (current.screen === 'outbox' ? { screen: 'settings', startWizard: true, key: ++keys.current } : current));
  }, [data.loading, data.accounts.length, data.error]);

  useFocusHeadingOnChange(route);

  const onSent = useCallback(
    (message: OutboxMessage) => {
      data.applyMessage(message);
      openMessage(message.id);
      setLastSent(message);
    },
    [data.applyMessage, openMessage],
  );
  const onEdit = useCallback((draft: Draft) => compose({ kind: 'draft', draft }), [compose]);
  const toOutbox = useCallback(() => setRoute({ screen: 'outbox' }), []);

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app__header">
        <h1>Outbox</h1>
        {!data.loading && <span className="app__count">{outboxSummary(data.messages)}</span>}
        <nav aria-label="Main" className="app__nav">
          {NAV.map((item) => (
            <button
              key={item.screen}
              type="button"
              className={`btn app__nav-item${route.screen === item.screen ? ' app__nav-item--current' : ''}`}
              aria-current={route.screen === item.screen ? 'page' : undefined}
              onClick={() => show(item.screen)}
            >
              {item.label}
            </button>
          ))}
        </nav>
      </header>
      {quitting !== null && (
        <p className="app__quitting" role="status">
          {quitting > 0 ? `Finishing ${quitting} ${quitting === 1 ? 'send' : 'sends'} before quitting…` : 'Quitting…'}
        </p>
      )}
      {update !== null && quitting === null && <UpdateBanner api={api} version={update} />}
      <main id="main" className="app__main" aria-busy={data.loading} tabIndex={-1}>
        {route.screen === 'outbox' && (
          <OutboxScreen
            api={api}
            data={data}
            selectedId={selectedId}
            onSelect={setSelectedId}
            reveal={reveal}
            onEdit={onEdit}
            onCompose={() => compose({ kind: 'resume' })}
            onOpenAccounts={(startWizard) => setRoute({ screen: 'settings', startWizard, key: ++keys.current })}
            undo={undoSend}
          />
        )}
        {route.screen === 'compose' && (
          <ComposeSlot
            api={api}
            accounts={data.accounts}
            messages={data.messages}
            intent={route.intent}
            onSent={onSent}
            onClose={toOutbox}
            onAddAccount={() => setRoute({ screen: 'settings', startWizard: true, key: ++keys.current })}
          />
        )}
        {route.screen === 'settings' && (
          <SettingsSlot
            key={route.key}
            api={api}
            accounts={data.accounts}
            onAccountsChanged={data.reloadAccounts}
            startWizard={route.startWizard}
            onClose={toOutbox}
          />
        )}
      </main>
    </div>
  );
}

/**
 * Every screen change moves focus to the new screen's heading, so keyboard and screen-reader users start there;
 * Compose instead starts in its first address field, where a person writing mail types first.
 */
function useFocusHeadingOnChange(route: Route): void {
  const first = useRef(true);
  const token =
    route.screen === 'compose' ? `compose-${route.intent.key}` : route.screen === 'settings' ? `settings-${route.key}` : 'outbox';
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let frame = 0;
    let tries = 0;
    // A screen may render its heading a frame or two later (after loading a draft); look for a short while.
    const focus = (): void => {
      const start = route.screen === 'compose' ? document.querySelector<HTMLElement>('#main input[role="combobox"]') : null;
      const heading = start ?? document.querySelector<HTMLElement>('#main h2');
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
        heading.focus();
      } else if (tries++ < 10) frame = requestAnimationFrame(focus);
    };
    focus();
    return () => cancelAnimationFrame(frame);
  }, [token]);
}
