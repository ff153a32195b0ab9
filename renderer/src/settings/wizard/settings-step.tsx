// Wizard step 2: the settings found, best one preselected, the others selectable with where each came from;
// the IMAP server for the Sent copy (optional); "Change settings" opens the hand-edited form.
import { useId, type FormEvent } from 'react';
import type { Candidate } from '../../../../electron/shared/autodetect';
import { SECURITY_LABELS, SOURCE_LABELS, domainOf, isValid, validateServerForm } from '../server-form';
import { ServerFields } from '../server-fields';
import { StepHeading } from '../step-heading';
import { LiveSteps } from './address-step';
import { filesOwnCopy, type WizardAction, type WizardState } from './wizard-state';

function CandidateLabel({ candidate }: { candidate: Candidate }) {
  return (
    <span className="settings-candidate__text">
      <span className="settings-candidate__server">
        {candidate.host}:{candidate.port}
      </span>{' '}
      <span className={candidate.security === 'none' ? 'settings-candidate__insecure' : 'settings-candidate__security'}>
        {SECURITY_LABELS[candidate.security]}
      </span>
      <span className="settings-candidate__source">From {SOURCE_LABELS[candidate.source]}</span>
      {candidate.notes.length > 0 ? <span className="settings-candidate__notes">{candidate.notes.join(' · ')}</span> : null}
    </span>
  );
}

interface Props {
  state: WizardState;
  dispatch(action: WizardAction): void;
}

export function SettingsStep({ state, dispatch }: Props) {
  const group = useId();
  const report = state.report;
  const provider = report?.provider?.name;
  const found = report !== undefined && report.smtp.length > 0;
  const imapChoices = (report?.imap ?? []).map((c, index) => ({ c, index })).filter(({ c }) => !c.insecure);
  const formOk = state.manual ? isValid(validateServerForm(state.manual)) : found;
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (formOk) dispatch({ type: 'to-sign-in' });
  };
  return (
    <section className="settings-step" aria-labelledby="wizard-settings-heading">
      <StepHeading id="wizard-settings-heading">
        {found
          ? provider
            ? `Settings found for ${provider}`
            : `Settings found for ${domainOf(state.email)}`
          : `Enter the settings for ${state.email.trim()}`}
      </StepHeading>
      {!found && report ? (
        <p>
          Outbox could not find the settings for {domainOf(state.email)}. Your mail provider's help pages list them; a common setup is
          filled in below — check the server name.
        </p>
      ) : null}
      {!found && !report ? <p>Enter the outgoing server your mail provider gives. A common setup is filled in below.</p> : null}
      <form onSubmit={submit} noValidate>
        {found && !state.manual ? (
          <fieldset className="settings-candidates">
            <legend>Outgoing mail server (SMTP)</legend>
            {report.smtp.map((candidate, index) => (
              <label key={`${candidate.host}:${candidate.port}:${candidate.security}`} className="settings-candidate">
                <input
                  type="radio"
                  name={`${group}-smtp`}
                  checked={state.selected === index}
                  onChange={() => dispatch({ type: 'select', index })}
                />
                <CandidateLabel candidate={candidate} />
              </label>
            ))}
          </fieldset>
        ) : null}
        {state.manual ? (
          <ServerFields idPrefix="wizard-manual" form={state.manual} onChange={(form) => dispatch({ type: 'manual-change', form })} />
        ) : null}
        <div className="settings-actions">
          {found && !state.manual ? (
            <button type="button" className="btn" onClick={() => dispatch({ type: 'edit-settings' })}>
              Change settings
            </button>
          ) : null}
          {found && state.manual ? (
            <button type="button" className="btn" onClick={() => dispatch({ type: 'use-found' })}>
              Use the settings found
            </button>
          ) : null}
        </div>
        {imapChoices.length > 0 ? (
          <fieldset className="settings-candidates">
            <legend>Copy sent mail to the Sent folder (IMAP)</legend>
            {imapChoices.map(({ c, index }) => (
              <label key={`${c.host}:${c.port}:${c.security}`} className="settings-candidate">
                <input
                  type="radio"
                  name={`${group}-imap`}
                  checked={state.imap === index}
                  onChange={() => dispatch({ type: 'imap', index })}
                />
                <CandidateLabel candidate={c} />
              </label>
            ))}
            <label className="settings-candidate">
              <input type="radio" name={`${group}-imap`} checked={state.imap < 0} onChange={() => dispatch({ type: 'imap', index: -1 })} />
              <span className="settings-candidate__text">No IMAP: do not file copies of sent mail</span>
            </label>
            {filesOwnCopy(report) ? (
              <p className="field__hint">Gmail files its own copy of what you send, so Outbox leaves the Sent copy off by default.</p>
            ) : null}
          </fieldset>
        ) : null}
        <div className="settings-actions">
          <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })}>
            Back
          </button>
          <button type="submit" className="btn btn--primary" disabled={!formOk}>
            Continue
          </button>
        </div>
      </form>
      {report && report.trace.length > 0 ? (
        <details className="settings-disclosure">
          <summary>How these settings were found</summary>
          <LiveSteps steps={report.trace} busy={false} live={false} />
        </details>
      ) : null}
    </section>
  );
}
