// The fake `window.outbox` for Compose: drafts saved and listed, sends queued, attachments picked; a handler answers
// with a plain value, or throws FakeFailure to answer with an error envelope as main does.
import type { Draft, DraftSave, SendRequest } from '../../../electron/shared/compose';
import type { ErrorInfo } from '../../../electron/shared/errors';
import { INVOKE_CHANNELS, type InvokeChannel, type Result } from '../../../electron/shared/ipc-contract';
import type { OutboxMessage } from '../../../electron/shared/message';
import { fakeApi, ok, type FakeApi } from '../fake-api';

export class FakeFailure {
  constructor(readonly error: ErrorInfo) {}
}

type Handler = (...args: never[]) => unknown;

export function draft(patch: Partial<Draft> = {}): Draft {
  return {
    id: 'draft-aaaa1111',
    to: [],
    cc: [],
    bcc: [],
    subject: '',
    html: '',
    text: '',
    attachments: [],
    updatedAt: '2030-01-01T10:00:00.000Z',
    ...patch,
  };
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

/** Compose's channels answered by `handlers`, else by the defaults here; any other channel answers INTERNAL. */
export function composeApi(handlers: Partial<Record<InvokeChannel, Handler>> = {}): FakeApi {
  const fake = fakeApi();
  let saved = 0;
  const defaults: Partial<Record<InvokeChannel, Handler>> = {
    'draft:list': () => [],
    'draft:save': (input: DraftSave) => {
      saved += 1;
      const { attachments: _ids, ...rest } = input;
      return draft({
        ...rest,
        id: input.id ?? `draft-new${String(saved).padStart(5, '0')}`,
        attachments: [],
        updatedAt: new Date().toISOString(),
      } as Partial<Draft>);
    },
    'draft:remove': () => null,
    'outbox:enqueue': (request: SendRequest) => sentMessage(request),
    'attachment:pick': () => [],
    'attachment:discard': () => null,
  };
  for (const channel of INVOKE_CHANNELS) {
    const handler = (handlers[channel] ?? defaults[channel]) as ((...a: unknown[]) => unknown) | undefined;
    fake.answer(channel, async (...args: unknown[]): Promise<Result<unknown>> => {
      if (!handler) return { ok: false, error: { code: 'INTERNAL', message: `No fake for ${channel}`, next: '', retryable: false } };
      try {
        return ok(await handler(...args));
      } catch (error) {
        if (error instanceof FakeFailure) return { ok: false, error: error.error };
        throw error;
      }
    });
  }
  return fake;
}
