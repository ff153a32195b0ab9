// @vitest-environment happy-dom
// The Outbox screen as a user meets it: filters with counts, details that explain a failure, the transcript on
// demand, actions offered only where they apply, the offline banner, and a list kept fresh without reloading.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app';
import { account, ok, type FakeApi } from '../fake-api';
import { appApi, full, summary } from './fake-api';

afterEach(cleanup);

async function renderApp(fake: FakeApi): Promise<void> {
  render(<App api={fake.api} />);
  await waitFor(() => expect(document.querySelector('.app__main')?.getAttribute('aria-busy')).toBe('false'));
}

const rejected = summary('m-550', {
  state: 'failed',
  subject: 'Invoice 2026-117',
  attemptCount: 1,
  lastAttempt: { at: '2030-01-01T10:01:00.000Z', durationMs: 420, outcome: 'permanent' },
  lastError: {
    code: 'SMTP_RECIPIENT',
    message: 'The mail server refused one or more recipients.',
    next: 'Check the spelling of the refused addresses and send again to them.',
    retryable: false,
    reply: '550 5.1.1 <nobody@example.test>: Recipient address rejected',
  },
});

function rows(): HTMLElement[] {
  const list = screen.queryByRole('listbox', { name: 'Messages in the outbox' });
  return list ? within(list).queryAllByRole('option') : [];
}

describe('the outbox screen', () => {
  it('filters by state with counts, and by account', async () => {
    const fake = appApi({
      accounts: [account(), account({ id: 'work', name: 'Work', email: 'ann@work.test' })],
      messages: [
        summary('q1'),
        summary('q2', { accountId: 'work' }),
        rejected,
        summary('s1', { state: 'sent', sentAt: '2030-01-01T11:00:00.000Z' }),
      ],
    });
    await renderApp(fake);
    expect(rows()).toHaveLength(4);
    const failed = screen.getByRole('button', { name: /^Failed 1$/ });
    expect(screen.getByRole('button', { name: /^Waiting 2$/ })).toBeTruthy();
    fireEvent.click(failed);
    expect(failed.getAttribute('aria-pressed')).toBe('true');
    expect(rows().map((r) => r.dataset.id)).toEqual(['m-550']);

    fireEvent.click(screen.getByRole('button', { name: /^All 4$/ }));
    fireEvent.change(screen.getByRole('combobox', { name: 'Account' }), { target: { value: 'work' } });
    expect(rows().map((r) => r.dataset.id)).toEqual(['q2']);
    // Counts follow the chosen account.
    expect(screen.getByRole('button', { name: /^All 1$/ })).toBeTruthy();
  });

  it('searches subjects and addresses as you type, counts following, and Escape clears the search', async () => {
    const fake = appApi({
      messages: [summary('q1', { subject: 'Quarterly numbers' }), summary('q2', { subject: 'Lunch on Friday' }), rejected],
    });
    await renderApp(fake);
    const search = screen.getByRole('searchbox', { name: 'Search messages' });
    fireEvent.change(search, { target: { value: 'invoice' } });
    expect(rows().map((r) => r.dataset.id)).toEqual(['m-550']);
    expect(screen.getByRole('button', { name: /^All 1$/ })).toBeTruthy();
    fireEvent.change(search, { target: { value: 'nothing like this' } });
    expect(rows()).toHaveLength(0);
    expect(screen.getByText(/No messages match these filters/)).toBeTruthy();
    fireEvent.keyDown(search, { key: 'Escape' });
    expect((search as HTMLInputElement).value).toBe('');
    expect(rows()).toHaveLength(3);
  });

  it("explains a failure in the details: cause, next step, the server's reply and the code", async () => {
    const fake = appApi({ messages: [rejected] });
    await renderApp(fake);
    fireEvent.click(screen.getByRole('option', { name: /Invoice 2026-117/ }));
    const details = screen.getByRole('region', { name: 'Invoice 2026-117' });
    expect(details.textContent).toContain('The mail server refused one or more recipients.');
    expect(details.textContent).toContain('Check the spelling of the refused addresses');
    expect(details.querySelector('pre.outbox-reply')?.textContent).toBe('550 5.1.1 <nobody@example.test>: Recipient address rejected');
    expect(details.textContent).toContain('SMTP_RECIPIENT');
    expect(details.textContent).toContain('Refused');
  });

  it('loads the transcript only when asked, through outbox.get', async () => {
    const fake = appApi({ messages: [rejected] });
    fake.calls['outbox:get'].mockResolvedValue(
      ok(
        full('m-550', {
          state: 'failed',
          attempts: [
            {
              at: '2030-01-01T10:01:00.000Z',
              durationMs: 420,
              outcome: 'permanent',
              transcript: ['S: 220 mx ready', 'C: RCPT TO:<nobody@example.test>', 'S: 550 5.1.1 rejected'],
            },
          ],
        }),
      ),
    );
    await renderApp(fake);
    fireEvent.click(screen.getByRole('option', { name: /Invoice/ }));
    expect(fake.calls['outbox:get']).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Show transcript' }));
    await screen.findByText(/C: RCPT TO:<nobody@example.test>/);
    expect(fake.calls['outbox:get']).toHaveBeenCalledWith('m-550');
    expect(screen.queryByRole('button', { name: 'Show transcript' })).toBeNull();
  });

  it('offers only the actions the state allows, and calls the matching method', async () => {
    const fake = appApi({
      messages: [rejected, summary('q1', { subject: 'Queued one' }), summary('s1', { state: 'sending', subject: 'Going now' })],
    });
    fake.calls['outbox:retry'].mockResolvedValue(ok(full('m-550', { state: 'queued', subject: 'Invoice 2026-117' })));
    fake.calls['outbox:hold'].mockResolvedValue(ok(full('q1', { state: 'held', holdReason: 'user', subject: 'Queued one' })));
    await renderApp(fake);
    const names = (): string[] =>
      within(screen.getByRole('group', { name: 'Actions' }))
        .getAllByRole('button')
        .map((b) => b.textContent ?? '');

    fireEvent.click(screen.getByRole('option', { name: /Going now/ }));
    expect(within(screen.getByRole('group', { name: 'Actions' })).queryAllByRole('button')).toHaveLength(0);

    fireEvent.click(screen.getByRole('option', { name: /Queued one/ }));
    // Retry too: the engine retries a waiting message (starting its lifetime afresh), so the screen offers it.
    expect(names()).toEqual(['Send now', 'Retry', 'Edit', 'Pause', 'Cancel sending', 'Delete']);
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await waitFor(() => expect(fake.calls['outbox:hold']).toHaveBeenCalledWith('q1'));
    // Paused: now it can be sent or retried, but not paused again.
    await waitFor(() => expect(names()).toEqual(['Send now', 'Retry', 'Edit', 'Cancel sending', 'Delete']));

    fireEvent.click(screen.getByRole('option', { name: /Invoice/ }));
    expect(names()).toEqual(['Retry', 'Edit', 'Delete']);
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(fake.calls['outbox:retry']).toHaveBeenCalledWith('m-550'));
    // The answer updates the row at once.
    await waitFor(() => expect(screen.getByRole('option', { name: /Invoice/ }).textContent).toContain('Queued'));
  });

  it('says a partly delivered message reached some recipients and waits for the others, each in the details', async () => {
    const nextTry = '2030-01-01T14:05:00.000Z';
    const partly = summary('p1', {
      subject: 'Board minutes',
      nextAttemptAt: nextTry,
      recipients: [
        { address: 'r1@example.test', state: 'delivered', reply: '250 2.0.0 Ok: queued as A1' },
        { address: 'r2@example.test', state: 'delivered' },
        { address: 'r3@example.test', state: 'delivered' },
        { address: 'r4@example.test', state: 'deferred', reply: '450 4.2.0 Greylisted', nextAttemptAt: nextTry },
        { address: 'r5@example.test', state: 'deferred', reply: '450 4.2.0 Greylisted', nextAttemptAt: nextTry },
      ],
      delivery: { total: 5, delivered: 3, waiting: 2, refused: 0, failed: 0, nextAttemptAt: nextTry },
    });
    await renderApp(appApi({ messages: [partly] }));
    const row = screen.getByRole('option', { name: /Board minutes/ });
    expect(row.textContent).toMatch(/Delivered to 3 of 5, 2 waiting \(next try .*\)/);
    fireEvent.click(row);
    const table = screen.getByRole('table', { name: 'Per recipient' });
    const cells = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      );
    expect(cells[0]).toEqual(['r1@example.test', 'Delivered', '250 2.0.0 Ok: queued as A1']);
    expect(cells[3]![0]).toBe('r4@example.test');
    expect(cells[3]![1]).toMatch(/^Deferred, will retry /);
    expect(cells[3]![2]).toBe('450 4.2.0 Greylisted');
    // Some recipients have it: no Edit (an edited copy would reach them again), and Retry for the waiting ones.
    const names = within(screen.getByRole('group', { name: 'Actions' }))
      .getAllByRole('button')
      .map((b) => b.textContent);
    expect(names).toEqual(['Send now', 'Retry', 'Pause', 'Cancel sending', 'Delete']);
  });

  it('deletes only after an inline confirmation', async () => {
    const fake = appApi({ messages: [rejected] });
    await renderApp(fake);
    fireEvent.click(screen.getByRole('option', { name: /Invoice/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect(fake.calls['outbox:remove']).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Delete message' }));
    await waitFor(() => expect(fake.calls['outbox:remove']).toHaveBeenCalledWith('m-550'));
    await waitFor(() => expect(rows()).toHaveLength(0));
  });

  it('shows a refused action as cause and next step', async () => {
    const fake = appApi({ messages: [summary('q1', { subject: 'Queued one' })] });
    fake.calls['outbox:sendNow'].mockResolvedValue({
      ok: false,
      error: {
        code: 'MESSAGE_STATE',
        message: 'That cannot be done to the message in its current state.',
        next: "Look at the message's state in the outbox first.",
        retryable: false,
      },
    });
    await renderApp(fake);
    fireEvent.click(screen.getByRole('option', { name: /Queued one/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Send now' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('That cannot be done');
    expect(alert.textContent).toContain("Look at the message's state");
  });

  it('counts the messages that wait in the offline banner', async () => {
    const fake = appApi({ online: false, messages: [summary('a'), summary('b', { state: 'scheduled' }), summary('c', { state: 'sent' })] });
    await renderApp(fake);
    expect(screen.getByText(/You are offline/).closest('[role="status"]')?.textContent).toContain(
      '2 messages wait and leave by themselves when the connection returns',
    );
    act(() => fake.emit('outbox:changed', { type: 'connectivity', online: true }));
    expect(screen.queryByText(/You are offline/)).toBeNull();
  });

  it('applies changed and removed events to the list without reloading it; account events reload', async () => {
    const fake = appApi({ messages: [summary('a', { subject: 'First' })] });
    await renderApp(fake);
    expect(fake.calls['outbox:list']).toHaveBeenCalledTimes(1);
    act(() => {
      fake.emit('outbox:changed', { type: 'changed', message: full('b', { subject: 'Second', createdAt: '2030-01-02T10:00:00.000Z' }) });
      fake.emit('outbox:changed', {
        type: 'changed',
        message: full('a', { subject: 'First', state: 'sent', sentAt: '2030-01-02T11:00:00.000Z' }),
      });
    });
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(['b', 'a']));
    expect(screen.getByRole('option', { name: /First/ }).textContent).toContain('Sent');
    act(() => fake.emit('outbox:changed', { type: 'removed', id: 'b' }));
    await waitFor(() => expect(rows().map((r) => r.dataset.id)).toEqual(['a']));
    expect(fake.calls['outbox:list']).toHaveBeenCalledTimes(1);

    act(() =>
      fake.emit('outbox:changed', {
        type: 'account',
        accountId: 'ann-example-com',
        status: 'needs-attention',
        reason: '535 5.7.8 bad credentials',
      }),
    );
    await waitFor(() => expect(fake.calls['outbox:list']).toHaveBeenCalledTimes(2));
    expect(fake.calls['account:list']).toHaveBeenCalledTimes(2);
  });

  it('shows a progress bar while a large message is being sent', async () => {
    const fake = appApi({ messages: [summary('big', { state: 'sending', subject: 'Photos' })] });
    await renderApp(fake);
    act(() => fake.emit('outbox:changed', { type: 'progress', id: 'big', sent: 3_000_000, total: 4_000_000 }));
    const bar = await screen.findByRole('progressbar', { name: 'Sending Photos' });
    expect(bar.getAttribute('value')).toBe('75');
  });

  it('asks for the sign-in to be fixed, with the server reply and a way to Accounts', async () => {
    const fake = appApi({
      accounts: [account({ status: 'needs-attention', statusReason: '535 5.7.8 Authentication credentials invalid' })],
      messages: [summary('h', { state: 'held', holdReason: 'account' })],
    });
    await renderApp(fake);
    expect(screen.getByText('535 5.7.8 Authentication credentials invalid').tagName).toBe('PRE');
    expect(screen.getByRole('option').textContent).toContain("Held until the account's sign-in is fixed");
    fireEvent.click(screen.getByRole('button', { name: 'Fix in Accounts' }));
    expect(screen.getByRole('button', { name: 'Accounts' }).getAttribute('aria-current')).toBe('page');
  });

  it('tells a user with an account but no message how to write one', async () => {
    const fake = appApi({ messages: [] });
    await renderApp(fake);
    screen.getByRole('heading', { name: 'Nothing waiting to be sent' });
    fireEvent.click(screen.getByRole('button', { name: 'Write a message' }));
    expect(screen.getByRole('button', { name: 'New message' }).getAttribute('aria-current')).toBe('page');
  });

  it('lists each recipient with the server reply when only some were refused', async () => {
    const partial = summary('p', {
      state: 'failed',
      subject: 'Team lunch',
      to: ['bob@example.com', 'nobody@example.com'],
      attemptCount: 1,
      lastAttempt: {
        at: '2030-01-01T10:01:00.000Z',
        durationMs: 300,
        outcome: 'partial',
        recipients: [
          { address: 'bob@example.com', accepted: true, reply: '250 2.1.5 Ok' },
          { address: 'nobody@example.com', accepted: false, reply: '550 5.1.1 User unknown', responseCode: 550 },
        ],
      },
    });
    await renderApp(appApi({ messages: [partial] }));
    fireEvent.click(screen.getByRole('option', { name: /Team lunch/ }));
    const table = screen.getByRole('table', { name: 'Per recipient' });
    const cells = within(table)
      .getAllByRole('row')
      .map((row) => row.textContent);
    expect(cells).toEqual([
      'AddressResultServer reply',
      'bob@example.comAccepted250 2.1.5 Ok',
      'nobody@example.comRefused550 5.1.1 User unknown',
    ]);
  });

  it('closes the details with Escape and gives focus back to the list', async () => {
    await renderApp(appApi({ messages: [rejected] }));
    fireEvent.click(screen.getByRole('option', { name: /Invoice/ }));
    const close = screen.getByRole('button', { name: 'Close details' });
    close.focus();
    fireEvent.keyDown(close, { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Invoice 2026-117' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('listbox', { name: 'Messages in the outbox' }));
  });
});
