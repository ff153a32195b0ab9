// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PreferencesPanel } from '../../../renderer/src/settings/preferences-panel';
import { fakeApi, ok } from '../fake-api';

afterEach(cleanup);

async function setup(stored: { retryLifetimeHours: number; notifyOnSent: boolean; undoSendSeconds?: number }) {
  const fake = fakeApi();
  let current = stored;
  fake.answer('app:preferences', () => ok(current));
  fake.answer('app:setPreferences', (patch: object) => ok((current = { ...current, ...patch })));
  await act(async () => {
    render(<PreferencesPanel api={fake.api} />);
  });
  return fake;
}

describe('the sending preferences', () => {
  it('show the stored retry time and sends announcement, and save a change at once', async () => {
    const fake = await setup({ retryLifetimeHours: 120, notifyOnSent: true });
    const retry = screen.getByLabelText('Keep trying to send for') as HTMLSelectElement;
    expect(retry.value).toBe('120');
    expect([...retry.options].map((o) => o.textContent)).toEqual(['4 hours', '1 day', '2 days', '5 days', '1 week']);
    await act(async () => fireEvent.change(retry, { target: { value: '24' } }));
    expect(fake.callsTo('app:setPreferences')).toEqual([[{ retryLifetimeHours: 24 }]]);
    expect(retry.value).toBe('24');
    const notify = screen.getByRole('checkbox', { name: /Notify me when a message is sent/ }) as HTMLInputElement;
    expect(notify.checked).toBe(true);
    await act(async () => fireEvent.click(notify));
    expect(fake.callsTo('app:setPreferences')[1]).toEqual([{ notifyOnSent: false }]);
    expect(notify.checked).toBe(false);
    expect(screen.getByRole('status').textContent).toBe('Saved.');
  });

  it('offer Undo send as Off, 5, 10, 20 or 30 seconds, showing the stored one, and save a change at once', async () => {
    const fake = await setup({ retryLifetimeHours: 120, notifyOnSent: true, undoSendSeconds: 10 });
    const undo = screen.getByLabelText('Undo send') as HTMLSelectElement;
    expect(undo.value).toBe('10');
    expect([...undo.options].map((o) => o.textContent)).toEqual(['Off', '5 seconds', '10 seconds', '20 seconds', '30 seconds']);
    await act(async () => fireEvent.change(undo, { target: { value: '0' } }));
    expect(fake.callsTo('app:setPreferences')).toEqual([[{ undoSendSeconds: 0 }]]);
    expect(undo.value).toBe('0');
    expect(screen.getByText(/Messages sent by scripts with the outbox command are not delayed/)).toBeTruthy();
  });

  it('keeps a value set outside the screen among the choices instead of replacing it', async () => {
    await setup({ retryLifetimeHours: 36, notifyOnSent: true });
    const retry = screen.getByLabelText('Keep trying to send for') as HTMLSelectElement;
    expect(retry.value).toBe('36');
    expect([...retry.options].find((o) => o.value === '36')?.textContent).toBe('36 hours');
  });

  it('explains a refused save and keeps the shown value', async () => {
    const fake = await setup({ retryLifetimeHours: 120, notifyOnSent: true });
    fake.answer('app:setPreferences', () => ({
      ok: false,
      error: { code: 'DISK_FULL', message: 'The disk is full.', next: 'Free some space, then try again.', retryable: true },
    }));
    const retry = screen.getByLabelText('Keep trying to send for') as HTMLSelectElement;
    await act(async () => fireEvent.change(retry, { target: { value: '4' } }));
    expect(screen.getByRole('alert').textContent).toContain('The disk is full.');
    expect(retry.value).toBe('120');
  });
});
