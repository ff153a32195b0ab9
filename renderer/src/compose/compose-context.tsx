// ComposeProvider: Compose's state and commands (use-compose) with the window's API and accounts, for every part of
// the screen to read from context instead of having `api` and a dozen callbacks passed down to it.
import { createContext, useContext, type ReactNode } from 'react';
import type { AccountSummary } from '../../../electron/shared/account';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import { useCompose, type ComposeController, type ComposeOptions } from './use-compose';

export interface ComposeContextValue extends ComposeController {
  api: OutboxApi;
  accounts: readonly AccountSummary[];
}

const ComposeContext = createContext<ComposeContextValue | null>(null);

export function ComposeProvider({ children, ...options }: ComposeOptions & { children: ReactNode }) {
  const compose = useCompose(options);
  return <ComposeContext.Provider value={{ ...compose, api: options.api, accounts: options.accounts }}>{children}</ComposeContext.Provider>;
}

export function useComposeContext(): ComposeContextValue {
  const value = useContext(ComposeContext);
  if (!value) throw new Error('A Compose part was rendered outside ComposeProvider');
  return value;
}
