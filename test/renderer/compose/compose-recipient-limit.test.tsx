// @vitest-environment happy-dom
// Compose warns before Send when a message has more recipients than the account's provider takes in one message
// (the figure main sends with the account: its profile's, or the account's override), says what Outbox will do
// (several transactions, one copy each), and still sends it whole.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AccountSending, AccountSummary, SendingFigures } from '../../../electron/shared/account';
import type { SendRequest } from '../../../electron/shared/compose';
import { ComposeScreen } from '../../../renderer/src/compose/compose-screen';
import { recipientLimitWarning } from '../../../renderer/src/compose/recipient-limit';
import { account } from '../fake-api';
import { composeApi, sentMessage } from './fake-api';

afterEach(() => cleanup());

const GMAIL: SendingFigures = {
  maxConnections: 3,
  messagesPerMinute: 20,
  messagesPerDay: 500,
  recipientsPerDay: null,
  recipientsPerMessage: 100,
};
const gmail = (own: Partial<SendingFigures> = {}): AccountSending => ({
  provider: 'Gmail',
  profile: GMAIL,
  effective: { ...GMAIL, ...own },
});
const addresses = (n: number, domain = 'example.test') => Array.from({ length: n }, (_, i) => `r${i + 1}@${domain}`);

async function open(sending: AccountSending | undefined, onEnqueue = vi.fn((r: SendRequest) => sentMessage(r))) {
  const acct: AccountSummary = { ...account(), ...(sending ? { sending } : {}) };
  render(
    <ComposeScreen
      api={composeApi({ 'outbox:enqueue': onEnqueue }).api}
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
  return onEnqueue;
}

const type = (label: 'To' | 'Cc' | 'Bcc', list: string[]) =>
  fireEvent.change(screen.getByRole('combobox', { name: label }), { target: { value: list.join(', ') } });
const warning = () => screen.queryByRole('note', { name: 'Too many recipients for one message' });

describe('Compose and the provider’s recipients per message', () => {
  it('140 recipients to a Gmail account: warned before Send with the parts Outbox will send, and sent whole', async () => {
    const enqueue = await open(gmail());
    type('To', addresses(100));
    expect(warning()).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add Cc recipients' }));
    type('Cc', addresses(40, 'cc.test'));
    expect(warning()?.textContent).toBe(
      'Gmail takes at most 100 recipients in one message; this one has 140. Outbox will hand it over in 2 parts of at most 100 recipients each: the same message, one copy per recipient.',
    );
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'All hands' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(enqueue).toHaveBeenCalledTimes(1));
    const sent = enqueue.mock.calls[0]![0];
    expect([...(sent.to ?? []), ...(sent.cc ?? [])]).toHaveLength(140);
  });

  it("the account's own limit counts, the same address twice is one recipient, and removing recipients clears it", async () => {
    await open(gmail({ recipientsPerMessage: 30, recipientsPerDay: 2000 }));
    type('To', [...addresses(45), 'R1@example.test']);
    expect(warning()?.textContent).toBe(
      'This account is set to at most 30 recipients in one message; this one has 45. Outbox will hand it over in 2 parts of at most 30 recipients each: the same message, one copy per recipient, all 45 counted toward the 2,000 recipients a day.',
    );
    for (const a of addresses(45).slice(31)) fireEvent.click(screen.getByRole('button', { name: `Remove ${a}` }));
    expect(warning()?.textContent).toContain('this one has 31.');
    fireEvent.click(screen.getByRole('button', { name: 'Remove r31@example.test' }));
    expect(warning()).toBeNull();
  });

  it('says nothing without the figures (an older main) or at the limit, and counts the parts', () => {
    expect(recipientLimitWarning(500, undefined)).toBeNull();
    expect(recipientLimitWarning(100, gmail())).toBeNull();
    expect(recipientLimitWarning(201, gmail())).toContain('in 3 parts');
  });
});
