// The add-account wizard as a pure state machine: address → detection → found settings → sign in → test → save.
// Components only dispatch; what each step may show and where "Back" leads is decided here, so it is unit-testable.
import type { NewAccount } from '../../../../electron/shared/account';
import type { Candidate, TraceStep, VerifyOutcome } from '../../../../electron/shared/autodetect';
import type { ErrorInfo } from '../../../../electron/shared/errors';
import type { DetectReport } from '../../../../electron/shared/ipc-contract';
import { candidateFromForm, defaultName, formFromCandidate, manualDefaults, type ServerForm } from '../server-form';

export type WizardStep = 'address' | 'settings' | 'sign-in' | 'test' | 'save';

export interface WizardState {
  step: WizardStep;
  email: string;
  name: string;
  /** Once the user typed a name it no longer follows the address. */
  nameEdited: boolean;
  addressError?: string;
  detecting: boolean;
  /** The detection's steps as they arrive. */
  liveSteps: TraceStep[];
  /** Set when the last detection was cancelled, so the address step can say so. */
  cancelled: boolean;
  report?: DetectReport;
  /** Index into report.smtp of the chosen candidate; ignored while `manual` is set. */
  selected: number;
  /** The hand-edited settings, when the user opened the form or nothing was found. */
  manual?: ServerForm;
  /** Index into report.imap of the server for the Sent copy, or -1 for none. */
  imap: number;
  sentCopy: boolean;
  password: string;
  /** The server lets this computer send without signing in (a relay on the user's network). */
  noSignIn: boolean;
  verifying: boolean;
  outcome?: VerifyOutcome;
  saving: boolean;
  error?: ErrorInfo;
}

export type WizardAction =
  | { type: 'email'; email: string }
  | { type: 'name'; name: string }
  | { type: 'detect-start' }
  | { type: 'detect-step'; step: TraceStep }
  | { type: 'detect-done'; report: DetectReport }
  | { type: 'detect-failed'; error: ErrorInfo }
  | { type: 'manual' }
  | { type: 'select'; index: number }
  | { type: 'edit-settings' }
  | { type: 'use-found' }
  | { type: 'manual-change'; form: ServerForm }
  | { type: 'imap'; index: number }
  | { type: 'to-sign-in' }
  | { type: 'password'; password: string }
  | { type: 'no-sign-in'; enabled: boolean }
  | { type: 'verify-start' }
  | { type: 'verify-done'; outcome: VerifyOutcome }
  | { type: 'verify-failed'; error: ErrorInfo }
  | { type: 'to-save' }
  | { type: 'sent-copy'; enabled: boolean }
  | { type: 'save-start' }
  | { type: 'save-failed'; error: ErrorInfo }
  | { type: 'change-settings' }
  | { type: 'back' };

export function initialWizard(): WizardState {
  return {
    step: 'address',
    email: '',
    name: '',
    nameEdited: false,
    detecting: false,
    liveSteps: [],
    cancelled: false,
    selected: 0,
    imap: -1,
    sentCopy: false,
    password: '',
    noSignIn: false,
    verifying: false,
    saving: false,
  };
}

/** Gmail files its own copy of what it sends over SMTP; a second one over IMAP would be a duplicate. */
export function filesOwnCopy(report: DetectReport | undefined): boolean {
  if (!report) return false;
  if (report.provider?.signIn === 'google' || /google|gmail/i.test(report.provider?.name ?? '')) return true;
  return report.smtp.some((c) => /(^|\.)gmail\.com$|(^|\.)googlemail\.com$/i.test(c.host));
}

function sameCandidate(a: Candidate, b: Candidate): boolean {
  return a.host === b.host && a.port === b.port && a.security === b.security;
}

function afterDetect(state: WizardState, report: DetectReport): WizardState {
  const base = { ...state, detecting: false, report, outcome: undefined, error: undefined } as WizardState;
  if (report.status === 'invalid')
    return { ...base, report: undefined, addressError: report.error ?? 'Enter an address like name@example.com' };
  if (report.status === 'cancelled') return { ...base, report: undefined, cancelled: true };
  const best = report.best;
  const bestIndex = best ? report.smtp.findIndex((c) => sameCandidate(c, best)) : -1;
  // Only an encrypted IMAP server is offered for the Sent copy: plaintext is never chosen for the user.
  const imap = report.imap.findIndex((c) => !c.insecure);
  const found = report.smtp.length > 0;
  return {
    ...base,
    step: 'settings',
    selected:
      bestIndex >= 0
        ? bestIndex
        : Math.max(
            0,
            report.smtp.findIndex((c) => !c.insecure),
          ),
    // Nothing found, or only plaintext servers (never offered first): the form, with TLS defaults.
    manual: found && (bestIndex >= 0 || report.smtp.some((c) => !c.insecure)) ? undefined : manualDefaults(state.email),
    imap,
    sentCopy: imap >= 0 && !filesOwnCopy(report),
  };
}

export function wizardReducer(state: WizardState, action: WizardAction): WizardState {
  switch (action.type) {
    case 'email':
      return {
        ...state,
        email: action.email,
        name: state.nameEdited ? state.name : defaultName(action.email),
        addressError: undefined,
        cancelled: false,
      };
    case 'name':
      return { ...state, name: action.name, nameEdited: true };
    case 'detect-start':
      return { ...state, detecting: true, liveSteps: [], cancelled: false, addressError: undefined, error: undefined, report: undefined };
    case 'detect-step':
      return state.detecting ? { ...state, liveSteps: [...state.liveSteps, action.step] } : state;
    case 'detect-done':
      return afterDetect(state, action.report);
    case 'detect-failed':
      return { ...state, detecting: false, error: action.error };
    case 'manual':
      return {
        ...state,
        step: 'settings',
        detecting: false,
        report: undefined,
        manual: manualDefaults(state.email),
        imap: -1,
        sentCopy: false,
        error: undefined,
      };
    case 'select':
      return { ...state, selected: action.index, outcome: undefined };
    case 'edit-settings': {
      const candidate = state.report?.smtp[state.selected];
      return { ...state, manual: candidate ? formFromCandidate(candidate) : manualDefaults(state.email), outcome: undefined };
    }
    case 'use-found':
      return state.report && state.report.smtp.length > 0 ? { ...state, manual: undefined, outcome: undefined } : state;
    case 'manual-change':
      return { ...state, manual: action.form, outcome: undefined };
    case 'imap':
      return { ...state, imap: action.index, sentCopy: action.index < 0 ? false : state.sentCopy };
    case 'to-sign-in':
      return { ...state, step: 'sign-in', error: undefined };
    case 'password':
      return { ...state, password: action.password };
    case 'no-sign-in':
      return { ...state, noSignIn: action.enabled, password: action.enabled ? '' : state.password, outcome: undefined };
    case 'verify-start':
      return { ...state, step: 'test', verifying: true, outcome: undefined, error: undefined };
    case 'verify-done':
      return { ...state, verifying: false, outcome: action.outcome };
    case 'verify-failed':
      return { ...state, verifying: false, error: action.error };
    case 'to-save':
      return { ...state, step: 'save', error: undefined };
    case 'sent-copy':
      return { ...state, sentCopy: state.imap >= 0 && action.enabled };
    case 'save-start':
      return { ...state, saving: true, error: undefined };
    case 'save-failed':
      return { ...state, saving: false, error: action.error };
    case 'change-settings':
      return { ...state, step: 'settings', verifying: false, error: undefined };
    case 'back':
      return back(state);
  }
}

const PREVIOUS: Record<WizardStep, WizardStep> = {
  address: 'address',
  settings: 'address',
  'sign-in': 'settings',
  test: 'sign-in',
  save: 'test',
};

function back(state: WizardState): WizardState {
  // The password is kept on the way back: a failed test is usually fixed by changing the settings.
  return { ...state, step: PREVIOUS[state.step], verifying: false, saving: false, error: undefined };
}

/** The SMTP settings the user settled on: the hand-edited form, or the selected candidate. */
export function chosenCandidate(state: WizardState): Candidate | undefined {
  const original = state.report?.smtp[state.selected];
  if (state.manual) return candidateFromForm(state.manual, original);
  return original;
}

/**
 * What to verify, in order: the chosen settings, then the other encrypted candidates as fallbacks. Settings the
 * user typed are tried alone: falling back to a server they did not pick would save something they did not ask for.
 */
export function candidatesToVerify(state: WizardState): Candidate[] {
  const chosen = chosenCandidate(state);
  if (!chosen) return [];
  if (state.manual && chosen.notes.includes('entered by hand')) return [chosen];
  const others = (state.report?.smtp ?? []).filter((c) => !c.insecure && !sameCandidate(c, chosen));
  return [chosen, ...others].slice(0, 4);
}

/** Unencrypted settings are never tested before saving (verification refuses them): the user accepted that. */
export function untestable(state: WizardState): boolean {
  return chosenCandidate(state)?.security === 'none';
}

/** What verification and saving send as the secret: none for a server that needs no sign-in. */
export function secretOf(state: WizardState): string | null {
  return state.noSignIn || state.password === '' ? null : state.password;
}

/** The account to save: the candidate that signed in (or the chosen one, when it could not be tested). */
export function accountToSave(state: WizardState): NewAccount | undefined {
  const smtp = state.outcome?.chosen ?? (untestable(state) ? chosenCandidate(state) : undefined);
  if (!smtp) return undefined;
  const imap = state.imap >= 0 ? state.report?.imap[state.imap] : undefined;
  return {
    name: state.name.trim() || defaultName(state.email),
    email: state.email.trim(),
    smtp: {
      host: smtp.host,
      port: smtp.port,
      security: smtp.security,
      insecure: smtp.security === 'none',
      user: state.noSignIn ? '' : smtp.username,
      authMethod: 'auto',
      ...(smtp.verified?.size ? { maxSize: smtp.verified.size } : {}),
      ...(smtp.verified?.smtpUtf8 !== undefined ? { smtpUtf8: smtp.verified.smtpUtf8 } : {}),
    },
    ...(imap ? { imap: { host: imap.host, port: imap.port, security: imap.security, insecure: false, separateSecret: false } } : {}),
    sentCopy: { enabled: imap !== undefined && state.sentCopy },
  };
}
