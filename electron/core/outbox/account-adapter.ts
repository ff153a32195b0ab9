// Adapts the account store (profiles on disk, passwords in the keychain) to the engine's EngineAccounts port,
// including the choice of sending account: by id, else the one whose address is the From address, else the first.
import type { AccountProfile, AccountStatus } from '../../shared/account';
import type { Credentials } from '../ports';
import type { EngineAccounts } from './engine-api';

/** The part of AccountStore the engine needs; a narrow shape so tests can pass a plain object. */
export interface AccountDirectory {
  get(id: string): Promise<AccountProfile | undefined>;
  /** The account whose address matches a From value ("Ann <ann@example.com>" or bare), ignoring case. */
  findByAddress(from: string): Promise<AccountProfile | undefined>;
  /** The account used when a message names none. */
  resolveDefault(): Promise<AccountProfile | undefined>;
  setStatus(id: string, status: AccountStatus, reason?: string): Promise<unknown>;
  /** null when the account has no user name. Throws AppError KEYCHAIN_UNAVAILABLE or SECRET_MISSING. */
  credentials(id: string): Promise<Credentials | null>;
}

export function createEngineAccounts(store: AccountDirectory): EngineAccounts {
  return {
    get: (id) => store.get(id),
    async pick({ accountId, from }) {
      // An explicit id never falls back to another account: sending from the wrong one is worse than failing.
      if (accountId) return store.get(accountId);
      const byAddress = from ? await store.findByAddress(from) : undefined;
      return byAddress ?? store.resolveDefault();
    },
    async setStatus(id, status, reason) {
      await store.setStatus(id, status, reason);
    },
    credentials: (id) => store.credentials(id),
  };
}
