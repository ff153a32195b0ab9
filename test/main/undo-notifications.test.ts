// Undo send's notification as the user meets it: "Sending in 10 s" with an Undo button where buttons exist, a click
// that undoes where they do not, and gone once the window ends, the message leaves or is taken back.
import { describe, expect, it, vi } from 'vitest';
import { UndoNotifier } from '../../electron/main/undo-notifications';

import { manualClock } from './manual-clock';
import { outboxMessage } from './outbox-message';

const message = outboxMessage;

function setup(options: { actions: boolean; supported?: boolean }) {
  const { clock, advance } = manualClock();
  const shown: { title: string; body: string; actions: string[]; click(): void; press(i: number): void; closed: boolean }[] = [];
  const onUndo = vi.fn();
  const onOpen = vi.fn();
  const notifier = new UndoNotifier({
    isSupported: () => options.supported ?? true,
    supportsActions: options.actions,
    create: (spec) => {
      const listeners: { click?: () => void; action?: (i: number) => void } = {};
      const entry = { ...spec, click: () => listeners.click?.(), press: (i: number) => listeners.action?.(i), closed: false };
      return {
        on: (event: 'click' | 'action', listener: (i: number) => void) =>
          void (event === 'click' ? (listeners.click = () => listener(0)) : (listeners.action = listener)),
        show: () => void shown.push(entry),
        close: () => void (entry.closed = true),
      };
    },
    onUndo,
    onOpen,
    clock,
  });
  /** A message sent with a 10 s undo window at the clock's time 0. */
  const inWindow = (id: string) =>
    message(id, 'scheduled', { scheduledAt: new Date(10_000).toISOString(), undoUntil: new Date(10_000).toISOString() });
  return { notifier, shown, onUndo, onOpen, advance, inWindow };
}

describe('Undo send notification', () => {
  it('says "Sending in 10 s" with an Undo button that undoes, where the platform has buttons; a click shows the message', () => {
    const { notifier, shown, onUndo, onOpen, inWindow } = setup({ actions: true });
    notifier.handle({ type: 'changed', message: inWindow('m1') });
    expect(shown).toEqual([
      expect.objectContaining({ title: 'Sending in 10 s: Subject m1', body: 'To to-m1@example.com.', actions: ['Undo'] }),
    ]);
    shown[0]!.click();
    expect(onOpen).toHaveBeenCalledWith('m1');
    expect(onUndo).not.toHaveBeenCalled();
    shown[0]!.press(0);
    expect(onUndo).toHaveBeenCalledWith('m1');
    expect(shown[0]!.closed).toBe(true);
  });

  it('undoes on a click where notifications have no buttons, and says so', () => {
    const { notifier, shown, onUndo, inWindow } = setup({ actions: false });
    notifier.handle({ type: 'changed', message: inWindow('m1') });
    expect(shown).toEqual([
      expect.objectContaining({ title: 'Sending in 10 s: Subject m1', body: 'To to-m1@example.com. Click to undo.', actions: [] }),
    ]);
    shown[0]!.click();
    expect(onUndo).toHaveBeenCalledWith('m1');
  });

  it('shows one notification per message, and closes it when the window ends, sending starts or the message is removed', () => {
    const { notifier, shown, advance, inWindow } = setup({ actions: true });
    notifier.handle({ type: 'changed', message: inWindow('m1') });
    notifier.handle({ type: 'changed', message: inWindow('m1') });
    notifier.handle({ type: 'changed', message: inWindow('m2') });
    notifier.handle({ type: 'changed', message: inWindow('m3') });
    expect(shown.map((n) => n.title)).toEqual([
      'Sending in 10 s: Subject m1',
      'Sending in 10 s: Subject m2',
      'Sending in 10 s: Subject m3',
    ]);
    notifier.handle({ type: 'changed', message: message('m2', 'sending') });
    notifier.handle({ type: 'removed', id: 'm3' });
    expect(shown.map((n) => n.closed)).toEqual([false, true, true]);
    advance(10_000);
    expect(shown[0]!.closed).toBe(true);
  });

  it('says nothing for mail without an undo window, a window already over, or where notifications are unsupported', () => {
    const quiet = setup({ actions: true, supported: false });
    quiet.notifier.handle({ type: 'changed', message: quiet.inWindow('m1') });
    expect(quiet.shown).toHaveLength(0);
    const { notifier, shown, advance, inWindow } = setup({ actions: true });
    notifier.handle({ type: 'changed', message: message('plain', 'queued') });
    notifier.handle({ type: 'changed', message: message('later', 'scheduled', { scheduledAt: new Date(3_600_000).toISOString() }) });
    advance(10_000);
    notifier.handle({ type: 'changed', message: inWindow('late') });
    expect(shown).toHaveLength(0);
  });
});
