// @vitest-environment happy-dom
// The screen imports its stylesheet; the test program needs Vite's CSS module types as the renderer's own program has them.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountTestReport } from '../../../electron/shared/ipc-contract';
import { SettingsScreen } from '../../../renderer/src/settings/settings-screen';
import { fakeApi, ok } from '../fake-api';
import { HEALTH, candidate, profile } from './fixtures';

afterEach(cleanup);

const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0').slice(-2)).join(':');

function untrustedReport(): AccountTestReport {
  return {
    account: 'ann@example.com',
    ok: false,
    notes: [],
    smtp: {
      ok: false,
      verdict: {
        code: 'SMTP_TLS',
        kind: 'tls-untrusted',
        message: 'The server at smtp.example.com:465 presented a certificate no trusted authority signed.',
        next: 'Check the server name first. If you run this server and the fingerprint shown is exactly the one you expect, trust this one certificate for this account.',
      },
      server: {
        greeting: '220 smtp.example.com ESMTP',
        capabilities: {
          auth: ['PLAIN', 'LOGIN'],
          size: 26_214_400,
          eightBitMime: true,
          smtpUtf8: false,
          pipelining: true,
          startTls: false,
          extensions: [],
        },
      },
      certificate: {
        subject: 'CN=smtp.example.com',
        issuer: 'CN=Example Private CA',
        validFrom: '2030-01-01',
        validTo: '2031-01-01',
        fingerprint256: FINGERPRINT,
        trusted: false,
        pinned: false,
        hostMatches: true,
        pem: '-----BEGIN CERTIFICATE-----',
      },
      timings: { dnsMs: 2, connectMs: 5, tlsMs: 20, greetingMs: 3, ehloMs: 1, authMs: null, totalMs: 31 },
      transcript: ['S: 220 smtp.example.com ESMTP', 'C: EHLO outbox'],
    },
  };
}

function setup(accounts = [profile()], startWizard = false) {
  const fake = fakeApi();
  const onAccountsChanged = vi.fn();
  const onClose = vi.fn();
  const { rerender } = render(
    <SettingsScreen api={fake.api} accounts={accounts} onAccountsChanged={onAccountsChanged} startWizard={startWizard} onClose={onClose} />,
  );
  // What the shell does on onAccountsChanged: reload and pass the new list in.
  const reload = (next: typeof accounts) =>
    rerender(
      <SettingsScreen api={fake.api} accounts={next} onAccountsChanged={onAccountsChanged} startWizard={startWizard} onClose={onClose} />,
    );
  return { fake, onAccountsChanged, onClose, reload };
}

describe('the accounts list', () => {
  it('lists each account with its address, server and status', () => {
    setup([
      profile(),
      profile({
        id: 'bob',
        name: 'Bob',
        email: 'bob@example.org',
        status: 'needs-attention',
        statusReason: '535 5.7.8 Authentication failed',
      }),
    ]);
    const items = within(screen.getByRole('list', { name: 'Accounts' })).getAllByRole('listitem');
    expect(items[0]?.textContent).toContain('ann@example.com');
    expect(items[0]?.textContent).toContain('Outgoing: smtp.example.com:465, SSL/TLS');
    expect(items[0]?.textContent).toContain('Ready to send');
    expect(items[1]?.textContent).toContain('Password refused — messages held.');
    expect(items[1]?.textContent).toContain('535 5.7.8 Authentication failed');
  });

  it('turns the Sent copy off through account.update and reloads the accounts', async () => {
    const { fake, onAccountsChanged } = setup();
    fake.answer('account:update', () => ok(profile({ sentCopy: { enabled: false } })));
    const toggle = screen.getByRole('switch', { name: 'Copy sent mail to the Sent folder' }) as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    await act(async () => fireEvent.click(toggle));
    expect(fake.callsTo('account:update')).toEqual([['ann-example-com', { sentCopy: { enabled: false } }]]);
    expect(onAccountsChanged).toHaveBeenCalled();
  });

  it('removes an account only after the inline confirmation', async () => {
    const { fake, onAccountsChanged } = setup();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Remove' })));
    expect(fake.callsTo('account:remove')).toEqual([]);
    const confirm = screen.getByRole('group', { name: 'Confirm removal' });
    expect(confirm.textContent).toContain('Remove ann@example.com from Outbox?');
    fireEvent.click(within(confirm).getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByRole('group', { name: 'Confirm removal' })).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Remove account' })));
    expect(fake.callsTo('account:remove')).toEqual([['ann-example-com']]);
    expect(onAccountsChanged).toHaveBeenCalled();
  });

  it('shows the test verdict and the certificate, and trusts exactly the fingerprint shown', async () => {
    const { fake } = setup();
    fake.answer('account:test', () => ok(untrustedReport()));
    fake.answer('account:trust', () => ok(profile()));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test' })));
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('presented a certificate no trusted authority signed.');
    expect(alert.textContent).toContain('trust this one certificate for this account.');
    expect(screen.getByText(FINGERPRINT)).toBeTruthy();
    expect(screen.getByText('CN=Example Private CA')).toBeTruthy();
    const caps = screen.getByRole('list', { name: 'SMTP capabilities' });
    expect(caps.textContent).toContain('AUTH: PLAIN, LOGIN');
    expect(caps.textContent).toContain('SMTPUTF8: no');
    expect(screen.getByText('S: 220 smtp.example.com ESMTP', { exact: false }).tagName).toBe('PRE');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Trust this certificate' })));
    expect(fake.callsTo('account:trust')).toEqual([['ann-example-com', FINGERPRINT, 'smtp']]);
    expect(screen.getByRole('status').textContent).toContain('Outbox now trusts this certificate');
  });

  it('offers no trust for a wrong password', async () => {
    const { fake } = setup();
    const report = untrustedReport();
    report.smtp.verdict = {
      code: 'SMTP_AUTH',
      kind: 'auth',
      message: 'The mail server refused the user name or password.',
      next: 'Check the password.',
      reply: '535 5.7.8 Authentication failed',
    };
    fake.answer('account:test', () => ok(report));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test' })));
    expect(screen.getByRole('alert').textContent).toContain('The server replied: 535 5.7.8 Authentication failed');
    expect(screen.queryByRole('button', { name: 'Trust this certificate' })).toBeNull();
  });

  it('edits the server and the password through account.update', async () => {
    const { fake } = setup();
    fake.answer('account:update', () => ok(profile()));
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit ann@example.com' });
    const smtpGroup = within(form).getByRole('group', { name: 'Outgoing server (SMTP)' });
    fireEvent.change(within(smtpGroup).getByLabelText('Port'), { target: { value: '587' } });
    fireEvent.change(within(smtpGroup).getByLabelText('Security'), { target: { value: 'starttls' } });
    fireEvent.change(within(form).getByLabelText('New password'), { target: { value: 'n3w' } });
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save changes' })));
    expect(fake.callsTo('account:update')).toEqual([
      [
        'ann-example-com',
        { name: 'Ann', smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'ann@example.com' } },
        'n3w',
      ],
    ]);
    expect(screen.queryByRole('form', { name: 'Edit ann@example.com' })).toBeNull();
  });

  it('adds an IMAP server for the Sent copy from Edit, guessing it from the SMTP host, and turns the copy on', async () => {
    const { imap: _none, ...withoutImap } = profile({ sentCopy: { enabled: false } });
    const { fake } = setup([withoutImap]);
    fake.answer('account:update', () => ok(profile()));
    expect(screen.getByText('Needs an IMAP server: add one under Edit.')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit ann@example.com' });
    fireEvent.click(within(form).getByRole('checkbox', { name: /Save a copy of sent mail/ }));
    const imapGroup = within(form).getByRole('group', { name: 'Sent folder (IMAP)' });
    expect((within(imapGroup).getByLabelText('Server') as HTMLInputElement).value).toBe('imap.example.com');
    expect((within(imapGroup).getByLabelText('Port') as HTMLInputElement).value).toBe('993');
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save changes' })));
    expect(fake.callsTo('account:update')).toEqual([
      [
        'ann-example-com',
        {
          name: 'Ann',
          smtp: { host: 'smtp.example.com', port: 465, security: 'tls', insecure: false, user: 'ann@example.com' },
          imap: { host: 'imap.example.com', port: 993, security: 'tls', insecure: false, user: 'ann@example.com' },
          sentCopy: { enabled: true },
        },
        undefined,
      ],
    ]);
  });

  it('removes the IMAP server from Edit, which ends the Sent copy', async () => {
    const { fake } = setup();
    fake.answer('account:update', () => ok(profile()));
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('form', { name: 'Edit ann@example.com' });
    fireEvent.click(within(form).getByRole('checkbox', { name: /Save a copy of sent mail/ }));
    await act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save changes' })));
    expect(fake.callsTo('account:update')[0]?.[1]).toMatchObject({ imap: null, sentCopy: { enabled: false } });
  });

  it('signs an expired OAuth account in again', async () => {
    const { fake } = setup([profile({ status: 'needs-sign-in', signIn: { kind: 'oauth2', provider: 'google' } })]);
    fake.answer('account:signIn', () => ok(profile()));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Sign in again' })));
    expect(fake.callsTo('account:signIn')).toEqual([['ann-example-com']]);
  });

  it('checks the domain and shows the advice with the record word for word', async () => {
    const { fake } = setup();
    fake.answer('settings:detect', () =>
      ok({ email: 'ann@example.com', domain: 'example.com', smtp: [candidate()], imap: [], trace: [], status: 'complete', health: HEALTH }),
    );
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Check domain' })));
    const advice = screen.getByRole('list', { name: 'Domain health for example.com' });
    expect(advice.textContent).toContain('DMARC: Warning');
    expect(within(advice).getByText('v=spf1 include:_spf.example.com ~all').tagName).toBe('CODE');
  });

  it('explains a failed action as cause and next step, never a raw exception', async () => {
    const { fake } = setup();
    fake.answer('account:test', () => {
      throw new Error('bridge exploded');
    });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test' })));
    expect(screen.getByRole('alert').textContent).toBe(
      'Outbox could not reach its background process.Try again; if it keeps failing, restart Outbox.',
    );
  });

  it('opens the wizard at once when asked, and shows the new account with its domain advice after saving', async () => {
    const { fake, onAccountsChanged, reload } = setup([], true);
    expect(screen.getByRole('heading', { name: 'Add an account' })).toBe(document.activeElement);
    const found = candidate({ port: 587, security: 'starttls' });
    fake.answer('settings:detect', () =>
      ok({
        email: 'ann@example.com',
        domain: 'example.com',
        smtp: [found],
        imap: [],
        best: found,
        trace: [],
        status: 'complete',
        health: HEALTH,
      }),
    );
    fake.answer('settings:verify', () => ok({ chosen: found, attempts: [{ candidate: found, ok: true, verdict: null }] }));
    fake.answer('account:add', () => ok(profile()));
    fireEvent.change(screen.getByLabelText('Email address'), { target: { value: 'ann@example.com' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Find settings' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'pw' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Test connection' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Continue' })));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Save account' })));
    expect(onAccountsChanged).toHaveBeenCalledTimes(1);
    act(() => reload([profile()]));
    expect(screen.getByRole('heading', { name: 'Accounts' })).toBe(document.activeElement);
    expect(screen.getByRole('status').textContent).toBe('ann@example.com was added.');
    const item = within(screen.getByRole('list', { name: 'Accounts' })).getAllByRole('listitem')[0];
    expect(item?.textContent).toContain('ann@example.com');
    expect(within(item as HTMLElement).getByRole('list', { name: 'Domain health for example.com' }).textContent).toContain(
      'No DMARC record',
    );
  });
});
