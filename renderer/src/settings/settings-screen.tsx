// The Accounts screen: the list of accounts with their actions and domain advice, or the add-account wizard.
// The shell owns the accounts (onAccountsChanged reloads them); this screen keeps only what it found this session.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccountProfile } from '../../../electron/shared/account';
import type { HealthAdvice } from '../../../electron/shared/autodetect';
import type { OutboxApi } from '../../../electron/shared/ipc-contract';
import { AccountCard } from './accounts/account-card';
import { PreferencesPanel } from './preferences-panel';
import { Wizard } from './wizard/wizard';
import './settings.css';

export interface SettingsScreenProps {
  api: OutboxApi;
  accounts: AccountProfile[];
  onAccountsChanged(): void;
  /** Opens the wizard at once, e.g. when there is no account yet. */
  startWizard: boolean;
  onClose(): void;
}

export function SettingsScreen({ api, accounts, onAccountsChanged, startWizard, onClose }: SettingsScreenProps) {
  const [wizard, setWizard] = useState(startWizard);
  // Domain advice per address, from the wizard or "Check domain"; main caches the lookups for the session.
  const [health, setHealth] = useState<Record<string, HealthAdvice[]>>({});
  const [saved, setSaved] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const returning = useRef(false);

  useEffect(() => {
    if (startWizard) setWizard(true);
  }, [startWizard]);
  useEffect(() => {
    // Back from the wizard, focus lands on the list's heading rather than on nothing.
    if (!wizard && returning.current) headingRef.current?.focus();
    returning.current = false;
  }, [wizard]);

  const onSaved = useCallback(
    (account: AccountProfile, advice: HealthAdvice[]) => {
      setHealth((h) => ({ ...h, [account.email.toLowerCase()]: advice }));
      setSaved(`${account.email} was added.`);
      returning.current = true;
      setWizard(false);
      onAccountsChanged();
    },
    [onAccountsChanged],
  );
  const closeWizard = useCallback(() => {
    returning.current = true;
    setWizard(false);
    // With no account there is no list to return to: closing the wizard leaves the screen.
    if (accounts.length === 0) onClose();
  }, [accounts.length, onClose]);

  if (wizard) {
    return (
      <div className="settings-screen">
        <Wizard api={api} onSaved={onSaved} onClose={closeWizard} />
      </div>
    );
  }

  return (
    <div className="settings-screen">
      <div className="settings-screen__head">
        <h2 className="settings-screen__title" tabIndex={-1} ref={headingRef}>
          Accounts
        </h2>
        <button
          type="button"
          className="btn btn--primary"
          onClick={() => {
            setSaved(null);
            setWizard(true);
          }}
        >
          Add account
        </button>
      </div>
      {saved ? (
        <p role="status" className="settings-verdict settings-verdict--ok">
          {saved}
        </p>
      ) : null}
      {accounts.length === 0 ? (
        <p className="settings-empty">No accounts yet. Add the account you send mail from.</p>
      ) : (
        <ul className="settings-accounts" aria-label="Accounts">
          {accounts.map((account) => (
            <AccountCard
              key={account.id}
              api={api}
              account={account}
              health={health[account.email.toLowerCase()]}
              onHealth={(advice) => setHealth((h) => ({ ...h, [account.email.toLowerCase()]: advice }))}
              onChanged={onAccountsChanged}
            />
          ))}
        </ul>
      )}
      <PreferencesPanel api={api} />
    </div>
  );
}
