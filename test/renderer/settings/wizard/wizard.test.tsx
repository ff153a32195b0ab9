// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DetectReport } from '../../../../electron/shared/ipc-contract';
import type { VerifyOutcome } from '../../../../electron/shared/autodetect';
import { Wizard } from '../../../../renderer/src/settings/wizard/wizard';
import { fakeApi, ok } from '../../fake-api';
import { HEALTH, candidate, profile } from '../fixtures';

afterEach(cleanup);

const tls = candidate({ host: 'smtp.example.com', port: 465, security: 'tls', source: 'bundled', notes: ['the provider recommends this'] });
const starttls = candidate({ host: 'smtp.example.com', port: 587, security: 'starttls', source: 'srv' });
const plain = candidate({ host: 'mail.example.com', port: 25, security: 'none', insecure: true, source: 'probe' });
const imap = candidate({ protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls' });

function report(overrides: Partial<DetectReport> = {}): DetectReport {
  return {
    email: 'ann@example.com',
    domain: 'example.com',
    smtp: [tls, starttls, plain],
    imap: [imap],
    best: starttls,
    trace: [],
    status: 'complete',
    health: HEALTH,
    provider: { name: 'Example Mail' },
    ...overrides,
  };
}

/** A detect call the test finishes when it chooses, so steps can arrive while it runs. */
function pendingDetect(fake: ReturnType<typeof fakeApi>) {
  let finish!: (r: DetectReport) => void;
  fake.answer('settings:detect', () => new Promise((resolve) => (finish = (r) => resolve(ok(r)))));
  return (r: DetectReport) => act(async () => finish(r));
}

function setup() {
  const fake = fakeApi();
  const onSaved = vi.fn();
  const onClose = vi.fn();
  render(<Wizard api={fake.api} onSaved={onSaved} onClose={onClose} />);
  return { fake, onSaved, onClose };
}

async function typeAddressAndFind(address = 'ann@example.com') {
  fireEvent.change(screen.getByLabelText('Email address'), { target: { value: address } });
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find settings' })));
}

async function reachSignIn(fake: ReturnType<typeof fakeApi>, r: DetectReport = report()) {
  fake.answer('settings:detect', () => ok(r));
  await typeAddressAndFind();
  await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
}

describe('the add-account wizard', () => {
  it('shows each search step as it arrives, for this address only, then the settings found', async () => {
    const { fake } = setup();
    const finish = pendingDetect(fake);
    await typeAddressAndFind();
    expect(screen.getByLabelText('Name to send as')).toHaveProperty('value', 'Ann');
    const steps = screen.getByRole('list', { name: 'Search steps' });
    expect(steps.getAttribute('aria-live')).toBe('polite');
    expect(within(steps).queryAllByRole('listitem')).toHaveLength(0);

    act(() =>
      fake.emit('settings:step', {
        email: 'ann@example.com',
        step: {
          step: 'bundled',
          startedMs: 1,
          durationMs: 2,
          outcome: 'found',
          detail: "Example Mail, from Outbox's bundled provider data",
        },
      }),
    );
    act(() =>
      fake.emit('settings:step', {
        email: 'bob@other.test',
        step: { step: 'srv', startedMs: 1, durationMs: 2, outcome: 'found', detail: 'someone else' },
      }),
    );
    expect(within(steps).getAllByRole('listitem')).toHaveLength(1);
    expect(steps.textContent).toContain("bundled (found) — Example Mail, from Outbox's bundled provider data");
    act(() =>
      fake.emit('settings:step', {
        email: 'ann@example.com',
        step: { step: 'srv', startedMs: 3, durationMs: 9, outcome: 'timeout', detail: 'no answer from DNS' },
      }),
    );
    expect(within(steps).getAllByRole('listitem')).toHaveLength(2);
    expect(steps.textContent).toContain('(timed out)');

    await finish(report());
    expect(fake.callsTo('settings:detect')).toEqual([['ann@example.com']]);
    expect(screen.getByRole('heading', { name: 'Settings found for Example Mail' })).toBe(document.activeElement);
  });

  it('cancels a running search in main', async () => {
    const { fake } = setup();
    const finish = pendingDetect(fake);
    await typeAddressAndFind();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Cancel' })));
    expect(fake.callsTo('settings:cancelDetect')).toEqual([['ann@example.com']]);
    await finish(report({ status: 'cancelled', smtp: [], imap: [], best: undefined }));
    expect(screen.getByRole('status').textContent).toContain('Search cancelled');
    expect(screen.getByRole('button', { name: 'Find settings' })).toBeTruthy();
  });

  it('stops the search when the user switches to typing the settings, and ignores its late answer', async () => {
    const { fake } = setup();
    const finish = pendingDetect(fake);
    await typeAddressAndFind();
    fireEvent.click(screen.getByRole('button', { name: 'Enter settings myself' }));
    expect(fake.callsTo('settings:cancelDetect')).toEqual([['ann@example.com']]);
    fireEvent.change(screen.getByLabelText('Server'), { target: { value: 'mail.example.com' } });
    await finish(report());
    expect(screen.getByLabelText('Server')).toHaveProperty('value', 'mail.example.com');
    expect(screen.queryByRole('button', { name: 'Change settings' })).toBeNull();
  });

  it('shows why an address is not valid on the address field', async () => {
    const { fake } = setup();
    fake.answer('settings:detect', () =>
      ok(report({ status: 'invalid', error: 'The part after @ is not a domain', smtp: [], imap: [], best: undefined })),
    );
    await typeAddressAndFind('ann@localhost');
    const field = screen.getByLabelText('Email address');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(field.getAttribute('aria-describedby') ?? '')?.textContent).toBe('The part after @ is not a domain');
  });

  it('preselects the best candidate and describes every one with its security and where it came from', async () => {
    const { fake } = setup();
    fake.answer('settings:detect', () => ok(report()));
    await typeAddressAndFind();
    const group = screen.getByRole('group', { name: 'Outgoing mail server (SMTP)' });
    const radios = within(group).getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => r.checked)).toEqual([false, true, false]);
    expect(radios[1]?.closest('label')?.textContent).toContain('smtp.example.com:587');
    expect(radios[1]?.closest('label')?.textContent).toContain('From DNS SRV records');
    expect(radios[0]?.closest('label')?.textContent).toContain("From Outbox's bundled provider data");
    expect(radios[0]?.closest('label')?.textContent).toContain('the provider recommends this');
    expect(radios[2]?.closest('label')?.textContent).toContain('No encryption — not recommended');
  });

  it('requires the explicit checkbox before unencrypted settings can be used', async () => {
    const { fake } = setup();
    fake.answer('settings:detect', () => ok(report()));
    await typeAddressAndFind();
    fireEvent.click(screen.getByRole('button', { name: 'Change settings' }));
    expect(screen.getByLabelText('Server')).toHaveProperty('value', 'smtp.example.com');
    expect(screen.getByLabelText('Port')).toHaveProperty('value', '587');
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '70000' } });
    expect(screen.getByText('The port is a number from 1 to 65535')).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '25' } });
    fireEvent.change(screen.getByLabelText('Security'), { target: { value: 'none' } });
    const next = screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement;
    expect(next.disabled).toBe(true);
    fireEvent.click(screen.getByLabelText('I understand that my password and mail cross the network unencrypted'));
    expect(next.disabled).toBe(false);
  });

  it('keeps the password and shows the verdict with its next step when the test fails', async () => {
    const { fake } = setup();
    await reachSignIn(fake);
    const refused: VerifyOutcome = {
      attempts: [
        {
          candidate: starttls,
          ok: false,
          verdict: {
            code: 'SMTP_AUTH',
            message: 'The server refused the user name or password.',
            next: 'Check the password; Example Mail needs an app password.',
          },
        },
        {
          candidate: tls,
          ok: false,
          verdict: { code: 'SMTP_AUTH', message: 'The server refused the user name or password.', next: 'Check the password.' },
        },
      ],
    };
    fake.answer('settings:verify', () => ok(refused));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    expect(fake.callsTo('settings:verify')).toEqual([[[starttls, tls], 'wrong']]);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The server refused the user name or password.');
    expect(alert.textContent).toContain('Example Mail needs an app password.');
    expect(screen.queryByRole('button', { name: 'Continue' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
    expect(screen.getByLabelText('Password')).toHaveProperty('value', 'wrong');
  });

  it('saves the settings that signed in, with the password, and hands back the domain advice', async () => {
    const { fake, onSaved } = setup();
    await reachSignIn(fake);
    const saved = profile();
    fake.answer('settings:verify', () => ok({ chosen: starttls, attempts: [{ candidate: starttls, ok: true, verdict: null }] }));
    fake.answer('account:add', () => ok(saved));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 's3cret' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    expect(screen.getByRole('status').textContent).toContain('Signed in to smtp.example.com:587 (STARTTLS)');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save account' })));
    expect(fake.callsTo('account:add')).toEqual([
      [
        {
          name: 'Ann',
          email: 'ann@example.com',
          smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'ann@example.com', authMethod: 'auto' },
          imap: { host: 'imap.example.com', port: 993, security: 'tls', insecure: false, separateSecret: false },
          sentCopy: { enabled: true },
        },
        's3cret',
      ],
    ]);
    expect(onSaved).toHaveBeenCalledWith(saved, HEALTH);
  });

  it('adds a relay that needs no sign-in: checked and saved without a password or user name', async () => {
    const { fake } = setup();
    await reachSignIn(fake);
    fake.answer('settings:verify', () => ok({ chosen: starttls, attempts: [{ candidate: starttls, ok: true, verdict: null }] }));
    fake.answer('account:add', () => ok(profile()));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'typed by mistake' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /send without signing in/ }));
    expect((screen.getByLabelText('Password') as HTMLInputElement).disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    expect(fake.callsTo('settings:verify')[0]?.[1]).toBeNull();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save account' })));
    const [account, password] = fake.callsTo('account:add')[0] as [{ smtp: { user: string } }, unknown];
    expect(account.smtp.user).toBe('');
    expect(password).toBeUndefined();
  });

  it('explains a failed save as cause and next step and stays on the step', async () => {
    const { fake, onSaved } = setup();
    await reachSignIn(fake);
    fake.answer('settings:verify', () => ok({ chosen: starttls, attempts: [{ candidate: starttls, ok: true, verdict: null }] }));
    fake.answer('account:add', () => ({
      ok: false,
      error: {
        code: 'KEYCHAIN_UNAVAILABLE',
        message: 'The system keychain could not be reached.',
        next: 'Unlock your keychain and try again.',
        retryable: false,
      },
    }));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 's3cret' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save account' })));
    expect(screen.getByRole('alert').textContent).toBe('The system keychain could not be reached.Unlock your keychain and try again.');
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('offers Sign in with Google for Gmail and adds the account through the browser consent', async () => {
    const { fake, onSaved } = setup();
    const gmail = candidate({ host: 'smtp.gmail.com', auth: ['password', 'oauth2'] });
    let consent!: () => void;
    const saved = profile({ email: 'ann@gmail.com', signIn: { kind: 'oauth2', provider: 'google' } });
    fake.answer('account:addOAuth', () => new Promise((resolve) => (consent = () => resolve(ok(saved)))));
    fake.answer('settings:detect', () =>
      ok(
        report({
          email: 'ann@gmail.com',
          provider: { name: 'Google Mail', signIn: 'google', documentation: ['https://support.google.com/mail/answer/185833'] },
          smtp: [gmail],
          best: gmail,
        }),
      ),
    );
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'ann@gmail.com' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find settings' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    expect(screen.getByText(/may need an app password/).textContent).toContain('Google Mail');
    expect(screen.getByRole('link', { name: 'https://support.google.com/mail/answer/185833' })).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in with Google' })));
    expect(screen.getByRole('status').textContent).toContain('Continue in your browser');
    expect(fake.callsTo('account:addOAuth')).toEqual([[{ name: 'Ann', email: 'ann@gmail.com', provider: 'google' }]]);
    await act(async () => consent());
    expect(onSaved).toHaveBeenCalledWith(saved, HEALTH);
  });

  it('shows a refused OAuth consent with a retry', async () => {
    const { fake } = setup();
    const outlook = candidate({ host: 'smtp-mail.outlook.com', port: 587, security: 'starttls', auth: ['password', 'oauth2'] });
    fake.answer('settings:detect', () =>
      ok(report({ provider: { name: 'Outlook.com', signIn: 'microsoft' }, smtp: [outlook], best: outlook })),
    );
    fake.answer('account:addOAuth', () => ({
      ok: false,
      error: {
        code: 'OAUTH_DENIED',
        message: 'You did not allow Outbox to send mail.',
        next: 'Sign in again and allow access.',
        retryable: false,
      },
    }));
    await typeAddressAndFind();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in with Microsoft' })));
    expect(screen.getByRole('alert').textContent).toContain('You did not allow Outbox to send mail.Sign in again and allow access.');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Try again' })));
    expect(fake.callsTo('account:addOAuth')).toHaveLength(2);
  });

  it('lets the user skip the search and type the settings, verified alone', async () => {
    const { fake } = setup();
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'ann@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Enter settings myself' }));
    expect(fake.callsTo('settings:detect')).toEqual([]);
    expect(screen.getByLabelText('Server')).toHaveProperty('value', 'smtp.example.com');
    expect(screen.getByLabelText('Security')).toHaveProperty('value', 'starttls');
    fireEvent.change(screen.getByLabelText('Server'), { target: { value: '127.0.0.1' } });
    fireEvent.change(screen.getByLabelText('Port'), { target: { value: '2587' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    expect(fake.callsTo('settings:verify')).toEqual([
      [[expect.objectContaining({ host: '127.0.0.1', port: 2587, security: 'starttls', notes: ['entered by hand'] })], 'pw'],
    ]);
  });
});
