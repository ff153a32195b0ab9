// The banners above the list and the empty state that tells a new user what to do first.
import type { AccountProfile } from '../../electron/shared/account';
import type { ErrorInfo } from '../../electron/shared/errors';

export function OfflineBanner() {
  return (
    <div className="banner banner--offline" role="status">
      <strong>You are offline.</strong> Messages wait here, safe on disk, and leave by themselves when the connection
      returns.
    </div>
  );
}

export function ErrorBanner({ error }: { error: ErrorInfo }) {
  return (
    <div className="banner banner--error" role="alert">
      <strong>{error.message}</strong> {error.next}
    </div>
  );
}

export function AttentionBanner({ accounts }: { accounts: readonly AccountProfile[] }) {
  if (accounts.length === 0) return null;
  return (
    <div className="banner banner--attention" role="status">
      {accounts.map((account) => (
        <p key={account.id}>
          <strong>Sign-in failed for {account.email}.</strong> Its messages are held until the password is fixed; they
          then leave by themselves.
          {account.statusReason && <q className="message__reply">{account.statusReason}</q>}
        </p>
      ))}
    </div>
  );
}

export function EmptyState({ hasAccount }: { hasAccount: boolean }) {
  if (!hasAccount) {
    return (
      <section className="empty">
        <h2>Welcome to Outbox</h2>
        <p>
          Outbox keeps the mail you send safe on disk and delivers it to your mail server, retrying until it is
          accepted — even if you write it while offline.
        </p>
        <p>
          <strong>First, add the account you send mail from.</strong> You will need its outgoing (SMTP) server name
          and port, your user name, and your password or an app password.
        </p>
        <p>
          For now, add it in a terminal with <code>outbox account add</code>; this window shows your outbox as soon as
          the account exists.
        </p>
      </section>
    );
  }
  return (
    <section className="empty">
      <h2>Nothing waiting to be sent</h2>
      <p>
        Messages you send through Outbox — for example with <code>outbox send</code> or <code>outbox compose</code> in
        a terminal — appear here until your mail server accepts them, then stay listed as sent.
      </p>
    </section>
  );
}
