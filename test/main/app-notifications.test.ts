// The app's notifications as Electron shows them: a send the user cannot see is announced and its click opens the
// message; Undo send is a button on macOS and the notification's own click elsewhere; quitting shows what gathered.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppNotifications } from '../../electron/main/app-notifications';
import type { AppCommand } from '../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../electron/shared/message';
import { Notification } from './fake-electron';
import { manualClock } from './manual-clock';
import { outboxMessage } from './outbox-message';

vi.mock('electron', () => import('./fake-electron'));

const message = outboxMessage;

function setup(options: { platform: NodeJS.Platform; focused?: boolean; notifyOnSent?: boolean }) {
  const { clock, advance } = manualClock();
  const commands: AppCommand[] = [];
  const notifications = new AppNotifications({
    platform: options.platform,
    isWindowFocused: () => options.focused ?? false,
    notifyOnSent: () => options.notifyOnSent ?? true,
    command: (command) => commands.push(command),
    clock,
  });
  const changed = (m: OutboxMessage) => notifications.handle({ type: 'changed', message: m });
  return { notifications, commands, advance, changed };
}

beforeEach(() => {
  Notification.created.length = 0;
  Notification.supported = true;
});

describe('AppNotifications', () => {
  it('announces a send the user did not watch, and its click opens that message', () => {
    const { commands, advance, changed } = setup({ platform: 'linux' });
    changed(message('a', 'sending'));
    changed(message('a', 'sent'));
    advance(2_000);
    expect(Notification.created.map((n) => n.options)).toEqual([{ title: 'Sent: Subject a', body: 'To to-a@example.com' }]);
    expect(Notification.created[0]!.show).toHaveBeenCalled();
    Notification.created[0]!.emit('click');
    expect(commands).toEqual([{ type: 'open-message', id: 'a' }]);
  });

  it('says nothing of a send while the window is in front, or when sends are not to be announced, but always of a failure', () => {
    for (const options of [{ focused: true }, { notifyOnSent: false }]) {
      Notification.created.length = 0;
      const { advance, changed } = setup({ platform: 'win32', ...options });
      changed(message('a', 'sending'));
      changed(message('b', 'sending'));
      changed(message('a', 'sent'));
      changed(
        message('b', 'failed', {
          lastError: { code: 'SMTP_REJECTED', message: 'The server refused it.', next: 'Check the address.', retryable: false },
        }),
      );
      advance(2_000);
      expect(Notification.created.map((n) => n.options.title)).toEqual(['Not sent: Subject b']);
    }
  });

  it('offers Undo as the notification click where there are no buttons (Linux, Windows)', () => {
    const { commands, changed } = setup({ platform: 'linux' });
    changed(message('u', 'scheduled', { undoUntil: new Date(10_000).toISOString(), scheduledAt: new Date(10_000).toISOString() }));
    const [shown] = Notification.created;
    expect(shown!.options).toMatchObject({ title: 'Sending in 10 s: Subject u', body: 'To to-u@example.com. Click to undo.', actions: [] });
    shown!.emit('click');
    expect(commands).toEqual([{ type: 'undo', id: 'u' }]);
    expect(shown!.close).toHaveBeenCalled();
  });

  it('offers an Undo button on macOS, where the click itself opens the message', () => {
    const { commands, changed } = setup({ platform: 'darwin' });
    changed(message('u', 'scheduled', { undoUntil: new Date(10_000).toISOString(), scheduledAt: new Date(10_000).toISOString() }));
    const [shown] = Notification.created;
    expect(shown!.options.actions).toEqual([{ type: 'button', text: 'Undo' }]);
    shown!.emit('click');
    expect(commands).toEqual([{ type: 'open-message', id: 'u' }]);
    shown!.emit('action', {}, 0);
    expect(commands).toEqual([
      { type: 'open-message', id: 'u' },
      { type: 'undo', id: 'u' },
    ]);
  });

  it('shows nothing where the system has no notifications', () => {
    Notification.supported = false;
    const { advance, changed } = setup({ platform: 'linux' });
    changed(message('a', 'sending'));
    changed(message('a', 'failed'));
    changed(message('u', 'scheduled', { undoUntil: new Date(10_000).toISOString() }));
    advance(10_000);
    expect(Notification.created).toEqual([]);
  });

  it('on quitting, shows the sends that gathered at once and takes every Undo off the screen', () => {
    const { notifications, changed } = setup({ platform: 'linux' });
    // Sent before this start: a later update (its Sent copy saved) is not a send of this session.
    notifications.seed([message('old', 'sent')]);
    changed(message('u', 'scheduled', { undoUntil: new Date(10_000).toISOString() }));
    changed(message('old', 'sent'));
    changed(message('new', 'sending'));
    changed(message('new2', 'sending'));
    changed(message('new', 'sent'));
    changed(message('new2', 'sent'));
    const undo = Notification.created[0]!;
    notifications.stop();
    expect(Notification.created.map((n) => n.options.title)).toEqual(['Sending in 10 s: Subject u', '2 messages sent']);
    expect(undo.close).toHaveBeenCalled();
  });
});
