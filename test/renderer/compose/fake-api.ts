// A fake `window.outbox` for component tests: records every call, answers from per-channel handlers, and can push
// events. A handler throws FakeFailure to answer with an error envelope, as main does.
import type { AccountProfile } from '../../../electron/shared/account';
import type { Draft, DraftSave, SendRequest } from '../../../electron/shared/compose';
import type { ErrorInfo } from '../../../electron/shared/errors';
import type { EventChannel, InvokeChannel, OutboxApi, PayloadOf } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';

export class FakeFailure {
  constructor(readonly error: ErrorInfo) {}
}

type Handler = (...args: never[]) => unknown;
export interface Call {
  channel: string;
  args: unknown[];
}

export function account(patch: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id: 'ann-example-com',
    name: 'Ann Example',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', insecure: false, user: 'ann@example.com', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2030-01-01T00:00:00.000Z',
    ...patch,
  };
}

export function draft(patch: Partial<Draft> = {}): Draft {
  return { id: 'draft-aaaa1111', to: [], cc: [], bcc: [], subject: '', html: '', text: '', attachments: [], updatedAt: '2030-01-01T10:00:00.000Z', ...patch };
}

export function sentMessage(request: SendRequest): OutboxMessage {
  return {
    id: 'msg-1',
    accountId: request.accountId ?? 'ann-example-com',
    state: request.scheduledAt ? 'scheduled' : 'queued',
    messageId: '<msg-1@example.com>',
    subject: request.subject ?? '',
    from: 'ann@example.com',
    to: request.to ?? [],
    cc: request.cc ?? [],
    bccCount: request.bcc?.length ?? 0,
    envelope: { from: 'ann@example.com', to: request.to ?? [] },
    size: 100,
    createdAt: '2030-01-01T10:00:00.000Z',
    attempts: [],
  };
}

export function fakeApi(handlers: Partial<Record<InvokeChannel, Handler>> = {}) {
  const calls: Call[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let saved = 0;
  const defaults: Partial<Record<InvokeChannel, Handler>> = {
    'draft:list': () => [],
    'draft:save': (input: DraftSave) => {
      saved += 1;
      const { attachments: _ids, ...rest } = input;
      return draft({ ...rest, id: input.id ?? `draft-new${String(saved).padStart(5, '0')}`, attachments: [], updatedAt: new Date().toISOString() } as Partial<Draft>);
    },
    'draft:remove': () => null,
    'outbox:enqueue': (request: SendRequest) => sentMessage(request),
    'attachment:pick': () => [],
    'attachment:discard': () => null,
  };
  const invoke = async (channel: InvokeChannel, args: unknown[]) => {
    calls.push({ channel, args });
    const handler = (handlers[channel] ?? defaults[channel]) as ((...a: unknown[]) => unknown) | undefined;
    if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `No fake for ${channel}`, next: '', retryable: false } };
    try {
      return { ok: true, value: await handler(...args) };
    } catch (error) {
      if (error instanceof FakeFailure) return { ok: false, error: error.error };
      throw error;
    }
  };
  const on = (channel: string, listener: (payload: unknown) => void) => {
    const set = listeners.get(channel) ?? new Set();
    listeners.set(channel, set);
    set.add(listener);
    return () => void set.delete(listener);
  };
  const api = new Proxy(
    {},
    {
      get: (_target, domain: string) =>
        domain === 'on' ? on : new Proxy({}, { get: (_t, verb: string) => (...args: unknown[]) => invoke(`${domain}:${verb}` as InvokeChannel, args) }),
    },
  ) as OutboxApi;
  return {
    api,
    calls,
    callsTo: (channel: InvokeChannel) => calls.filter((c) => c.channel === channel).map((c) => c.args),
    emit: <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => {
      for (const listener of listeners.get(channel) ?? []) listener(payload);
    },
  };
}
