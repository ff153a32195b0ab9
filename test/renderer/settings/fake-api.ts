// A fake OutboxApi for the settings components: records every call, answers from per-method handlers the test
// sets, and delivers pushed events through the same `on` the screen subscribes with.
import type { AccountProfile } from '../../../electron/shared/account';
import type { Candidate, HealthAdvice } from '../../../electron/shared/autodetect';
import type { EventChannel, OutboxApi, PayloadOf, Result } from '../../../electron/shared/ipc-contract';

export type Call = { channel: string; args: unknown[] };
type Handler = (...args: never[]) => Promise<Result<unknown>> | Result<unknown>;

export interface FakeApi {
  api: OutboxApi;
  calls: Call[];
  /** Replaces what `domain.verb` answers. */
  answer(channel: string, handler: Handler): void;
  emit<E extends EventChannel>(channel: E, payload: PayloadOf<E>): void;
  callsTo(channel: string): unknown[][];
}

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function fakeApi(): FakeApi {
  const calls: Call[] = [];
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<Result<unknown>>>> = {};
  const domainProxy = (domain: string) =>
    new Proxy(
      {},
      {
        get: (_target, verb: string) => async (...args: unknown[]) => {
          const channel = `${domain}:${verb}`;
          calls.push({ channel, args });
          const handler = handlers.get(channel);
          if (!handler) return ok(null);
          return (handler as (...a: unknown[]) => Promise<Result<unknown>>)(...args);
        },
      },
    );
  for (const domain of ['outbox', 'account', 'settings', 'draft', 'attachment', 'app']) domains[domain] = domainProxy(domain) as never;
  const on = (channel: string, listener: (payload: unknown) => void): (() => void) => {
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    set.add(listener);
    return () => set.delete(listener);
  };
  return {
    api: { ...domains, on } as unknown as OutboxApi,
    calls,
    answer: (channel, handler) => handlers.set(channel, handler),
    emit: (channel, payload) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    },
    callsTo: (channel) => calls.filter((c) => c.channel === channel).map((c) => c.args),
  };
}

export function candidate(overrides: Partial<Candidate> = {}): Candidate {
  return { protocol: 'smtp', host: 'smtp.example.com', port: 465, security: 'tls', username: 'ann@example.com', auth: ['password'], source: 'bundled', insecure: false, notes: [], ...overrides };
}

export const HEALTH: HealthAdvice[] = [
  { check: 'spf', level: 'ok', message: 'SPF names the servers allowed to send for example.com.', record: 'v=spf1 include:_spf.example.com ~all' },
  { check: 'dmarc', level: 'warning', message: 'No DMARC record: publish one so receivers know what to do with forged mail.' },
];

export function profile(overrides: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id: 'ann-example-com',
    name: 'Ann',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 465, security: 'tls', insecure: false, user: 'ann@example.com', authMethod: 'auto' },
    imap: { host: 'imap.example.com', port: 993, security: 'tls', insecure: false, separateSecret: false },
    sentCopy: { enabled: true },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}
