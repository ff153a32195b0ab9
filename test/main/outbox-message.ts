// One outbox message for the main process's tests (notifications, undo, the app's notifications).
import type { MessageState, OutboxMessage } from '../../electron/shared/message';

export function outboxMessage(id: string, state: MessageState, extra: Partial<OutboxMessage> = {}): OutboxMessage {
  return {
    id,
    accountId: 'acc',
    state,
    messageId: `<${id}@example.com>`,
    subject: `Subject ${id}`,
    from: 'me@example.com',
    to: [`to-${id}@example.com`],
    cc: [],
    bccCount: 0,
    envelope: { from: 'me@example.com', to: [`to-${id}@example.com`] },
    size: 100,
    createdAt: '1970-01-01T00:00:00Z',
    attempts: [],
    ...extra,
  };
}
