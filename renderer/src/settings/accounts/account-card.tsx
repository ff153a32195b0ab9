// One account in the list: who it sends as, its server and status, and its actions: Test (with the report and
// certificate trust), Edit, Remove (confirmed inline), the Sent-copy switch, and the domain-health check.
import { useState } from 'react';
import type { AccountProfile } from '../../../../electron/shared/account';
import type { HealthAdvice as Advice } from '../../../../electron/shared/autodetect';
import type { ErrorInfo } from '../../../../electron/shared/errors';
import type { AccountTestReport, OutboxApi, Result } from '../../../../electron/shared/ipc-contract';
import { ErrorNotice } from '../error-notice';
import { HealthAdvice } from '../health-advice';
import { domainOf, serverLine } from '../server-form';
import { AccountEditor, type AccountPatch } from './account-editor';
import { TestReport } from './test-report';

interface Props {
  api: OutboxApi;
  account: AccountProfile;
  health: Advice[] | undefined;
  onHealth(advice: Advice[]): void;
  onChanged(): void;
}

type Busy = 'test' | 'trust' | 'edit' | 'remove' | 'sent' | 'health' | 'sign-in' | null;

function unexpected(error: unknown): ErrorInfo {
  return {
    code: 'INTERNAL',
    message: 'Outbox could not reach its background process.',
    next: 'Try again; if it keeps failing, restart Outbox.',
    retryable: true,
    detail: String(error),
  };
}

function Status({ account, onSignIn, busy }: { account: AccountProfile; onSignIn(): void; busy: boolean }) {
  if (account.status === 'needs-attention')
    return (
      <div className="settings-status settings-status--attention">
        <p>
          <strong>Password refused — messages held.</strong>{' '}
          {account.statusReason ? <span>The server said: {account.statusReason}</span> : null}
        </p>
        <p className="field__hint">Edit the account and enter the current password (or an app password); held messages then leave.</p>
      </div>
    );
  if (account.status === 'needs-sign-in')
    return (
      <div className="settings-status settings-status--attention">
        <p>
          <strong>Sign-in expired.</strong>{' '}
          {account.statusReason ?? 'The provider ended Outbox’s access; messages wait until you sign in again.'}
        </p>
        <button type="button" className="btn btn--small btn--primary" onClick={onSignIn} disabled={busy}>
          Sign in again
        </button>
      </div>
    );
  return <p className="settings-status settings-status--ok">Ready to send</p>;
}

export function AccountCard({ api, account, health, onHealth, onChanged }: Props) {
  const [busy, setBusy] = useState<Busy>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [report, setReport] = useState<AccountTestReport | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [trusted, setTrusted] = useState<string | null>(null);

  async function run<T>(what: Exclude<Busy, null>, call: () => Promise<Result<T>>, done: (value: T) => void): Promise<void> {
    setBusy(what);
    setError(null);
    try {
      const result = await call();
      if (result.ok) done(result.value);
      else setError(result.error);
    } catch (e) {
      setError(unexpected(e));
    } finally {
      setBusy(null);
    }
  }

  const test = (): Promise<void> =>
    run(
      'test',
      () => api.account.test(account.id),
      (r) => {
        setTrusted(null);
        setReport(r);
      },
    );
  const trust = (fingerprint: string, server: 'smtp' | 'imap'): Promise<void> =>
    run(
      'trust',
      () => api.account.trust(account.id, fingerprint, server),
      () => {
        setTrusted(
          `Outbox now trusts this certificate for ${server === 'smtp' ? 'the outgoing server' : 'the IMAP server'}. Test again to confirm.`,
        );
        setReport(null);
        onChanged();
      },
    );
  const save = (patch: AccountPatch, password: string | undefined): Promise<void> =>
    run(
      'edit',
      () => api.account.update(account.id, patch, password),
      () => {
        setEditing(false);
        onChanged();
      },
    );
  const remove = (): Promise<void> =>
    run(
      'remove',
      () => api.account.remove(account.id),
      () => onChanged(),
    );
  const sentCopy = (enabled: boolean): Promise<void> =>
    run(
      'sent',
      () => api.account.update(account.id, { sentCopy: { enabled } }),
      () => onChanged(),
    );
  const checkDomain = (): Promise<void> =>
    run(
      'health',
      () => api.settings.detect(account.email),
      (r) => onHealth(r.health),
    );
  const signIn = (): Promise<void> =>
    run(
      'sign-in',
      () => api.account.signIn(account.id),
      () => onChanged(),
    );

  const headingId = `account-${account.id}-name`;
  return (
    <li className="settings-account" aria-labelledby={headingId}>
      <div className="settings-account__head">
        <h3 id={headingId} className="settings-account__name">
          {account.name}
        </h3>
        <span className="settings-account__email">{account.email}</span>
      </div>
      <p className="settings-account__server">
        Outgoing: {serverLine(account.smtp)}
        {account.signIn.kind === 'oauth2'
          ? ` · signs in with ${account.signIn.provider === 'google' ? 'Google' : account.signIn.provider === 'microsoft' ? 'Microsoft' : account.signIn.provider}`
          : ''}
        {account.imap ? <> · IMAP: {serverLine(account.imap)}</> : null}
      </p>
      <Status account={account} onSignIn={() => void signIn()} busy={busy !== null} />
      <div className="settings-account__switch">
        <label className="settings-switch">
          <input
            type="checkbox"
            role="switch"
            checked={account.sentCopy.enabled}
            aria-checked={account.sentCopy.enabled}
            disabled={!account.imap || busy !== null}
            aria-describedby={account.imap ? undefined : `account-${account.id}-sent-hint`}
            onChange={(e) => void sentCopy(e.target.checked)}
          />
          Copy sent mail to the Sent folder
        </label>
        {account.imap ? null : (
          <span className="field__hint" id={`account-${account.id}-sent-hint`}>
            Needs an IMAP server: add one under Edit.
          </span>
        )}
      </div>
      <div className="settings-actions" role="group" aria-label={`Actions for ${account.email}`}>
        <button type="button" className="btn btn--small" onClick={() => void test()} disabled={busy !== null}>
          {busy === 'test' ? 'Testing…' : 'Test'}
        </button>
        <button
          type="button"
          className="btn btn--small"
          onClick={() => setEditing((e) => !e)}
          aria-expanded={editing}
          disabled={busy !== null && busy !== 'edit'}
        >
          Edit
        </button>
        <button type="button" className="btn btn--small" onClick={() => void checkDomain()} disabled={busy !== null}>
          {busy === 'health' ? 'Checking…' : 'Check domain'}
        </button>
        <button
          type="button"
          className="btn btn--small btn--danger"
          onClick={() => setConfirming(true)}
          disabled={busy !== null || confirming}
        >
          Remove
        </button>
      </div>
      {confirming ? (
        <div className="settings-confirm" role="group" aria-label="Confirm removal">
          <p>Remove {account.email} from Outbox? Its password is deleted from the keychain too.</p>
          <button type="button" className="btn btn--small btn--danger" onClick={() => void remove()} disabled={busy !== null} autoFocus>
            Remove account
          </button>
          <button type="button" className="btn btn--small" onClick={() => setConfirming(false)} disabled={busy !== null}>
            Keep it
          </button>
        </div>
      ) : null}
      {error ? <ErrorNotice problem={error} /> : null}
      {trusted ? (
        <p role="status" className="settings-verdict settings-verdict--ok">
          {trusted}
        </p>
      ) : null}
      {editing ? (
        <AccountEditor account={account} busy={busy === 'edit'} onSave={(p, pw) => void save(p, pw)} onCancel={() => setEditing(false)} />
      ) : null}
      {report ? <TestReport report={report} onTrust={(f, s) => void trust(f, s)} trusting={busy === 'trust'} /> : null}
      {health ? (
        <div className="settings-account__health">
          <h4 className="settings-report__heading">Domain health for {domainOf(account.email)}</h4>
          <HealthAdvice advice={health} domain={domainOf(account.email)} />
        </div>
      ) : null}
    </li>
  );
}
