// The banners above the outbox (offline, a failed load, accounts that need signing in again) and the empty states
// that tell a new user what to do first. Every failure reads as cause, next step and the server's own words.
import type { AccountProfile } from '../../../electron/shared/account';
import type { ErrorInfo } from '../../../electron/shared/errors';

export function OfflineBanner({ waiting }: { waiting: number }) {
  const what = waiting === 1 ? '1 message waits and leaves by itself' : `${waiting} messages wait and leave by themselves`;
  return (
    <div className="banner banner--offline outbox-offline" role="status">
      <strong>You are offline</strong> — {what} when the connection returns.
    </div>
  );
}

/** A failure as the catalogue explains it: what happened, what to do, and the server's reply word for word. */
export function ErrorText({ error }: { error: ErrorInfo }) {
  return (
    <>
      <strong className="outbox-error__cause">{error.message}</strong> <span className="outbox-error__next">{error.next}</span>
      {error.reply && <pre className="outbox-reply">{error.reply}</pre>}
      <span className="outbox-error__code"> (error code {error.code})</span>
    </>
  );
}

export function ErrorBanner({ error }: { error: ErrorInfo }) {
  return (
    <div className="banner banner--error" role="alert">
      <ErrorText error={error} />
    </div>
  );
}

export function AttentionBanner({ accounts, onOpenAccounts }: { accounts: readonly AccountProfile[]; onOpenAccounts(): void }) {
  const needing = accounts.filter((a) => a.status !== 'ok');
  if (needing.length === 0) return null;
  return (
    <div className="banner banner--attention outbox-attention" role="status">
      {needing.map((account) => (
        <div key={account.id} className="outbox-attention__account">
          <p>
            <strong>
              {account.status === 'needs-sign-in' ? `Sign in again to ${account.email}.` : `Sign-in failed for ${account.email}.`}
            </strong>{' '}
            Its messages are held until {account.status === 'needs-sign-in' ? 'you sign in again' : 'the password is fixed'}; they then
            leave by themselves.
          </p>
          {account.statusReason && <pre className="outbox-reply">{account.statusReason}</pre>}
          <button type="button" className="btn btn--small" onClick={onOpenAccounts}>
            Fix in Accounts
          </button>
        </div>
      ))}
    </div>
  );
}

export function EmptyState({ hasAccount, onAddAccount, onWrite }: { hasAccount: boolean; onAddAccount(): void; onWrite(): void }) {
  if (!hasAccount) {
    return (
      <section className="empty outbox-empty" aria-labelledby="outbox-empty-title">
        <h3 id="outbox-empty-title">Welcome to Outbox</h3>
        <p>
          Outbox keeps the mail you send safe on disk and delivers it to your mail server, retrying until it is accepted — even if you write
          it while offline.
        </p>
        <p>
          <strong>First, add the account you send mail from.</strong> Outbox finds the server settings for most addresses; you will need
          your password or an app password.
        </p>
        <button type="button" className="btn btn--primary" onClick={onAddAccount}>
          Add your account
        </button>
      </section>
    );
  }
  return (
    <section className="empty outbox-empty" aria-labelledby="outbox-empty-title">
      <h3 id="outbox-empty-title">Nothing waiting to be sent</h3>
      <p>Messages you write appear here until your mail server accepts them, then stay listed as sent.</p>
      <button type="button" className="btn btn--primary" onClick={onWrite}>
        Write a message
      </button>
    </section>
  );
}
