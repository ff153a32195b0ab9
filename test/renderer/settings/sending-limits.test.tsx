// @vitest-environment happy-dom
// The account's Edit form shows its provider's sending figures and sets or clears the account's own limits through
// account:update's `limits` (null: back to the provider's), refusing what main would refuse before it is sent.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountSending, AccountSummary, SendingFigures } from '../../../electron/shared/account';
import { limitsPatch, initialLimitsForm } from '../../../renderer/src/settings/accounts/sending-limits';
import { SettingsScreen } from '../../../renderer/src/settings/settings-screen';
import { fakeApi, ok } from '../fake-api';
import { profile } from './fixtures';

afterEach(cleanup);

const GMAIL: SendingFigures = {
  maxConnections: 3,
  messagesPerMinute: 20,
  messagesPerDay: 500,
  recipientsPerDay: null,
  recipientsPerMessage: 100,
};

function gmailAccount(own: AccountSummary['limits'] = undefined): AccountSummary {
  const sending: AccountSending = { provider: 'Gmail', profile: GMAIL, effective: { ...GMAIL, ...own } };
  return {
    ...profile({ email: 'ann@gmail.com', smtp: { ...profile().smtp, host: 'smtp.gmail.com' } }),
    ...(own ? { limits: own } : {}),
    sending,
  };
}

function openEditor(account: AccountSummary) {
  const fake = fakeApi();
  fake.answer('account:update', () => ok(account));
  render(<SettingsScreen api={fake.api} accounts={[account]} onAccountsChanged={vi.fn()} startWizard={false} onClose={vi.fn()} />);
  fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
  const form = screen.getByRole('form', { name: 'Edit ann@gmail.com' });
  const group = within(form).getByRole('group', { name: 'Sending limits' });
  const field = (label: string) => within(group).getByLabelText(label) as HTMLInputElement;
  const save = () => act(async () => fireEvent.click(within(form).getByRole('button', { name: 'Save changes' })));
  return { fake, form, group, field, save };
}

describe("the account's sending limits", () => {
  it("shows Gmail's figures, and saves only what the user set as the account's limits", async () => {
    const { fake, group, field, save } = openEditor(gmailAccount());
    expect(group.textContent).toContain('Gmail: 500');
    expect(group.textContent).toContain('Gmail: no limit');
    expect(field('Recipients per message').value).toBe('');
    expect(field('Recipients per message').placeholder).toBe('100');
    fireEvent.change(field('Messages per day'), { target: { value: '2000' } });
    fireEvent.change(field('Connections at once'), { target: { value: ' 1 ' } });
    await save();
    const [[id, patch]] = fake.callsTo('account:update') as [[string, Record<string, unknown>]];
    expect(id).toBe('ann-example-com');
    expect(patch.limits).toEqual({ maxConnections: 1, messagesPerDay: 2000 });
  });

  it('a form left alone sends no limits; clearing every field sends null (back to the provider’s)', async () => {
    const first = openEditor(gmailAccount({ recipientsPerMessage: 30, messagesPerMinute: 5 }));
    expect(first.field('Recipients per message').value).toBe('30');
    await first.save();
    expect((first.fake.callsTo('account:update')[0]![1] as Record<string, unknown>).limits).toBeUndefined();
    cleanup();

    const second = openEditor(gmailAccount({ recipientsPerMessage: 30, messagesPerMinute: 5 }));
    fireEvent.click(within(second.group).getByRole('button', { name: "Use Gmail's limits" }));
    expect(second.field('Recipients per message').value).toBe('');
    await second.save();
    expect((second.fake.callsTo('account:update')[0]![1] as Record<string, unknown>).limits).toBeNull();
  });

  it('refuses what main would refuse, saying why, and sends nothing', async () => {
    const { fake, form, field, save } = openEditor(gmailAccount());
    for (const [value, why] of [
      ['0', 'Enter a whole number of 1 or more'],
      ['2.5', 'Enter a whole number of 1 or more'],
      ['21', 'At most 20'],
    ] as const) {
      fireEvent.change(field('Connections at once'), { target: { value } });
      expect(field('Connections at once').getAttribute('aria-invalid')).toBe('true');
      expect(document.getElementById(field('Connections at once').getAttribute('aria-describedby')!)!.textContent).toContain(why);
      expect((within(form).getByRole('button', { name: 'Save changes' }) as HTMLButtonElement).disabled).toBe(true);
    }
    await save();
    expect(fake.callsTo('account:update')).toEqual([]);
  });

  it('changing one field keeps the others as set', () => {
    const own = { recipientsPerMessage: 30, messagesPerDay: 900 };
    expect(limitsPatch(own, { ...initialLimitsForm(own), messagesPerDay: '1000' })).toEqual({
      recipientsPerMessage: 30,
      messagesPerDay: 1000,
    });
    expect(limitsPatch(own, initialLimitsForm(own))).toBeUndefined();
    expect(limitsPatch(undefined, initialLimitsForm(undefined))).toBeUndefined();
  });
});
