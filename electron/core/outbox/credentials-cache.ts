// The sending login of each password account, read from the keychain once per send burst rather than once per
// message (a keychain read is a D-Bus round trip, and a flush sends hundreds). Memory only, never written.
// An entry is dropped when the account changes (accountChanged, or the profile read from accounts.json differs
// from the one it was read for), after a burst (unused for BURST_IDLE_MS), when the read fails, and on a refused
// sign-in: the sender then reads the keychain once more before holding the account. OAuth2 accounts are not
// cached here: their token store keeps access tokens and refreshes them itself.
import type { AccountProfile } from '../../shared/account';
import type { Clock, Credentials } from '../ports';

/** A burst ends once no message of the account was sent for this long; the next reads the keychain again. */
export const BURST_IDLE_MS = 60_000;

interface Entry {
  /** The profile the login was read for: a changed profile (new user, status, file edited) reads again. */
  profile: string;
  credentials: Promise<Credentials | null>;
  usedAt: number;
}

export interface CachedLogin {
  credentials: Credentials | null;
  /** Whether it came from the cache (a refused sign-in is then worth one more try with a fresh read). */
  cached: boolean;
}

export class CredentialsCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly read: (accountId: string) => Promise<Credentials | null>,
    private readonly clock: Clock,
  ) {}

  async get(account: AccountProfile): Promise<CachedLogin> {
    if (account.signIn.kind === 'oauth2') return { credentials: await this.read(account.id), cached: false };
    const profile = JSON.stringify(account);
    const now = this.clock.now();
    const entry = this.entries.get(account.id);
    if (entry && entry.profile === profile && now - entry.usedAt < BURST_IDLE_MS) {
      entry.usedAt = now;
      return { credentials: await entry.credentials, cached: true };
    }
    const credentials = this.read(account.id);
    const fresh: Entry = { profile, credentials, usedAt: now };
    this.entries.set(account.id, fresh);
    try {
      return { credentials: await credentials, cached: false };
    } catch (error) {
      // A keychain that could not answer is asked again next time.
      if (this.entries.get(account.id) === fresh) this.entries.delete(account.id);
      throw error;
    }
  }

  /** Forgets one account's login (changed, or refused by its server), or every one. */
  forget(accountId?: string): void {
    if (accountId === undefined) this.entries.clear();
    else this.entries.delete(accountId);
  }
}
