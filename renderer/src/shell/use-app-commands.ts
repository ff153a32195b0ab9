// What reaches the window from outside the page: app commands (menu, notifications, a mailto: link, quitting),
// the app's keyboard shortcuts, and the browser's online/offline events forwarded to main as a connectivity hint.
import { useEffect, useRef } from 'react';
import type { AppCommand, OutboxApi } from '../../../electron/shared/ipc-contract';
import { settle } from '../use-outbox';

/**
 * Applies commands in the order they happened: those that launched the app (app:takeCommands) first, then live ones.
 * Live commands that arrive while takeCommands is on its way wait for it.
 */
export function useAppCommands(api: OutboxApi | undefined, apply: (command: AppCommand) => void): void {
  const applyRef = useRef(apply);
  applyRef.current = apply;
  useEffect(() => {
    if (!api) return;
    let ready = false;
    const early: AppCommand[] = [];
    const unsubscribe = api.on('app:command', (command) => {
      if (ready) applyRef.current(command);
      else early.push(command);
    });
    // Applied even after a (StrictMode) unmount: main hands launch commands out once, so dropping them loses them.
    void settle(() => api.app.takeCommands()).then((result) => {
      for (const command of result.ok ? result.value : []) applyRef.current(command);
      for (const command of early.splice(0)) applyRef.current(command);
      ready = true;
    });
    return unsubscribe;
  }, [api]);
}

export type Shortcut = 'compose' | 'outbox' | 'settings';

/** Ctrl+N / Cmd+N, Ctrl+1 / Cmd+1 and Ctrl+, / Cmd+, — the same as the app menu's accelerators. */
export function shortcutFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): Shortcut | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return null;
  switch (event.key.toLowerCase()) {
    case 'n':
      return 'compose';
    case '1':
      return 'outbox';
    case ',':
      return 'settings';
    default:
      return null;
  }
}

export function useShortcuts(onShortcut: (shortcut: Shortcut) => void): void {
  const ref = useRef(onShortcut);
  ref.current = onShortcut;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent): void => {
      const shortcut = shortcutFor(event);
      if (!shortcut) return;
      event.preventDefault();
      ref.current(shortcut);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** The browser notices a lost connection before main's own check does: tell main at once, and show its answer. */
export function useConnectivityHint(api: OutboxApi | undefined, setOnline: (online: boolean) => void): void {
  const ref = useRef(setOnline);
  ref.current = setOnline;
  useEffect(() => {
    if (!api) return;
    const hint = (): void => {
      void settle(() => api.app.connectivityHint(navigator.onLine)).then((result) => {
        if (result.ok) ref.current(result.value.online);
      });
    };
    window.addEventListener('online', hint);
    window.addEventListener('offline', hint);
    return () => {
      window.removeEventListener('online', hint);
      window.removeEventListener('offline', hint);
    };
  }, [api]);
}
