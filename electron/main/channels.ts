// What each IPC channel does: thin calls into the engine, the account store and connectivity.
// Results are plain data; account profiles are re-parsed so nothing but the profile's own fields can leave.
import { accountProfileSchema, type AccountProfile } from '../shared/account';
import { AppError } from '../shared/errors';
import type { Connectivity } from '../core/ports';
import type { OutboxEngine } from '../core/outbox/engine-api';
import type { AccountStore } from '../core/accounts/account-store';
import type { ChannelHandlers } from './ipc-handlers';

export interface ChannelServices {
  engine: OutboxEngine;
  accounts: Pick<AccountStore, 'list' | 'add' | 'update' | 'remove'>;
  connectivity: Connectivity;
}

/** Strips anything the store might carry beyond the profile schema: the renderer sees profiles, never secrets. */
function publicProfile(profile: AccountProfile): AccountProfile {
  return accountProfileSchema.parse(profile);
}

export function createChannelHandlers({ engine, accounts, connectivity }: ChannelServices): ChannelHandlers {
  return {
    'outbox:list': (filter) => engine.list(filter),
    'outbox:get': async (id) => {
      const message = await engine.get(id);
      if (!message) throw new AppError('MESSAGE_NOT_FOUND');
      return message;
    },
    'outbox:enqueue': (request) => engine.enqueue(request),
    'outbox:sendNow': (id) => engine.sendNow(id),
    'outbox:retry': (id) => engine.retry(id),
    'outbox:hold': (id) => engine.hold(id),
    'outbox:cancel': (id) => engine.cancel(id),
    'outbox:remove': async (id) => {
      await engine.remove(id);
      return null;
    },
    'outbox:flush': async () => {
      await engine.flush();
      return null;
    },
    'account:list': async () => (await accounts.list()).map(publicProfile),
    'account:add': async (account, password) => publicProfile(await accounts.add(account, password)),
    'account:update': async (id, patch, password) => {
      const profile = await accounts.update(id, patch, password);
      // Releases messages held for this account's sign-in and drops its pooled connections.
      engine.accountChanged(profile);
      return publicProfile(profile);
    },
    'account:remove': async (id) => {
      await accounts.remove(id);
      return null;
    },
    'app:connectivity': async () => ({ online: connectivity.isOnline() }),
  };
}
