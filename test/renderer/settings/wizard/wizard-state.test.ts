import { describe, expect, it } from 'vitest';
import type { DetectReport } from '../../../../electron/shared/ipc-contract';
import {
  accountToSave,
  candidatesToVerify,
  initialWizard,
  wizardReducer,
  type WizardAction,
  type WizardState,
} from '../../../../renderer/src/settings/wizard/wizard-state';
import { HEALTH, candidate } from '../fixtures';

const tls = candidate({ host: 'smtp.example.com', port: 465, security: 'tls' });
const starttls = candidate({
  host: 'smtp.example.com',
  port: 587,
  security: 'starttls',
  source: 'srv',
  verified: { startTls: true, authMechanisms: ['PLAIN'], size: 35_000_000 },
});
const plain = candidate({ host: 'mail.example.com', port: 25, security: 'none', insecure: true, source: 'probe' });
const imap = candidate({ protocol: 'imap', host: 'imap.example.com', port: 993 });

function report(overrides: Partial<DetectReport> = {}): DetectReport {
  return {
    email: 'ann@example.com',
    domain: 'example.com',
    smtp: [plain, tls, starttls],
    imap: [imap],
    best: starttls,
    trace: [],
    status: 'complete',
    health: HEALTH,
    ...overrides,
  };
}

function run(...actions: WizardAction[]): WizardState {
  return actions.reduce(wizardReducer, initialWizard());
}

const typed: WizardAction = { type: 'email', email: 'ann@example.com' };

describe('the add-account wizard state', () => {
  it('names the sender from the address until the user types a name', () => {
    expect(run(typed).name).toBe('Ann');
    expect(run({ type: 'name', name: 'Ann Example' }, typed).name).toBe('Ann Example');
  });

  it('collects live steps only while a search runs, and starts each search with an empty list', () => {
    const step = { step: 'bundled', startedMs: 0, durationMs: 1, outcome: 'nothing' as const, detail: 'not in the bundled data' };
    expect(run(typed, { type: 'detect-step', step }).liveSteps).toEqual([]);
    const state = run(typed, { type: 'detect-start' }, { type: 'detect-step', step }, { type: 'detect-step', step });
    expect(state.liveSteps).toHaveLength(2);
    expect(wizardReducer(state, { type: 'detect-start' }).liveSteps).toEqual([]);
  });

  it('preselects the best candidate, not the first one listed', () => {
    const state = run(typed, { type: 'detect-start' }, { type: 'detect-done', report: report() });
    expect(state.step).toBe('settings');
    expect(state.report?.smtp[state.selected]).toBe(starttls);
    expect(state.manual).toBeUndefined();
  });

  it('stays on the address with the reason when the address is not valid', () => {
    const state = run(
      typed,
      { type: 'detect-start' },
      { type: 'detect-done', report: report({ status: 'invalid', error: 'The domain has no dot', smtp: [], imap: [] }) },
    );
    expect(state.step).toBe('address');
    expect(state.addressError).toBe('The domain has no dot');
  });

  it('opens the form with TLS defaults when only a plaintext server or nothing was found', () => {
    for (const smtp of [[], [plain]]) {
      const state = run(typed, { type: 'detect-start' }, { type: 'detect-done', report: report({ smtp, best: undefined }) });
      expect(state.step).toBe('settings');
      expect(state.manual).toMatchObject({ host: 'smtp.example.com', port: '587', security: 'starttls' });
    }
  });

  it('verifies the chosen candidate first, then the other encrypted ones, never the plaintext one', () => {
    const state = run(typed, { type: 'detect-start' }, { type: 'detect-done', report: report() });
    expect(candidatesToVerify(state)).toEqual([starttls, tls]);
    expect(candidatesToVerify(wizardReducer(state, { type: 'select', index: 1 }))).toEqual([tls, starttls]);
  });

  it('verifies settings typed by hand alone, marked as entered by hand', () => {
    const state = run(
      typed,
      { type: 'manual' },
      { type: 'manual-change', form: { host: '127.0.0.1', port: '2525', security: 'tls', user: 'ann', insecureConsent: false } },
    );
    expect(candidatesToVerify(state)).toEqual([
      expect.objectContaining({ host: '127.0.0.1', port: 2525, source: 'probe', notes: ['entered by hand'] }),
    ]);
  });

  it('keeps the password when going back from a failed test', () => {
    let state = run(
      typed,
      { type: 'detect-start' },
      { type: 'detect-done', report: report() },
      { type: 'to-sign-in' },
      { type: 'password', password: 'hunter2' },
      { type: 'verify-start' },
    );
    state = wizardReducer(state, {
      type: 'verify-done',
      outcome: { attempts: [{ candidate: starttls, ok: false, verdict: { code: 'SMTP_AUTH', message: 'refused', next: 'check' } }] },
    });
    state = wizardReducer(state, { type: 'back' });
    expect(state.step).toBe('sign-in');
    expect(state.password).toBe('hunter2');
  });

  it('saves the candidate that signed in, its size limit, the IMAP server and the Sent copy on', () => {
    let state = run(
      typed,
      { type: 'detect-start' },
      { type: 'detect-done', report: report() },
      { type: 'to-sign-in' },
      { type: 'password', password: 'pw' },
      { type: 'verify-start' },
    );
    expect(accountToSave(state)).toBeUndefined();
    state = wizardReducer(state, {
      type: 'verify-done',
      outcome: { chosen: starttls, attempts: [{ candidate: starttls, ok: true, verdict: null }] },
    });
    expect(accountToSave(state)).toEqual({
      name: 'Ann',
      email: 'ann@example.com',
      smtp: {
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        insecure: false,
        user: 'ann@example.com',
        authMethod: 'auto',
        maxSize: 35_000_000,
      },
      imap: { host: 'imap.example.com', port: 993, security: 'tls', insecure: false, separateSecret: false },
      sentCopy: { enabled: true },
    });
    expect(accountToSave(wizardReducer(state, { type: 'imap', index: -1 }))).toMatchObject({ sentCopy: { enabled: false } });
    expect(accountToSave(wizardReducer(state, { type: 'imap', index: -1 }))?.imap).toBeUndefined();
  });

  it("saves whether the verified server offered SMTPUTF8, for Compose's warning", () => {
    const noUtf8 = { ...starttls, verified: { ...starttls.verified!, smtpUtf8: false } };
    let state = run(
      typed,
      { type: 'detect-start' },
      { type: 'detect-done', report: report() },
      { type: 'to-sign-in' },
      { type: 'password', password: 'pw' },
      { type: 'verify-start' },
    );
    state = wizardReducer(state, {
      type: 'verify-done',
      outcome: { chosen: noUtf8, attempts: [{ candidate: noUtf8, ok: true, verdict: null }] },
    });
    expect(accountToSave(state)?.smtp).toMatchObject({ maxSize: 35_000_000, smtpUtf8: false });
  });

  it('turns the Sent copy off by default for Gmail, which files its own', () => {
    const gmail = report({
      provider: { name: 'Google Mail', signIn: 'google' },
      smtp: [candidate({ host: 'smtp.gmail.com' })],
      best: candidate({ host: 'smtp.gmail.com' }),
    });
    expect(run(typed, { type: 'detect-start' }, { type: 'detect-done', report: gmail }).sentCopy).toBe(false);
    expect(run(typed, { type: 'detect-start' }, { type: 'detect-done', report: report() }).sentCopy).toBe(true);
  });

  it('saves unencrypted settings only as typed with consent, flagged insecure', () => {
    const form = { host: 'relay.lan', port: '25', security: 'none' as const, user: '', insecureConsent: true };
    const state = run(
      typed,
      { type: 'manual' },
      { type: 'manual-change', form },
      { type: 'to-sign-in' },
      { type: 'verify-start' },
      { type: 'verify-done', outcome: { attempts: [] } },
    );
    expect(accountToSave(state)?.smtp).toMatchObject({ host: 'relay.lan', security: 'none', insecure: true });
  });
});
