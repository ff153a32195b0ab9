// Undo send's notification: "Sending in 10 s: Subject" with an Undo button where the platform shows buttons
// (macOS), or "Click to undo" where it does not; closed when the window ends, the message leaves or is undone.
import type { OutboxEvent, OutboxMessage } from '../shared/message';
import { systemClock, type Clock } from '../core/ports';
import type { NotificationSpec } from './notifications';

/** What the shell's Notification must do here: show, report a click or a button, and close. */
export interface UndoNotification {
  on(event: 'click', listener: () => void): unknown;
  on(event: 'action', listener: (index: number) => void): unknown;
  show(): void;
  close(): void;
}

export interface UndoNotifierOptions {
  /** Electron's Notification.isSupported(): false means never notify. */
  isSupported: () => boolean;
  /** Whether notifications show buttons (Electron: macOS only, without a custom toast on Windows). */
  supportsActions: boolean;
  create: (spec: NotificationSpec & { actions: string[] }) => UndoNotification;
  /** The user asked to undo the send of this message. */
  onUndo: (id: string) => void;
  /** The user clicked a notification that has an Undo button of its own: show the message. */
  onOpen: (id: string) => void;
  clock?: Clock;
}

interface Shown {
  notification: UndoNotification;
  timer: { cancel(): void };
}

export class UndoNotifier {
  private readonly shown = new Map<string, Shown>();
  private readonly clock: Clock;

  constructor(private readonly options: UndoNotifierOptions) {
    this.clock = options.clock ?? systemClock;
  }

  handle(event: OutboxEvent): void {
    if (event.type === 'removed') return this.close(event.id);
    if (event.type !== 'changed') return;
    const { message } = event;
    const until = message.undoUntil ? Date.parse(message.undoUntil) : NaN;
    const undoable = (message.state === 'scheduled' || message.state === 'queued') && until > this.clock.now();
    if (!undoable) return this.close(message.id);
    if (this.shown.has(message.id) || !this.options.isSupported()) return;
    this.show(message, until);
  }

  dispose(): void {
    for (const id of this.shown.keys()) this.close(id);
  }

  private show(message: OutboxMessage, until: number): void {
    const { supportsActions } = this.options;
    const seconds = Math.max(1, Math.ceil((until - this.clock.now()) / 1000));
    const subject = message.subject.trim() || '(no subject)';
    const to = message.to[0] ?? message.cc[0] ?? (message.bccCount > 0 ? 'Bcc recipients' : '');
    const body = [to ? `To ${to}.` : '', supportsActions ? '' : 'Click to undo.'].filter(Boolean).join(' ');
    const notification = this.options.create({
      title: `Sending in ${seconds} s: ${subject}`,
      body,
      actions: supportsActions ? ['Undo'] : [],
    });
    notification.on('action', () => this.undo(message.id));
    notification.on('click', () => (supportsActions ? this.options.onOpen(message.id) : this.undo(message.id)));
    // Once the window ends the message goes; an Undo left on screen would only be refused.
    const timer = this.clock.setTimer(() => this.close(message.id), until - this.clock.now());
    this.shown.set(message.id, { notification, timer });
    notification.show();
  }

  private undo(id: string): void {
    this.close(id);
    this.options.onUndo(id);
  }

  private close(id: string): void {
    const shown = this.shown.get(id);
    if (!shown) return;
    this.shown.delete(id);
    shown.timer.cancel();
    shown.notification.close();
  }
}
