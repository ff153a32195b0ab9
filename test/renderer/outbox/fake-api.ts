// The fake `window.outbox` the whole app starts against: the list, accounts, connectivity and launch commands come
// from the test's `state`; builders for the messages outbox:list and outbox:get answer with.
import type { AccountProfile } from '../../../electron/shared/account';
import type { AppCommand, OutboxSummary } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import { account, fakeApi, ok, type FakeApi } from '../fake-api';

export interface AppApi extends FakeApi {
  state: { messages: OutboxSummary[]; accounts: AccountProfile[]; online: boolean; commands: AppCommand[] };
}

export function appApi(init: Partial<AppApi['state']> = {}): AppApi {
  const state = { messages: [], accounts: [account()], online: true, commands: [], ...init };
  const fake = fakeApi();
  fake.answer('outbox:list', () => ok(state.messages));
  fake.answer('account:list', () => ok(state.accounts));
  fake.answer('app:connectivity', () => ok({ online: state.online }));
  fake.answer('app:connectivityHint', (hint: boolean) => ok({ online: hint }));
  fake.answer('app:takeCommands', () => ok(state.commands.splice(0)));
  fake.answer('draft:list', () => ok([]));
  return { ...fake, state };
}

export function summary(id: string, fields: Partial<OutboxSummary> = {}): OutboxSummary {
  return {
    id,
    accountId: 'ann-example-com',
    state: 'queued',
    messageId: `<${id}@example.com>`,
    subject: `Subject ${id}`,
    from: 'ann@example.com',
    to: ['bob@example.com'],
    cc: [],
    bccCount: 0,
    envelope: { from: 'ann@example.com', to: ['bob@example.com'] },
    size: 2048,
    createdAt: '2030-01-01T10:00:00.000Z',
    attemptCount: 0,
    ...fields,
  };
}

export function full(id: string, fields: Partial<OutboxMessage> = {}): OutboxMessage {
  const { attemptCount: _c, lastAttempt: _l, ...rest } = summary(id);
  return { ...rest, attempts: [], ...fields };
}
