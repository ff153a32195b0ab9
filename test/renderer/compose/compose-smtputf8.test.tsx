// @vitest-environment happy-dom
// Compose warns as a non-ASCII address is typed when the account's server is known not to offer SMTPUTF8
// (learned by the last connection test), and says nothing when it offers it or is not known.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountProfile } from '../../../electron/shared/account';
import { ComposeScreen } from '../../../renderer/src/compose/compose-screen';
import { nonAsciiAddresses } from '../../../renderer/src/compose/address-field';
import { account } from '../fake-api';
import { composeApi } from './fake-api';

afterEach(() => cleanup());

async function open(smtpUtf8: boolean | undefined) {
  const base = account();
  const acct: AccountProfile = { ...base, smtp: { ...base.smtp, ...(smtpUtf8 === undefined ? {} : { smtpUtf8 }) } };
  render(
    <ComposeScreen
      api={composeApi().api}
      accounts={[acct]}
      messages={[]}
      intent={{ kind: 'new', key: 1 }}
      onSent={vi.fn()}
      onClose={vi.fn()}
    />,
  );
  await act(async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  });
}

const toInput = () => screen.getByRole('combobox', { name: 'To' });
const warning = () => screen.queryByText(/cannot deliver to\s+such addresses/);

describe('Compose and servers without SMTPUTF8', () => {
  it('warns while a non-ASCII address is typed, keeps warning for its chip, and stops once it is removed', async () => {
    await open(false);
    fireEvent.change(toInput(), { target: { value: '用户' } });
    expect(warning()).toBeNull();
    fireEvent.change(toInput(), { target: { value: '用户@example.test' } });
    expect(warning()?.textContent).toMatch(
      /“用户@example.test” has non-ASCII characters before the @, and smtp\.example\.com cannot deliver/,
    );
    expect(toInput().getAttribute('aria-describedby')).toBe(warning()!.id);
    fireEvent.keyDown(toInput(), { key: 'Enter' });
    expect(warning()).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Remove 用户@example.test' }));
    expect(warning()).toBeNull();
  });

  it('says nothing for an internationalised domain alone (it goes as its A-label), or when the server offers SMTPUTF8 or is not known', async () => {
    await open(false);
    fireEvent.change(toInput(), { target: { value: 'bob@bücher.test' } });
    expect(warning()).toBeNull();
    cleanup();
    for (const known of [true, undefined]) {
      await open(known);
      fireEvent.change(toInput(), { target: { value: 'jörg@example.test' } });
      expect(warning()).toBeNull();
      cleanup();
    }
  });

  it('finds the address inside a name and angle brackets', () => {
    expect(nonAsciiAddresses(['Jörg <jörg@example.test>', 'Ann <ann@example.test>'], 'Zoë <zoë@ex')).toEqual([
      'jörg@example.test',
      'zoë@ex',
    ]);
    expect(nonAsciiAddresses([], 'Jörg Müller')).toEqual([]);
  });
});
