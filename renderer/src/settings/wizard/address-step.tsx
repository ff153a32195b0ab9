// Wizard step 1: the address and the name to send as; "Find settings" runs detection and lists its steps live,
// with Cancel and a way to skip straight to entering the settings by hand.
import type { FormEvent } from 'react';
import type { TraceStep } from '../../../../electron/shared/autodetect';
import { ErrorNotice } from '../error-notice';
import { StepHeading } from '../step-heading';
import type { WizardAction, WizardState } from './wizard-state';

const OUTCOME_WORDS: Record<TraceStep['outcome'], { icon: string; word: string }> = {
  found: { icon: '✓', word: 'found' },
  nothing: { icon: '–', word: 'nothing' },
  error: { icon: '✕', word: 'error' },
  timeout: { icon: '⏱', word: 'timed out' },
  skipped: { icon: '↷', word: 'skipped' },
  cancelled: { icon: '■', word: 'cancelled' },
};

export function LiveSteps({ steps, busy, live = true }: { steps: readonly TraceStep[]; busy: boolean; live?: boolean }) {
  return (
    <ol className="settings-steps" aria-live={live ? 'polite' : undefined} aria-label="Search steps" aria-busy={live ? busy : undefined}>
      {steps.map((s, i) => (
        <li key={`${i}-${s.step}`} className={`settings-steps__item settings-steps__item--${s.outcome}`}>
          <span className="settings-steps__icon" aria-hidden="true">
            {OUTCOME_WORDS[s.outcome].icon}
          </span>{' '}
          <strong>{s.step}</strong> <span className="settings-steps__outcome">({OUTCOME_WORDS[s.outcome].word})</span>
          {s.detail ? <> — {s.detail}</> : null}
        </li>
      ))}
    </ol>
  );
}

interface Props {
  state: WizardState;
  dispatch(action: WizardAction): void;
  onFind(): void;
  onCancelDetect(): void;
  onManual(): void;
  onClose(): void;
}

export function AddressStep({ state, dispatch, onFind, onCancelDetect, onManual, onClose }: Props) {
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (!state.detecting) onFind();
  };
  return (
    <section className="settings-step" aria-labelledby="wizard-address-heading">
      <StepHeading id="wizard-address-heading">Add an account</StepHeading>
      <p className="field__hint">Outbox looks up the server settings for your address; you can change them on the next step.</p>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="wizard-email">Email address</label>
          <input
            id="wizard-email"
            className="input"
            type="email"
            autoComplete="email"
            value={state.email}
            readOnly={state.detecting}
            aria-invalid={state.addressError ? true : undefined}
            aria-describedby={state.addressError ? 'wizard-email-error' : undefined}
            onChange={(e) => dispatch({ type: 'email', email: e.target.value })}
          />
          {state.addressError ? (
            <span className="field__error" id="wizard-email-error">
              {state.addressError}
            </span>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="wizard-name">Name to send as</label>
          <input
            id="wizard-name"
            className="input"
            type="text"
            autoComplete="name"
            value={state.name}
            onChange={(e) => dispatch({ type: 'name', name: e.target.value })}
          />
          <span className="field__hint">Recipients see this beside your address.</span>
        </div>
        <div className="settings-actions">
          {state.detecting ? (
            <button type="button" className="btn" onClick={onCancelDetect}>
              Cancel
            </button>
          ) : (
            <button type="submit" className="btn btn--primary" disabled={state.email.trim() === ''}>
              Find settings
            </button>
          )}
          <button type="button" className="btn" onClick={onManual} disabled={state.email.trim() === ''}>
            Enter settings myself
          </button>
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </form>
      {state.detecting || state.liveSteps.length > 0 ? (
        <div className="settings-search">
          <h3 className="settings-subheading">{state.detecting ? 'Looking up settings…' : 'What the search did'}</h3>
          <LiveSteps steps={state.liveSteps} busy={state.detecting} />
        </div>
      ) : null}
      {state.cancelled ? (
        <p className="field__hint" role="status">
          Search cancelled. Find settings again, or enter them yourself.
        </p>
      ) : null}
      {state.error ? <ErrorNotice problem={state.error} /> : null}
    </section>
  );
}
