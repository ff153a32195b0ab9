// @vitest-environment happy-dom
// The Compose screen as a user drives it: chips, suggestions, sending, the size warning, autosave and resuming.
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';
import { ComposeScreen, type ComposeScreenProps } from '../../../renderer/src/compose/compose-screen';
import type { ComposeIntent } from '../../../renderer/src/compose/intent';
import type { SendRequest } from '../../../electron/shared/compose';
import { account } from '../fake-api';
import { composeApi, draft, FakeFailure, sentMessage } from './fake-api';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
});

/** Lets pending promises (fake IPC answers) and the renders they cause finish. */
async function settle(): Promise<void> {
  await act(async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  });
}

function recent(to: string[], createdAt = '2030-01-01T10:00:00.000Z'): OutboxSummary {
  return {
    id: `m-${createdAt}`,
    accountId: 'ann-example-com',
    state: 'sent',
    messageId: '<x@y>',
    subject: 's',
    from: 'ann@example.com',
    to,
    cc: [],
    bccCount: 0,
    envelope: { from: 'ann@example.com', to },
    size: 1,
    createdAt,
    attemptCount: 1,
  };
}

async function open(
  fake: ReturnType<typeof composeApi>,
  props: Partial<ComposeScreenProps> = {},
  intent: ComposeIntent = { kind: 'new', key: 1 },
) {
  const onSent = vi.fn();
  const onClose = vi.fn();
  const view = render(
    <ComposeScreen api={fake.api} accounts={[account()]} messages={[]} intent={intent} onSent={onSent} onClose={onClose} {...props} />,
  );
  await settle();
  return { ...view, onSent, onClose };
}

const toInput = () => screen.getByRole('combobox', { name: 'To' });
const chipsOf = (label: string) => within(screen.getByRole('list', { name: `${label} recipients` })).getAllByRole('listitem');

function type(input: HTMLElement, value: string): void {
  fireEvent.change(input, { target: { value } });
}

function typeBody(html: string): void {
  const editor = screen.getByRole('textbox', { name: 'Message' });
  editor.innerHTML = html;
  fireEvent.input(editor);
}

describe('recipient chips', () => {
  it('makes chips from typing and from a paste, and flags the invalid one', async () => {
    await open(composeApi());
    type(toInput(), 'bob@example.com');
    fireEvent.keyDown(toInput(), { key: 'Enter' });
    fireEvent.paste(toInput(), { clipboardData: { getData: () => 'a@x.com, Bob <b@y.org>; c@z' } });

    const chips = chipsOf('To');
    expect(chips.map((c) => c.querySelector('.compose-chip__text')?.textContent)).toEqual([
      'bob@example.com',
      'a@x.com',
      'Bob <b@y.org>',
      'c@z',
    ]);
    expect(chips.map((c) => c.getAttribute('aria-invalid'))).toEqual([null, null, null, 'true']);
    expect(toInput().getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/“c@z” is not a valid address/)).toBeTruthy();
    expect(toInput()).toHaveProperty('value', '');
  });

  it('commits on comma and semicolon as typed, removes with Backspace and with the chip button', async () => {
    await open(composeApi());
    type(toInput(), 'a@x.com,');
    type(toInput(), 'b@y.org;');
    type(toInput(), 'c@z.net');
    fireEvent.blur(toInput());
    expect(chipsOf('To')).toHaveLength(3);
    fireEvent.keyDown(toInput(), { key: 'Backspace' });
    expect(chipsOf('To').map((c) => c.textContent)).toEqual(['a@x.com×', 'b@y.org×']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove a@x.com' }));
    expect(chipsOf('To')).toHaveLength(1);
    expect(document.activeElement).toBe(toInput());
  });
});

describe('suggestions', () => {
  it('offers recent addresses and takes one chosen with the arrow keys and Enter', async () => {
    const messages = [
      recent(['Bob Example <bob@example.com>', 'carol@example.org']),
      recent(['Bobby Tables <bobby@school.example>'], '2030-02-01T00:00:00.000Z'),
    ];
    await open(composeApi(), { messages });
    type(toInput(), 'bo');
    const list = screen.getByRole('listbox', { name: 'Suggestions for To' });
    expect(toInput().getAttribute('aria-expanded')).toBe('true');
    // Newest first within the same rank.
    expect(
      within(list)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Bobby Tables bobby@school.example', 'Bob Example bob@example.com']);

    fireEvent.keyDown(toInput(), { key: 'ArrowDown' });
    fireEvent.keyDown(toInput(), { key: 'ArrowDown' });
    const active = toInput().getAttribute('aria-activedescendant');
    expect(active && document.getElementById(active)?.textContent).toBe('Bob Example bob@example.com');
    expect(within(list).getAllByRole('option')[1]?.getAttribute('aria-selected')).toBe('true');
    fireEvent.keyDown(toInput(), { key: 'Enter' });

    expect(chipsOf('To').map((c) => c.querySelector('.compose-chip__text')?.textContent)).toEqual(['Bob Example <bob@example.com>']);
    expect(toInput().getAttribute('aria-expanded')).toBe('false');
  });

  it('closes the list with Escape and keeps the typed text', async () => {
    await open(composeApi(), { messages: [recent(['carol@example.org'])] });
    type(toInput(), 'car');
    expect(toInput().getAttribute('aria-expanded')).toBe('true');
    fireEvent.keyDown(toInput(), { key: 'Escape' });
    expect(toInput().getAttribute('aria-expanded')).toBe('false');
    expect(toInput()).toHaveProperty('value', 'car');
  });
});

describe('sending', () => {
  it('enqueues the message with its draft id and attachments, then hands it to the shell', async () => {
    const fake = composeApi();
    const opened = draft({
      id: 'draft-open0001',
      to: ['bob@example.com'],
      subject: 'Report',
      html: '<div>old</div>',
      text: 'old',
      attachments: [{ id: 'att-file00001', name: 'report.pdf', size: 2048, contentType: 'application/pdf' }],
    });
    const { onSent } = await open(fake, {}, { kind: 'draft', draft: opened, key: 2 });
    expect(screen.getByText('report.pdf')).toBeTruthy();
    type(toInput(), 'Carol <carol@example.org>');
    typeBody('<div>Hello <b>Bob</b></div><div>See <a href="https://example.com/r">this</a></div>');

    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();

    expect(fake.callsTo('outbox:enqueue')).toEqual([
      [
        {
          accountId: 'ann-example-com',
          to: ['bob@example.com', 'Carol <carol@example.org>'],
          cc: [],
          bcc: [],
          subject: 'Report',
          html: '<div>Hello <b>Bob</b></div><div>See <a href="https://example.com/r">this</a></div>',
          text: 'Hello Bob\nSee this (https://example.com/r)',
          attachments: ['att-file00001'],
          draftId: 'draft-open0001',
        },
      ],
    ]);
    expect(onSent).toHaveBeenCalledWith(expect.objectContaining({ id: 'msg-1', subject: 'Report' }));
  });

  it('refuses to send to an invalid address and names it', async () => {
    const fake = composeApi();
    const { onSent } = await open(fake);
    type(toInput(), 'c@z');
    fireEvent.keyDown(toInput(), { key: 'Enter' });
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi' } });
    fireEvent.keyDown(screen.getByLabelText('Subject'), { key: 'Enter', ctrlKey: true });
    await settle();
    expect(screen.getByRole('alert').textContent).toContain('“c@z” is not a valid address. Correct it or remove it, then send again.');
    expect(fake.callsTo('outbox:enqueue')).toEqual([]);
    expect(onSent).not.toHaveBeenCalled();
  });

  it('asks before sending without a subject, and sends on "Send anyway" from the menu command', async () => {
    const fake = composeApi();
    await open(fake);
    type(toInput(), 'bob@example.com');
    act(() => fake.emit('app:command', { type: 'send' }));
    expect(screen.getByText('Send without a subject?')).toBeTruthy();
    expect(fake.callsTo('outbox:enqueue')).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Send anyway' }));
    await settle();
    expect(fake.callsTo('outbox:enqueue')).toHaveLength(1);
  });

  it("shows the error's cause, next step and the server's reply, and keeps the message", async () => {
    const fake = composeApi({
      'outbox:enqueue': () => {
        throw new FakeFailure({
          code: 'SMTP_REJECTED',
          message: 'The mail server refused the message.',
          next: 'Read the reply.',
          retryable: false,
          reply: '554 5.7.1 Spam detected',
        });
      },
    });
    const { onSent } = await open(fake);
    type(toInput(), 'bob@example.com');
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('The mail server refused the message.')).toBeTruthy();
    expect(within(alert).getByText('Read the reply.')).toBeTruthy();
    expect(within(alert).getByText('554 5.7.1 Spam detected')).toBeTruthy();
    expect(onSent).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', 'Hi');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', false);
  });

  it('sends once however often Send is pressed while the first is in flight', async () => {
    let answer!: () => void;
    const fake = composeApi({ 'outbox:enqueue': (r: SendRequest) => new Promise((resolve) => (answer = () => resolve(sentMessage(r)))) });
    await open(fake);
    type(toInput(), 'bob@example.com');
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Hi' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    fireEvent.click(screen.getByRole('button', { name: 'Sending…' }));
    fireEvent.keyDown(toInput(), { key: 'Enter', ctrlKey: true });
    answer();
    await settle();
    expect(fake.callsTo('outbox:enqueue')).toHaveLength(1);
  });
});

describe('send later', () => {
  it('schedules for the chosen time and refuses one in the past', async () => {
    const fake = composeApi();
    const { onSent } = await open(fake);
    type(toInput(), 'bob@example.com');
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Later' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send later…' }));
    const panel = screen.getByRole('group', { name: 'Send later' });
    // Tomorrow at 08:00 by default.
    expect(within(panel).getByLabelText('Time')).toHaveProperty('value', '08:00');

    fireEvent.change(within(panel).getByLabelText('Date'), { target: { value: '2001-01-01' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Schedule send' }));
    expect(within(panel).getByRole('alert').textContent).toBe('Choose a time in the future.');
    expect(fake.callsTo('outbox:enqueue')).toEqual([]);

    fireEvent.click(within(panel).getByRole('button', { name: 'In 1 hour' }));
    const before = Date.now();
    fireEvent.click(within(panel).getByRole('button', { name: 'Schedule send' }));
    await settle();
    const request = fake.callsTo('outbox:enqueue')[0]?.[0] as { scheduledAt: string };
    const at = Date.parse(request.scheduledAt);
    expect(at).toBeGreaterThan(before + 59 * 60_000);
    expect(at).toBeLessThan(before + 66 * 60_000);
    expect(onSent).toHaveBeenCalledWith(expect.objectContaining({ state: 'scheduled' }));
  });
});

describe('attachments', () => {
  it("warns when the attachments exceed the account's SIZE limit, in its own numbers", async () => {
    const big = { id: 'att-big000001', name: 'video.mp4', size: 24 * 1024 * 1024, contentType: 'video/mp4' };
    const fake = composeApi({ 'attachment:pick': () => [big] });
    await open(fake, { accounts: [account({ smtp: { ...account().smtp, maxSize: 25 * 1024 * 1024 } })] });
    expect(screen.queryByText(/accepts at most/)).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Attach files…' }));
    await settle();
    expect(screen.getByText('video.mp4')).toBeTruthy();
    expect(screen.getByText('24 MB')).toBeTruthy();
    expect(screen.getByText(/About 32 MB with encoding; smtp.example.com accepts at most 25 MB. The server will refuse it/)).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Remove attachment video.mp4' }));
    await settle();
    expect(screen.queryByText(/accepts at most/)).toBeNull();
    expect(fake.callsTo('attachment:discard')).toEqual([['att-big000001']]);
  });

  it('stages dropped files from their bytes', async () => {
    const fake = composeApi({
      'attachment:stage': (file: { name: string; bytes: Uint8Array }) => ({
        id: 'att-drop00001',
        name: file.name,
        size: file.bytes.byteLength,
        contentType: 'text/plain',
      }),
    });
    const { container } = await open(fake);
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    const root = container.querySelector('.compose') as HTMLElement;
    fireEvent.dragEnter(root, { dataTransfer: { types: ['Files'], files: [file] } });
    expect(screen.getByText('Drop files to attach them')).toBeTruthy();
    fireEvent.drop(root, { dataTransfer: { types: ['Files'], files: [file] } });
    await settle();
    await settle();
    const staged = fake.callsTo('attachment:stage').map((args) => args[0] as { name: string; contentType: string; bytes: Uint8Array });
    expect(staged.map((f) => [f.name, f.contentType, new TextDecoder().decode(f.bytes)])).toEqual([['notes.txt', 'text/plain', 'hello']]);
    expect(screen.getByText('notes.txt')).toBeTruthy();
    expect(screen.queryByText('Drop files to attach them')).toBeNull();
  });
});

describe('drafts', () => {
  it('saves 800 ms after the last change, creates the draft once, then updates it', async () => {
    vi.useFakeTimers();
    const fake = composeApi();
    await open(fake);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Plans' } });
    await act(async () => void vi.advanceTimersByTime(500));
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Plans for May' } });
    await act(async () => void vi.advanceTimersByTime(799));
    expect(fake.callsTo('draft:save')).toEqual([]);
    await act(async () => void vi.advanceTimersByTime(1));
    await settle();
    expect(fake.callsTo('draft:save')).toEqual([[expect.objectContaining({ subject: 'Plans for May', accountId: 'ann-example-com' })]]);
    expect(fake.callsTo('draft:save')[0]?.[0]).not.toHaveProperty('id');
    expect(screen.getByText(/^Saved /)).toBeTruthy();

    type(toInput(), 'bob@exam');
    await act(async () => void vi.advanceTimersByTime(800));
    await settle();
    // Half-typed text is saved too, and the second save names the draft the first one created.
    expect(fake.callsTo('draft:save')[1]?.[0]).toMatchObject({ id: 'draft-new00001', to: ['bob@exam'], subject: 'Plans for May' });
    expect(screen.getByRole('navigation', { name: 'Drafts' }).textContent).toContain('Plans for May');
  });

  it('saves what the timer had not saved yet when the screen closes', async () => {
    const fake = composeApi();
    const { unmount } = await open(fake);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Typed just before leaving' } });
    expect(fake.callsTo('draft:save')).toEqual([]);
    unmount();
    await settle();
    expect(fake.callsTo('draft:save')).toEqual([[expect.objectContaining({ subject: 'Typed just before leaving' })]]);
  });

  it('keeps the text when a save fails and tries again on the next change', async () => {
    vi.useFakeTimers();
    let fail = true;
    const fake = composeApi({
      'draft:save': (input: { subject: string }) => {
        if (fail) throw new FakeFailure({ code: 'DISK_FULL', message: 'The disk is full.', next: 'Free some space.', retryable: false });
        return draft({ id: 'draft-saved0001', subject: input.subject });
      },
    });
    await open(fake);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Important' } });
    await act(async () => void vi.advanceTimersByTime(800));
    await settle();
    expect(screen.getByText('Not saved: The disk is full. Free some space.')).toBeTruthy();
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', 'Important');
    fail = false;
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Important!' } });
    await act(async () => void vi.advanceTimersByTime(800));
    await settle();
    expect(fake.callsTo('draft:save')).toHaveLength(2);
    expect(screen.getByText(/^Saved /)).toBeTruthy();
  });

  it('opens the newest draft when resuming, Cc shown and its body sanitised', async () => {
    const newest = draft({
      id: 'draft-newest001',
      to: ['bob@example.com'],
      cc: ['carol@example.org'],
      subject: 'Newest',
      html: '<div>Hi <b>there</b><img src="https://tracker.example/p.gif"></div>',
      updatedAt: '2030-05-02T10:00:00.000Z',
    });
    const older = draft({ id: 'draft-older0001', subject: 'Older', updatedAt: '2030-05-01T10:00:00.000Z' });
    const fake = composeApi({ 'draft:list': () => [newest, older] });
    await open(fake, {}, { kind: 'resume', key: 3 });
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', 'Newest');
    expect(chipsOf('To').map((c) => c.querySelector('.compose-chip__text')?.textContent)).toEqual(['bob@example.com']);
    expect(chipsOf('Cc').map((c) => c.querySelector('.compose-chip__text')?.textContent)).toEqual(['carol@example.org']);
    expect(screen.getByRole('textbox', { name: 'Message' }).innerHTML).toBe('<div>Hi <b>there</b></div>');
    const drafts = screen.getByRole('navigation', { name: 'Drafts' });
    expect(
      within(drafts)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.compose-draft__subject')?.textContent),
    ).toEqual(['Newest', 'Older']);

    fireEvent.click(within(drafts).getByText('Older'));
    await settle();
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', 'Older');

    // Deleting asks first, then removes it from the list.
    fireEvent.click(within(drafts).getByRole('button', { name: 'Delete draft Newest' }));
    expect(fake.callsTo('draft:remove')).toEqual([]);
    fireEvent.click(within(within(drafts).getByRole('group', { name: 'Delete draft Newest?' })).getByRole('button', { name: 'Delete' }));
    await settle();
    expect(fake.callsTo('draft:remove')).toEqual([['draft-newest001']]);
    expect(
      within(drafts)
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.compose-draft__subject')?.textContent),
    ).toEqual(['Older']);

    fireEvent.click(within(drafts).getByRole('button', { name: 'Blank message' }));
    await settle();
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', '');
    expect(screen.getByRole('textbox', { name: 'Message' }).innerHTML).toBe('');
    expect(screen.queryByRole('list', { name: 'To recipients' })).toBeNull();
  });

  it('starts empty when resuming with no draft, and puts a mailto: body in as text', async () => {
    const fake = composeApi();
    const { rerender, onSent, onClose } = await open(fake, {}, { kind: 'resume', key: 1 });
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', '');
    rerender(
      <ComposeScreen
        api={fake.api}
        accounts={[account()]}
        messages={[]}
        intent={{
          kind: 'new',
          key: 2,
          prefill: { to: ['bob@example.com'], cc: [], bcc: [], subject: 'From a link', body: 'Hi <b>\nthere' },
        }}
        onSent={onSent}
        onClose={onClose}
      />,
    );
    await settle();
    expect(screen.getByLabelText('Subject')).toHaveProperty('value', 'From a link');
    expect(screen.getByRole('textbox', { name: 'Message' }).innerHTML).toBe('<div>Hi &lt;b&gt;</div><div>there</div>');
  });

  it('discards the draft after asking, and closes', async () => {
    const fake = composeApi();
    const { onClose } = await open(fake, {}, { kind: 'draft', draft: draft({ id: 'draft-gone0001', subject: 'Gone' }), key: 4 });
    fireEvent.click(screen.getByRole('button', { name: 'Discard' }));
    expect(fake.callsTo('draft:remove')).toEqual([]);
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Discard' }));
    await settle();
    expect(fake.callsTo('draft:remove')).toEqual([['draft-gone0001']]);
    expect(onClose).toHaveBeenCalled();
  });
});

describe('accounts', () => {
  it('marks an account that needs attention, and explains when there is none', async () => {
    const { unmount } = await open(composeApi(), {
      accounts: [account(), account({ id: 'work', name: 'Work', email: 'ann@work.example', status: 'needs-sign-in' })],
    });
    const from = screen.getByLabelText('From');
    expect(
      within(from)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['Ann Example <ann@example.com>', 'Work <ann@work.example> — needs sign-in']);
    unmount();
    const onAddAccount = vi.fn();
    await open(composeApi(), { accounts: [], onAddAccount });
    expect(screen.getByText(/There is no account to send from yet/)).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Add an account' }));
    expect(onAddAccount).toHaveBeenCalled();
  });
});
