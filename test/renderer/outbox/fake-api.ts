// A stand-in `window.outbox` for component tests: every channel a vi.fn answering ok, events emitted by the test.
// The list, accounts and launch commands come from the test; each call is recorded so tests can count reloads.
import { vi, type Mock } from 'vitest';
import type { AccountProfile } from '../../../electron/shared/account';
import { INVOKE_CHANNELS, type AppCommand, type EventChannel, type InvokeChannel, type OutboxApi, type OutboxSummary, type PayloadOf, type Result } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export interface FakeApi {
  api: OutboxApi;
  calls: Record<InvokeChannel, Mock<(...args: unknown[]) => Promise<Result<unknown>>>>;
  emit<E extends EventChannel>(channel: E, payload: PayloadOf<E>): void;
  state: { messages: OutboxSummary[]; accounts: AccountProfile[]; online: boolean; commands: AppCommand[] };
}

export function fakeApi(init: Partial<FakeApi['state']> = {}): FakeApi {
  const state = { messages: [], accounts: [account()], online: true, commands: [], ...init };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const calls = {} as FakeApi['calls'];
  for (const channel of INVOKE_CHANNELS) calls[channel] = vi.fn(async () => ok(null));
  calls['outbox:list'].mockImplementation(async () => ok(state.messages));
  calls['account:list'].mockImplementation(async () => ok(state.accounts));
  calls['app:connectivity'].mockImplementation(async () => ok({ online: state.online }));
  calls['app:connectivityHint'].mockImplementation(async (hint) => ok({ online: hint as boolean }));
  calls['app:takeCommands'].mockImplementation(async () => ok(state.commands.splice(0)));
  calls['draft:list'].mockImplementation(async () => ok([]));

  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of INVOKE_CHANNELS) {
    const [domain = '', verb = ''] = channel.split(':');
    (domains[domain] ??= {})[verb] = (...args) => calls[channel](...args);
  }
  const on = (channel: string, listener: (payload: unknown) => void): (() => void) => {
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  return {
    api: { ...domains, on } as unknown as OutboxApi,
    calls,
    state,
    emit: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    },
  };
}

export function account(fields: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id: 'ann-example-com',
    name: 'Ann Example',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2030-01-01T09:00:00.000Z',
    ...fields,
  };
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
