// The Compose and Accounts screens as the shell mounts them: the one place that names their modules, so the
// shell's tests can stand them in with vi.mock. The props are the fixed interfaces the three screens agreed on.
import type { AccountProfile } from '../../../electron/shared/account';
import type { OutboxApi, OutboxSummary } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import type { ComposeIntent } from '../compose/intent';

export type { ComposeIntent };

export interface ComposeSlotProps {
  api: OutboxApi;
  accounts: AccountProfile[];
  messages: readonly OutboxSummary[];
  intent: ComposeIntent;
  onSent(message: OutboxMessage): void;
  onClose(): void;
  /** Opens the accounts screen's wizard from Compose (when there is no account to send from). */
  onAddAccount?(): void;
}

export interface SettingsSlotProps {
  api: OutboxApi;
  accounts: AccountProfile[];
  onAccountsChanged(): void;
  startWizard: boolean;
  onClose(): void;
}

export { ComposeScreen as ComposeSlot } from '../compose/compose-screen';
export { SettingsScreen as SettingsSlot } from '../settings/settings-screen';
