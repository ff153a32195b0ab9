// @vitest-environment happy-dom
// Undo send as the user meets it in the window: "Sending in 10 s" counting down in the row, the bar and the details,
// Undo (the bar's button, Ctrl/Cmd+Z right after sending, a notification) opening Compose with the message, and a
// clear refusal once it is too late. Compose itself is a stand-in here; its own tests cover it.
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Draft } from '../../../electron/shared/compose';
import type { ComposeSlotProps } from '../../../renderer/src/shell/screens';
import { App } from '../../../renderer/src/app';
import { ok } from '../fake-api';
import { appApi, full, summary, type AppApi } from '../outbox/fake-api';

const T0 = Date.parse('2030-01-01T10:00:00.000Z');
const inTen = () => new Date(Date.now() + 10_000).toISOString();

vi.mock('../../../renderer/src/shell/screens', () => ({
  ComposeSlot: (props: ComposeSlotProps) => (
    <section>
      <h2 tabIndex={-1}>Compose stand-in</h2>
      <p data-testid="intent">{JSON.stringify({ ...props.intent, key: undefined })}</p>
      <input aria-label="Subject" />
      <button
        type="button"
        onClick={() =>
          props.onSent(full('just-sent', { subject: 'Just sent', state: 'scheduled', scheduledAt: inTen(), undoUntil: inTen() }))
        }
      >
        Stand-in send
      </button>
    </section>
  ),
  SettingsSlot: () => <h2>Accounts stand-in</h2>,
}));

const restored: Draft = {
  id: 'draft-back0001',
  to: ['bob@example.com'],
  cc: [],
  bcc: [],
  subject: 'Report',
  html: '<div>Hi <b>Bob</b></div>',
  text: 'Hi Bob',
  attachments: [],
  updatedAt: '2030-01-01T10:00:03.000Z',
};

beforeEach(() => {
  // Only the clock and the countdown's interval are faked: the list's own timers stay real.
  vi.useFakeTimers({ now: T0, toFake: ['Date', 'setInterval', 'clearInterval'] });
});
afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

async function start(fake: AppApi): Promise<void> {
  render(<App api={fake.api} />);
  await waitFor(() => expect(document.querySelector('.app__main')?.getAttribute('aria-busy')).toBe('false'));
}

const tick = (ms: number) => act(() => void vi.advanceTimersByTime(ms));
const bar = () => screen.getByRole('region', { name: 'Undo send' });
const rowDetail = () => document.querySelector('.outbox-row .message__detail')?.textContent;
const intent = () => JSON.parse(screen.getByTestId('intent').textContent ?? 'null') as unknown;

function inWindow(id: string, subject: string) {
  const until = new Date(T0 + 10_000).toISOString();
  return summary(id, { subject, state: 'scheduled', scheduledAt: until, undoUntil: until });
}

describe('Undo send in the window', () => {
  it('counts down in the row, the bar and the details, and Undo brings the message back to Compose as it was', async () => {
    const fake = appApi({ messages: [inWindow('u1', 'Report')] });
    fake.answer('outbox:undo', () => ok(restored));
    await start(fake);
    expect(rowDetail()).toBe('Sending in 10 s');
    expect(document.querySelector('.outbox-row .badge')?.textContent).toBe('Queued');
    expect(within(bar()).getByText('“Report” — Sending in 10 s')).toBeTruthy();
    fireEvent.click(document.querySelector('.outbox-row')!);
    const details = screen.getByRole('region', { name: 'Report' });
    expect(within(details).getByText(/Sending in 10 s/)).toBeTruthy();
    expect(within(details).queryByText('Scheduled')).toBeNull();

    tick(2_000);
    expect(rowDetail()).toBe('Sending in 8 s');
    expect(within(bar()).getByText('“Report” — Sending in 8 s')).toBeTruthy();
    expect(within(details).getByText(/Sending in 8 s/)).toBeTruthy();

    fireEvent.click(within(bar()).getByRole('button', { name: 'Undo' }));
    await screen.findByText('Compose stand-in');
    expect(fake.callsTo('outbox:undo')).toEqual([['u1']]);
    expect(intent()).toEqual({ kind: 'draft', draft: restored });
  });

  it('leaves the bar once the window has ended, and says "Waiting to be sent" if the message has not left yet', async () => {
    await start(appApi({ messages: [inWindow('u1', 'Report')] }));
    tick(10_000);
    expect(screen.queryByRole('region', { name: 'Undo send' })).toBeNull();
    expect(rowDetail()).toBe('Waiting to be sent');
  });

  it('says clearly when it is too late, and stays on the outbox', async () => {
    const fake = appApi({ messages: [inWindow('u1', 'Report')] });
    fake.answer('outbox:undo', () => ({
      ok: false,
      error: {
        code: 'MESSAGE_STATE',
        message: 'Too late to undo: the message is being sent right now.',
        next: 'Wait for this attempt to finish; the outbox shows how it went.',
        retryable: false,
      },
    }));
    await start(fake);
    fireEvent.click(within(bar()).getByRole('button', { name: 'Undo' }));
    const alert = await within(bar()).findByRole('alert');
    expect(alert.textContent).toContain('Too late to undo: the message is being sent right now.');
    expect(screen.queryByText('Compose stand-in')).toBeNull();
  });
});

describe('Ctrl/Cmd+Z right after sending', () => {
  it('undoes the message just sent, not while typing in a field, and not once its window has ended', async () => {
    const fake = appApi();
    fake.answer('outbox:undo', () => ok(restored));
    await start(fake);

    // Sent, then the window runs out: Ctrl+Z does nothing.
    fireEvent.click(screen.getByRole('button', { name: 'New message' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Stand-in send' }));
    await screen.findByRole('heading', { name: 'Outbox', level: 2 });
    tick(10_001);
    fireEvent.keyDown(document.body, { key: 'z', ctrlKey: true });
    expect(fake.callsTo('outbox:undo')).toEqual([]);

    // Sent again: Ctrl+Z in the search field undoes typing there, not the send.
    fireEvent.click(screen.getByRole('button', { name: 'New message' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Stand-in send' }));
    await screen.findByRole('heading', { name: 'Outbox', level: 2 });
    const search = screen.getByRole('searchbox');
    fireEvent.keyDown(search, { key: 'z', ctrlKey: true });
    expect(fake.callsTo('outbox:undo')).toEqual([]);

    // Anywhere else, Cmd+Z (or Ctrl+Z) takes it back to Compose.
    tick(3_000);
    fireEvent.keyDown(document.body, { key: 'z', metaKey: true });
    await screen.findByText('Compose stand-in');
    expect(fake.callsTo('outbox:undo')).toEqual([['just-sent']]);
    expect(intent()).toEqual({ kind: 'draft', draft: restored });
  });
});

describe('Undo from a notification', () => {
  it('takes the message back to Compose when the notification asks', async () => {
    const fake = appApi({ messages: [inWindow('u1', 'Report')] });
    fake.answer('outbox:undo', () => ok(restored));
    await start(fake);
    act(() => fake.emit('app:command', { type: 'undo', id: 'u1' }));
    await screen.findByText('Compose stand-in');
    expect(fake.callsTo('outbox:undo')).toEqual([['u1']]);
  });
});
