// The add-account wizard: runs the state machine and talks to main (detect with live steps, verify, save, OAuth).
// Each step is its own component; this file only wires the calls to the actions they dispatch.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { AccountProfile } from '../../../../electron/shared/account';
import type { HealthAdvice } from '../../../../electron/shared/autodetect';
import type { ErrorInfo } from '../../../../electron/shared/errors';
import type { OutboxApi } from '../../../../electron/shared/ipc-contract';
import { AddressStep } from './address-step';
import { SaveStep } from './save-step';
import { SettingsStep } from './settings-step';
import { SignInStep } from './sign-in-step';
import { TestStep } from './test-step';
import { accountToSave, candidatesToVerify, initialWizard, secretOf, untestable, wizardReducer } from './wizard-state';

export interface WizardProps {
  api: OutboxApi;
  /** The account was saved; `health` is the domain advice found on the way, to show beside it. */
  onSaved(account: AccountProfile, health: HealthAdvice[]): void;
  onClose(): void;
}

function unexpected(error: unknown): ErrorInfo {
  // The bridge itself failed (not an envelope): still a cause and a next step, never the raw exception.
  return {
    code: 'INTERNAL',
    message: 'Outbox could not reach its background process.',
    next: 'Try again; if it keeps failing, restart Outbox.',
    retryable: true,
    detail: String(error),
  };
}

export function Wizard({ api, onSaved, onClose }: WizardProps) {
  const [state, dispatch] = useReducer(wizardReducer, undefined, initialWizard);
  const [oauth, setOAuth] = useState<{ busy: boolean; error?: ErrorInfo }>({ busy: false });
  const detecting = useRef<string | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      // Leaving the wizard mid-search stops the search in main too.
      if (detecting.current) void api.settings.cancelDetect(detecting.current).catch(() => undefined);
    };
  }, [api]);

  const find = useCallback(async () => {
    const email = state.email.trim();
    detecting.current = email;
    dispatch({ type: 'detect-start' });
    // Subscribed before asking, so the first step cannot be missed.
    const off = api.on('settings:step', (event) => {
      if (event.email.toLowerCase() === email.toLowerCase() && detecting.current === email)
        dispatch({ type: 'detect-step', step: event.step });
    });
    try {
      const result = await api.settings.detect(email);
      if (!mounted.current || detecting.current !== email) return;
      if (result.ok) dispatch({ type: 'detect-done', report: result.value });
      else if (result.error.code === 'VALIDATION')
        dispatch({
          type: 'detect-done',
          report: {
            email: '',
            domain: '',
            smtp: [],
            imap: [],
            trace: [],
            status: 'invalid',
            error: 'Enter an address like name@example.com',
            health: [],
          },
        });
      else dispatch({ type: 'detect-failed', error: result.error });
    } catch (error) {
      if (mounted.current) dispatch({ type: 'detect-failed', error: unexpected(error) });
    } finally {
      off();
      if (detecting.current === email) detecting.current = null;
    }
  }, [api, state.email]);

  const cancel = useCallback(() => {
    const email = detecting.current;
    if (email) void api.settings.cancelDetect(email).catch(() => undefined);
  }, [api]);

  // Skipping to the form mid-search stops the search, so its late answer cannot replace what the user types.
  const manual = useCallback(() => {
    const email = detecting.current;
    detecting.current = null;
    if (email) void api.settings.cancelDetect(email).catch(() => undefined);
    dispatch({ type: 'manual' });
  }, [api]);

  const test = useCallback(async () => {
    dispatch({ type: 'verify-start' });
    if (untestable(state)) {
      dispatch({ type: 'verify-done', outcome: { attempts: [] } });
      return;
    }
    try {
      const result = await api.settings.verify(candidatesToVerify(state), secretOf(state));
      if (!mounted.current) return;
      dispatch(result.ok ? { type: 'verify-done', outcome: result.value } : { type: 'verify-failed', error: result.error });
    } catch (error) {
      if (mounted.current) dispatch({ type: 'verify-failed', error: unexpected(error) });
    }
  }, [api, state]);

  const save = useCallback(async () => {
    const account = accountToSave(state);
    if (!account) return;
    dispatch({ type: 'save-start' });
    try {
      const result = await api.account.add(account, secretOf(state) ?? undefined);
      if (!mounted.current) return;
      if (result.ok) onSaved(result.value, state.report?.health ?? []);
      else dispatch({ type: 'save-failed', error: result.error });
    } catch (error) {
      if (mounted.current) dispatch({ type: 'save-failed', error: unexpected(error) });
    }
  }, [api, state, onSaved]);

  const signInWith = useCallback(
    async (provider: string) => {
      setOAuth({ busy: true });
      try {
        const result = await api.account.addOAuth({ name: state.name.trim() || state.email.trim(), email: state.email.trim(), provider });
        if (!mounted.current) return;
        if (result.ok) onSaved(result.value, state.report?.health ?? []);
        else setOAuth({ busy: false, error: result.error });
      } catch (error) {
        if (mounted.current) setOAuth({ busy: false, error: unexpected(error) });
      }
    },
    [api, state.name, state.email, state.report, onSaved],
  );

  return (
    <div className="settings-wizard">
      <p className="settings-wizard__progress" aria-hidden="true">
        Step {['address', 'settings', 'sign-in', 'test', 'save'].indexOf(state.step) + 1} of 5
      </p>
      {state.step === 'address' ? (
        <AddressStep
          state={state}
          dispatch={dispatch}
          onFind={() => void find()}
          onCancelDetect={cancel}
          onManual={manual}
          onClose={onClose}
        />
      ) : null}
      {state.step === 'settings' ? <SettingsStep state={state} dispatch={dispatch} /> : null}
      {state.step === 'sign-in' ? (
        <SignInStep state={state} dispatch={dispatch} onTest={() => void test()} onOAuth={(p) => void signInWith(p)} oauth={oauth} />
      ) : null}
      {state.step === 'test' ? (
        <TestStep
          state={state}
          dispatch={dispatch}
          onRetry={() => void test()}
          onChangeSettings={() => dispatch({ type: 'change-settings' })}
        />
      ) : null}
      {state.step === 'save' ? <SaveStep state={state} dispatch={dispatch} onSave={() => void save()} /> : null}
    </div>
  );
}
