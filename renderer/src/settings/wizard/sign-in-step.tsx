// Wizard step 3: the password (with Show, and the app-password hint and help links for providers that need one),
// or "Sign in with Google / Microsoft", which consents in the system browser and saves the account directly.
import { useState, type FormEvent } from 'react';
import type { ErrorInfo } from '../../../../electron/shared/errors';
import { ErrorNotice } from '../error-notice';
import { StepHeading } from '../step-heading';
import type { WizardAction, WizardState } from './wizard-state';

const PROVIDER_NAMES: Record<string, string> = { google: 'Google', microsoft: 'Microsoft' };

interface Props {
  state: WizardState;
  dispatch(action: WizardAction): void;
  onTest(): void;
  onOAuth(provider: string): void;
  oauth: { busy: boolean; error?: ErrorInfo };
}

export function SignInStep({ state, dispatch, onTest, onOAuth, oauth }: Props) {
  const [shown, setShown] = useState(false);
  const provider = state.report?.provider;
  const signIn = provider?.signIn && PROVIDER_NAMES[provider.signIn] ? provider.signIn : undefined;
  const docs = (provider?.documentation ?? []).filter((url) => /^https:\/\//i.test(url));
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (state.password !== '' || state.noSignIn) onTest();
  };
  return (
    <section className="settings-step" aria-labelledby="wizard-sign-in-heading">
      <StepHeading id="wizard-sign-in-heading">Sign in to {state.email.trim()}</StepHeading>
      {signIn ? (
        <div className="settings-oauth">
          <button type="button" className="btn btn--primary" disabled={oauth.busy} onClick={() => onOAuth(signIn)}>
            Sign in with {PROVIDER_NAMES[signIn]}
          </button>
          {oauth.busy ? (
            <p role="status" className="field__hint">
              Continue in your browser… Outbox saves the account once you allow access there.
            </p>
          ) : (
            <p className="field__hint">
              Opens your browser; Outbox never sees your {PROVIDER_NAMES[signIn]} password. Or use an app password below.
            </p>
          )}
          {oauth.error ? (
            <ErrorNotice problem={oauth.error}>
              <button type="button" className="btn btn--small" onClick={() => onOAuth(signIn)}>
                Try again
              </button>
            </ErrorNotice>
          ) : null}
        </div>
      ) : null}
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="wizard-password">{docs.length > 0 ? 'Password or app password' : 'Password'}</label>
          <div className="settings-password">
            <input
              id="wizard-password"
              className="input"
              type={shown ? 'text' : 'password'}
              autoComplete="current-password"
              value={state.password}
              disabled={state.noSignIn}
              aria-describedby={docs.length > 0 ? 'wizard-password-hint' : undefined}
              onChange={(e) => dispatch({ type: 'password', password: e.target.value })}
            />
            <button type="button" className="btn btn--small" aria-pressed={shown} onClick={() => setShown((s) => !s)}>
              Show
            </button>
          </div>
          {docs.length > 0 ? (
            <div className="field__hint" id="wizard-password-hint">
              <p>
                {provider?.name ?? 'This provider'} may need an app password instead of your usual one when two-step sign-in is on. How to
                make one:
              </p>
              <ul className="settings-links">
                {docs.map((url) => (
                  <li key={url}>
                    <a href={url} target="_blank" rel="noreferrer noopener">
                      {url}
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          <span className="field__hint">Kept in your system's keychain, never in Outbox's files.</span>
        </div>
        <label className="settings-check">
          <input type="checkbox" checked={state.noSignIn} onChange={(e) => dispatch({ type: 'no-sign-in', enabled: e.target.checked })} />{' '}
          This server lets me send without signing in (a relay on my network)
        </label>
        {state.noSignIn ? (
          <p className="field__hint">
            Outbox checks the connection without a password; a server that does want one says so at the first send, and the message then
            waits until you add the password.
          </p>
        ) : null}
        <div className="settings-actions">
          <button type="button" className="btn" onClick={() => dispatch({ type: 'back' })}>
            Back
          </button>
          <button type="submit" className="btn btn--primary" disabled={state.password === '' && !state.noSignIn}>
            Test connection
          </button>
        </div>
      </form>
    </section>
  );
}
