// Wizard step 4: the connection test with the real password: each server tried with its verdict, the one that
// signed in; on failure the verdict stays visible with ways back to fix the password or the settings.
import { ErrorNotice } from '../error-notice';
import { SECURITY_LABELS } from '../server-form';
import { StepHeading } from '../step-heading';
import { untestable, type WizardAction, type WizardState } from './wizard-state';

interface Props {
  state: WizardState;
  dispatch(action: WizardAction): void;
  onRetry(): void;
  /** Goes back to the settings step (two steps back). */
  onChangeSettings(): void;
}

export function TestStep({ state, dispatch, onRetry, onChangeSettings }: Props) {
  const outcome = state.outcome;
  const chosen = outcome?.chosen;
  const noEncryption = untestable(state);
  const failed = !state.verifying && !chosen && !noEncryption;
  return (
    <section className="settings-step" aria-labelledby="wizard-test-heading">
      <StepHeading id="wizard-test-heading">Connection test</StepHeading>
      <div role="status" className="settings-test__status">
        {state.verifying ? <p>Connecting and signing in…</p> : null}
        {chosen ? (
          <p className="settings-verdict settings-verdict--ok">
            Signed in to {chosen.host}:{chosen.port} ({SECURITY_LABELS[chosen.security]}). These settings work.
          </p>
        ) : null}
        {!state.verifying && noEncryption ? (
          <p className="settings-verdict settings-verdict--warning">
            Outbox does not test unencrypted connections before saving. You accepted that your password and mail cross the network
            unencrypted; use Test in the accounts list once the account is saved.
          </p>
        ) : null}
      </div>
      {failed && outcome && outcome.attempts.length > 0 ? (
        <ErrorNotice
          problem={
            outcome.attempts[0]?.verdict ?? { message: 'No server accepted the settings.', next: 'Check the password and the settings.' }
          }
        />
      ) : null}
      {outcome && outcome.attempts.length > 1 ? (
        <>
          <h3 className="settings-subheading">Servers tried</h3>
          <ul className="settings-attempts" aria-label="Servers tried">
            {outcome.attempts.map((attempt, index) => (
              <li
                key={`${attempt.candidate.host}:${attempt.candidate.port}:${attempt.candidate.security}`}
                className={`settings-attempt settings-attempt--${attempt.ok ? 'ok' : 'failed'}`}
              >
                <span className="settings-attempt__server">
                  {attempt.candidate.host}:{attempt.candidate.port} ({SECURITY_LABELS[attempt.candidate.security]})
                </span>{' '}
                <span className="settings-attempt__result">{attempt.ok ? 'signed in' : 'failed'}</span>
                {/* The first failure is already the alert above; the list adds the others. */}
                {attempt.verdict && !(failed && index === 0) ? (
                  <span className="settings-attempt__verdict">
                    {attempt.verdict.message} — {attempt.verdict.next}
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {failed && outcome && outcome.attempts.length === 0 ? (
        <ErrorNotice problem={{ message: 'There was no encrypted server to test.', next: 'Change the settings to SSL/TLS or STARTTLS.' }} />
      ) : null}
      {state.error ? <ErrorNotice problem={state.error} /> : null}
      <div className="settings-actions">
        {failed ? (
          <>
            <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })}>
              Change password
            </button>
            <button type="button" className="btn" onClick={onChangeSettings}>
              Change settings
            </button>
            <button type="button" className="btn" onClick={onRetry}>
              Test again
            </button>
          </>
        ) : (
          <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })} disabled={state.verifying}>
            Back
          </button>
        )}
        {chosen || (noEncryption && !state.verifying) ? (
          <button type="button" className="btn btn--primary" onClick={() => dispatch({ type: 'to-save' })}>
            Continue
          </button>
        ) : null}
      </div>
    </section>
  );
}
