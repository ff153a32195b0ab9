// A recording fake `window.outbox` for component tests, built from the IPC contract: every invoke channel a vi.fn
// answering { ok: true, value: null } until the test says otherwise, and pushed events delivered through `on`.
import { vi, type Mock } from 'vitest';
import type { AccountProfile } from '../../electron/shared/account';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type InvokeChannel,
  type OutboxApi,
  type PayloadOf,
  type Result,
} from '../../electron/shared/ipc-contract';

export type Answer = (...args: never[]) => Result<unknown> | Promise<Result<unknown>>;
export type ChannelMock = Mock<(...args: unknown[]) => Result<unknown> | Promise<Result<unknown>>>;

export interface FakeApi {
  readonly api: OutboxApi;
  /** One vi.fn per channel, recording its calls; mockResolvedValue or answer() changes what it answers. */
  readonly calls: Record<InvokeChannel, ChannelMock>;
  /** The arguments of each call to `channel`, oldest first. */
  callsTo(channel: InvokeChannel): unknown[][];
  /** Replaces what `channel` answers: the handler gets the call's arguments and returns the envelope. */
  answer(channel: InvokeChannel, handler: Answer): void;
  /** Delivers `payload` to every listener subscribed to `channel` through `api.on`. */
  emit<E extends EventChannel>(channel: E, payload: PayloadOf<E>): void;
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export function fakeApi(): FakeApi {
  const calls = {} as FakeApi['calls'];
  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<Result<unknown>>>> = {};
  for (const channel of INVOKE_CHANNELS) {
    calls[channel] = vi.fn(() => ok(null));
    const [domain = '', verb = ''] = channel.split(':');
    (domains[domain] ??= {})[verb] = async (...args) => calls[channel](...args);
  }
  const listeners = new Map<string, Set<(payload: unknown) => void>>(EVENT_CHANNELS.map((e) => [e, new Set()]));
  // As the preload's: an event the contract does not name is a mistake, not a silent no-op.
  const on = (channel: string, listener: (payload: unknown) => void): (() => void) => {
    const set = listeners.get(channel);
    if (!set) throw new TypeError(`No event ${channel}`);
    set.add(listener);
    return () => set.delete(listener);
  };
  return {
    api: { ...domains, on } as unknown as OutboxApi,
    calls,
    callsTo: (channel) => [...calls[channel].mock.calls],
    answer: (channel, handler) =>
      calls[channel].mockImplementation(handler as (...args: unknown[]) => Result<unknown> | Promise<Result<unknown>>),
    emit: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    },
  };
}

/** A saved password account, as account:list returns it. */
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
