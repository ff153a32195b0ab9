import { describe, expect, it, vi } from 'vitest';
import { SendNotifier, type NotificationSpec } from '../../electron/main/notifications';
import type { MessageState } from '../../electron/shared/message';
import { manualClock } from './manual-clock';
import { outboxMessage } from './outbox-message';

const message = outboxMessage;

function setup(options: { focused?: boolean; supported?: boolean; notifyOnSent?: () => boolean } = {}) {
  const { clock, advance } = manualClock();
  const shown: Array<NotificationSpec & { click: () => void }> = [];
  const onClick = vi.fn();
  const notifier = new SendNotifier({
    isSupported: () => options.supported ?? true,
    isWindowFocused: () => options.focused ?? false,
    create: (spec) => {
      let listener = (): void => {};
      const entry = { ...spec, click: () => listener() };
      return {
        on: (_event: 'click', l: () => void) => void (listener = l),
        show: () => void shown.push(entry),
      };
    },
    onClick,
    clock,
    ...(options.notifyOnSent ? { notifyOnSent: options.notifyOnSent } : {}),
  });
  const move = (id: string, ...states: MessageState[]): void => {
    for (const state of states) notifier.handle({ type: 'changed', message: message(id, state) });
  };
  return { notifier, shown, onClick, advance, move };
}

describe('send notifications', () => {
  it('announces a message that was sent, and clicking it opens that message', () => {
    const { shown, onClick, advance, move } = setup();
    move('m1', 'queued', 'sending', 'sent');
    expect(shown).toHaveLength(0);
    advance(2_000);
    expect(shown).toEqual([expect.objectContaining({ title: 'Sent: Subject m1', body: 'To to-m1@example.com' })]);
    shown[0]!.click();
    expect(onClick).toHaveBeenCalledWith('m1');
  });

  it('keeps quiet about sends when the user turned that off, still announcing failures, and follows a change at once', () => {
    let wanted = false;
    const { shown, advance, move } = setup({ notifyOnSent: () => wanted });
    move('m1', 'queued', 'sending', 'sent');
    move('m2', 'queued', 'sending', 'failed');
    advance(2_000);
    expect(shown.map((n) => n.title)).toEqual(['Not sent: Subject m2']);
    wanted = true;
    move('m3', 'queued', 'sending', 'sent');
    advance(2_000);
    expect(shown.map((n) => n.title)).toEqual(['Not sent: Subject m2', 'Sent: Subject m3']);
  });

  it('explains a failure with the error and its next step', () => {
    const { notifier, shown, advance, move } = setup();
    move('m1', 'sending');
    notifier.handle({
      type: 'changed',
      message: message('m1', 'failed', {
        lastError: {
          code: 'SMTP_REJECTED',
          retryable: false,
          message: 'The server refused the recipient.',
          next: 'Check the address.',
          reply: '550 no such user',
        },
      }),
    });
    advance(2_000);
    expect(shown).toEqual([
      expect.objectContaining({ title: 'Not sent: Subject m1', body: 'The server refused the recipient. Check the address.' }),
    ]);
  });

  it('gathers a burst into one notification: a flush of 500 is "500 messages sent", not 500 notifications', () => {
    const { shown, onClick, advance, move } = setup();
    for (let i = 0; i < 500; i++) {
      move(`m${i}`, 'sending', 'sent');
      advance(10);
    }
    advance(2_000);
    expect(shown).toHaveLength(1);
    expect(shown[0]?.title).toBe('500 messages sent');
    shown[0]!.click();
    expect(onClick).toHaveBeenCalledWith(undefined);
  });

  it('still reports during a long burst, every ten seconds at most', () => {
    const { shown, advance, move } = setup();
    for (let i = 0; i < 30; i++) {
      move(`m${i}`, 'sending', 'sent');
      advance(1_000);
    }
    advance(2_000);
    expect(shown.length).toBeGreaterThanOrEqual(3);
    expect(shown.length).toBeLessThanOrEqual(4);
  });

  it('keeps successes and failures apart in a burst', () => {
    const { shown, advance, move } = setup();
    move('a', 'sending', 'sent');
    move('b', 'sending', 'sent');
    move('c', 'sending', 'failed');
    advance(2_000);
    expect(shown.map((s) => s.title)).toEqual(['2 messages sent', 'Not sent: Subject c']);
  });

  it('does not announce sends the user is watching, but always announces failures', () => {
    const { shown, advance, move } = setup({ focused: true });
    move('a', 'sending', 'sent');
    move('b', 'sending', 'failed');
    advance(2_000);
    expect(shown.map((s) => s.title)).toEqual(['Not sent: Subject b']);
  });

  it('stays quiet about a Sent-copy update of a message sent long ago, and about a cancel', () => {
    const { notifier, shown, advance, move } = setup();
    notifier.seed([message('old', 'sent')]);
    move('old', 'sent');
    move('new', 'sent');
    notifier.handle({ type: 'changed', message: message('c', 'queued') });
    notifier.handle({
      type: 'changed',
      message: message('c', 'failed', { lastError: { code: 'CANCELLED', retryable: false, message: 'Cancelled.', next: '' } }),
    });
    advance(5_000);
    expect(shown).toHaveLength(0);
  });

  it('announces a message only once, however many updates follow', () => {
    const { shown, advance, move } = setup();
    move('m', 'sending', 'sent', 'sent', 'sent');
    advance(2_000);
    expect(shown).toHaveLength(1);
  });

  it('shows nothing where the OS has no notifications', () => {
    const { shown, advance, move } = setup({ supported: false });
    move('m', 'sending', 'failed');
    advance(2_000);
    expect(shown).toHaveLength(0);
  });
});
