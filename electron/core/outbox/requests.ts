// What the sender-lock holder does with each request another process sends over the sender channel:
// one typed handler per op, carried out with the engine's own commands (only the holder changes state).
import type { AccountProfile } from '../../shared/account';
import type { OutboxEngine } from './engine-api';
import type { RequestHandlers } from './sender-channel';

export type { SpoolRequest, SpoolResponse } from './sender-channel';

type Commands = Pick<OutboxEngine, 'flush' | 'sendNow' | 'retry' | 'hold' | 'cancel' | 'remove' | 'accountChanged' | 'undo'>;

/**
 * The holder's handler table. `ensureKnown` lets the engine read a message dropped a moment ago that its
 * folder watch has not reported yet, before a request names it.
 */
export function requestHandlers(
  engine: Commands,
  accountById: (id: string) => Promise<AccountProfile | undefined>,
  ensureKnown: (id: string) => Promise<void>,
): RequestHandlers {
  return {
    flush: async () => {
      await engine.flush();
      return { ok: true };
    },
    sendNow: async ({ id }) => {
      await ensureKnown(id);
      return { ok: true, message: await engine.sendNow(id) };
    },
    retry: async ({ id }) => {
      await ensureKnown(id);
      return { ok: true, message: await engine.retry(id) };
    },
    hold: async ({ id }) => {
      await ensureKnown(id);
      return { ok: true, message: await engine.hold(id) };
    },
    cancel: async ({ id }) => {
      await ensureKnown(id);
      return { ok: true, message: await engine.cancel(id) };
    },
    undo: async ({ id }) => {
      await ensureKnown(id);
      return { ok: true, message: await engine.undo(id) };
    },
    remove: async ({ id }) => {
      await ensureKnown(id);
      await engine.remove(id);
      return { ok: true };
    },
    accountChanged: async ({ id }) => {
      const account = await accountById(id);
      if (account) engine.accountChanged(account);
      return { ok: true };
    },
  };
}
