// Wizard step 5: what will be saved, the Sent-copy switch (off by default for Gmail, which files its own copy),
// and Save; the password goes to the keychain with it.
import { ErrorNotice } from '../error-notice';
import { serverLine } from '../server-form';
import { StepHeading } from '../step-heading';
import { accountToSave, filesOwnCopy, type WizardAction, type WizardState } from './wizard-state';

interface Props {
  state: WizardState;
  dispatch(action: WizardAction): void;
  onSave(): void;
}

export function SaveStep({ state, dispatch, onSave }: Props) {
  const account = accountToSave(state);
  return (
    <section className="settings-step" aria-labelledby="wizard-save-heading">
      <StepHeading id="wizard-save-heading">Save the account</StepHeading>
      {account ? (
        <dl className="settings-summary">
          <dt>Sending as</dt>
          <dd>
            {account.name} &lt;{account.email}&gt;
          </dd>
          <dt>Outgoing server</dt>
          <dd>{serverLine(account.smtp)}</dd>
          <dt>User name</dt>
          <dd>{account.smtp.user}</dd>
          {account.imap ? (
            <>
              <dt>IMAP server</dt>
              <dd>{serverLine(account.imap)}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
      {account?.imap ? (
        <div className="field">
          <label className="settings-switch">
            <input
              type="checkbox"
              role="switch"
              checked={state.sentCopy}
              aria-checked={state.sentCopy}
              onChange={(e) => dispatch({ type: 'sent-copy', enabled: e.target.checked })}
            />
            Put a copy of sent mail in the Sent folder
          </label>
          {filesOwnCopy(state.report) ? (
            <span className="field__hint">
              Off by default: Gmail files its own copy of what you send, so a second one would be a duplicate.
            </span>
          ) : null}
        </div>
      ) : null}
      {state.error ? <ErrorNotice problem={state.error} /> : null}
      <div className="settings-actions">
        <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })} disabled={state.saving}>
          Back
        </button>
        <button type="button" className="btn btn--primary" onClick={onSave} disabled={!account || state.saving}>
          {state.saving ? 'Saving…' : 'Save account'}
        </button>
      </div>
    </section>
  );
}
