// The app's notifications as Electron shows them: sends and failures (notifications.ts) and Undo send
// (undo-notifications.ts), each click turned into a command for the window, each kept alive until it closes.
import { Notification } from 'electron';
import type { Clock } from '../core/ports';
import type { AppCommand } from '../shared/ipc-contract';
import type { OutboxEvent, OutboxMessage } from '../shared/message';
import { SendNotifier, type NotificationSpec } from './notifications';
import { UndoNotifier, type UndoNotification } from './undo-notifications';

export interface AppNotificationsOptions {
  platform: NodeJS.Platform;
  /** Whether the user is looking at the app now: a send they can see needs no notification. */
  isWindowFocused(): boolean;
  /** The user's preference: announce successful sends (failures always are). */
  notifyOnSent(): boolean;
  /** What a click asks of the window: open a message, the outbox, or undo a send. */
  command(command: AppCommand): void;
  clock?: Clock;
}

/** Electron drops a notification's click handler once the object is garbage-collected: the recent ones are held. */
const KEEP_ALIVE = 20;

export class AppNotifications {
  private readonly sends: SendNotifier;
  private readonly undos: UndoNotifier;
  private readonly live = new Set<Notification>();

  constructor(options: AppNotificationsOptions) {
    const { command, clock } = options;
    this.sends = new SendNotifier({
      isSupported: () => Notification.isSupported(),
      create: (spec) => this.keep(new Notification({ title: spec.title, body: spec.body })),
      isWindowFocused: options.isWindowFocused,
      notifyOnSent: options.notifyOnSent,
      onClick: (id) => command(id === undefined ? { type: 'show', screen: 'outbox' } : { type: 'open-message', id }),
      ...(clock ? { clock } : {}),
    });
    // Undo send: Electron shows notification buttons on macOS only; elsewhere the notification's click undoes.
    this.undos = new UndoNotifier({
      isSupported: () => Notification.isSupported(),
      supportsActions: options.platform === 'darwin',
      create: (spec) => this.withActions(spec),
      onUndo: (id) => command({ type: 'undo', id }),
      onOpen: (id) => command({ type: 'open-message', id }),
      ...(clock ? { clock } : {}),
    });
  }

  /** What the outbox held at start, so an old message's later update is not announced as a send. */
  seed(messages: readonly OutboxMessage[]): void {
    this.sends.seed(messages);
  }

  handle(event: OutboxEvent): void {
    this.sends.handle(event);
    this.undos.handle(event);
  }

  /** Quitting: what has gathered is shown now, and no Undo stays on screen. */
  stop(): void {
    this.sends.flush();
    this.sends.dispose();
    this.undos.dispose();
  }

  private withActions(spec: NotificationSpec & { actions: string[] }): UndoNotification {
    const notification = this.keep(
      new Notification({ title: spec.title, body: spec.body, actions: spec.actions.map((text) => ({ type: 'button' as const, text })) }),
    );
    return {
      on: (event: 'click' | 'action', listener: (index: number) => void) =>
        event === 'click' ? notification.on('click', () => listener(0)) : notification.on('action', (_event, index) => listener(index)),
      show: () => notification.show(),
      close: () => notification.close(),
    };
  }

  private keep(notification: Notification): Notification {
    this.live.add(notification);
    if (this.live.size > KEEP_ALIVE) this.live.delete(this.live.values().next().value!);
    notification.on('close', () => this.live.delete(notification));
    return notification;
  }
}
