// @vitest-environment happy-dom
// The shell's routing: first start opens the account wizard, the nav and shortcuts switch screens, app commands
// (launch ones first) open Compose or a message, quitting shows a note, and focus lands on each screen's heading.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComposeSlotProps, SettingsSlotProps } from '../../../renderer/src/shell/screens';
import { App } from '../../../renderer/src/app';
import type { FakeApi } from '../fake-api';
import { appApi, full, summary } from '../outbox/fake-api';

const seen = vi.hoisted(() => ({ compose: [] as unknown[], settings: [] as unknown[] }));

// Compose and Accounts belong to other screens' tests: here they only show what the shell asked of them.
vi.mock('../../../renderer/src/shell/screens', () => ({
  ComposeSlot: (props: ComposeSlotProps) => {
    seen.compose.push(props);
    return (
      <section>
        <h2 tabIndex={-1}>Compose stand-in</h2>
        <input role="combobox" aria-label="To" aria-expanded={false} />
        <p data-testid="intent">{JSON.stringify({ ...props.intent, key: undefined })}</p>
        <button type="button" onClick={() => props.onSent(full('just-sent', { subject: 'Just sent', state: 'queued' }))}>
          Stand-in send
        </button>
      </section>
    );
  },
  SettingsSlot: (props: SettingsSlotProps) => {
    seen.settings.push(props);
    return (
      <section>
        <h2 tabIndex={-1}>Accounts stand-in</h2>
        <p data-testid="wizard">{props.startWizard ? 'wizard' : 'list'}</p>
      </section>
    );
  },
}));

afterEach(() => {
  cleanup();
  seen.compose.length = 0;
  seen.settings.length = 0;
});

async function start(fake: FakeApi): Promise<void> {
  render(<App api={fake.api} />);
  await waitFor(() => expect(document.querySelector('.app__main')?.getAttribute('aria-busy')).toBe('false'));
}

function current(): string | null {
  return screen.getByRole('navigation', { name: 'Main' }).querySelector('[aria-current="page"]')?.textContent ?? null;
}

function intent(): unknown {
  return JSON.parse(screen.getByTestId('intent').textContent ?? 'null');
}

describe('the app shell', () => {
  it('opens the account wizard on a first start with no account', async () => {
    await start(appApi({ accounts: [] }));
    await screen.findByText('Accounts stand-in');
    expect(screen.getByTestId('wizard').textContent).toBe('wizard');
    expect(current()).toBe('Accounts');
  });

  it('starts on the Outbox with the summary in the header when there is an account', async () => {
    await start(appApi({ messages: [summary('a'), summary('b'), summary('c'), summary('f', { state: 'failed' })] }));
    expect(current()).toBe('Outbox');
    expect(document.querySelector('.app__count')?.textContent).toBe('3 waiting, 1 failed');
  });

  it('opens Compose on the latest draft from "New message", ready to type the first recipient', async () => {
    await start(appApi());
    fireEvent.click(screen.getByRole('button', { name: 'New message' }));
    expect(intent()).toEqual({ kind: 'resume' });
    expect(current()).toBe('New message');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('combobox', { name: 'To' })));
  });

  it('moves focus to the heading of the other screens', async () => {
    await start(appApi());
    fireEvent.click(screen.getByRole('button', { name: 'Accounts' }));
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Accounts stand-in'));
  });

  it('goes back to the Outbox with the sent message selected', async () => {
    const fake = appApi();
    await start(fake);
    fireEvent.click(screen.getByRole('button', { name: 'New message' }));
    fireEvent.click(screen.getByRole('button', { name: 'Stand-in send' }));
    const row = await screen.findByRole('option', { name: /Just sent/ });
    expect(row.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('region', { name: 'Just sent' })).toBeTruthy();
  });

  it('opens Compose on the draft that Edit took out of the outbox', async () => {
    const fake = appApi({ messages: [summary('q', { subject: 'Fix me' })] });
    const draft = { id: 'draft-0123456789', to: ['bob@example.com'], subject: 'Fix me' };
    fake.calls['outbox:edit'].mockResolvedValue({ ok: true, value: draft });
    await start(fake);
    fireEvent.click(screen.getByRole('option', { name: /Fix me/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Edit' }));
    await screen.findByText('Compose stand-in');
    expect(fake.calls['outbox:edit']).toHaveBeenCalledWith('q');
    expect(intent()).toEqual({ kind: 'draft', draft });
  });

  it('applies the commands that launched the app, in order, then live ones', async () => {
    const prefill = { to: ['carol@example.com'], cc: [], bcc: [], subject: 'From a mailto: link', body: '' };
    const fake = appApi({
      commands: [
        { type: 'show', screen: 'settings' },
        { type: 'compose', prefill },
      ],
    });
    await start(fake);
    await screen.findByText('Compose stand-in');
    expect(fake.calls['app:takeCommands']).toHaveBeenCalledTimes(1);
    expect(intent()).toEqual({ kind: 'new', prefill });

    act(() => fake.emit('app:command', { type: 'show', screen: 'settings' }));
    expect(screen.getByTestId('wizard').textContent).toBe('list');
    act(() => fake.emit('app:command', { type: 'quitting', sending: 1 }));
    expect(screen.getByRole('status').textContent).toBe('Finishing 1 send before quitting…');
  });

  it('opens a message asked for by a notification', async () => {
    const fake = appApi({ messages: [summary('a', { subject: 'Alpha' }), summary('b', { subject: 'Beta' })] });
    await start(fake);
    fireEvent.click(screen.getByRole('button', { name: 'Accounts' }));
    act(() => fake.emit('app:command', { type: 'open-message', id: 'b' }));
    expect(current()).toBe('Outbox');
    expect(screen.getByRole('option', { name: /Beta/ }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('region', { name: 'Beta' })).toBeTruthy();
  });

  it('switches screens with Ctrl+N, Ctrl+, and Ctrl+1', async () => {
    await start(appApi());
    fireEvent.keyDown(window, { key: 'n', ctrlKey: true });
    expect(intent()).toEqual({ kind: 'resume' });
    fireEvent.keyDown(window, { key: ',', metaKey: true });
    expect(current()).toBe('Accounts');
    fireEvent.keyDown(window, { key: '1', ctrlKey: true });
    expect(current()).toBe('Outbox');
    await waitFor(() => expect(document.activeElement?.textContent).toBe('Outbox'));
    expect(document.activeElement?.tagName).toBe('H2');
  });

  it("forwards the browser's offline event to main and shows its answer", async () => {
    const fake = appApi({ messages: [summary('a')] });
    await start(fake);
    fake.calls['app:connectivityHint'].mockResolvedValue({ ok: true, value: { online: false } });
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    await screen.findByText(/You are offline/);
    expect(fake.calls['app:connectivityHint']).toHaveBeenCalledWith(navigator.onLine);
  });

  it('offers a skip link to the main content', async () => {
    await start(appApi());
    const link = screen.getByRole('link', { name: 'Skip to main content' });
    expect(link.getAttribute('href')).toBe('#main');
    expect(document.getElementById('main')?.tagName).toBe('MAIN');
  });
});
