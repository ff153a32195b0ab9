// Account profiles in <dataDir>/accounts.json, their passwords in the keychain under the account id.
// Shared with the `outbox` command: every call re-reads the file if another process changed it.
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import type { z } from 'zod';
import {
  accountProfileSchema,
  newAccountSchema,
  type AccountProfile,
  type AccountStatus,
  type imapSettingsSchema,
  type smtpSettingsSchema,
  type SendingLimitsOverride,
} from '../../shared/account';
import { AppError, isAppError } from '../../shared/errors';
import { writeFileDurable } from '../fs/durable-write';
import { silentLogger, systemClock, type Clock, type Credentials, type Logger, type SecretStore } from '../ports';
import { uniqueAccountId } from './account-id';
import { AccountsCheckNote } from './accounts-checked';
import { withAccountsLock } from './accounts-lock';
import {
  isMissing,
  keepCorruptCopy,
  parseAccountsFile,
  sameStamp,
  serializeAccountsFile,
  statStamp,
  type FileStamp,
} from './accounts-file';
import { bareAddress, checkSecret, normalizeSmtp, validationError, withStatus } from './profile-rules';
import { named } from '../logging';

export type NewAccountInput = z.input<ReturnType<typeof newAccountSchema>>;

/** Fields to change; `smtp` is merged into the current settings. The id never changes. */
export interface AccountPatch {
  name?: string;
  email?: string;
  smtp?: Partial<z.input<ReturnType<typeof smtpSettingsSchema>>>;
  /** Merged into the current IMAP settings (which must then be complete); null removes IMAP. */
  imap?: Partial<z.input<ReturnType<typeof imapSettingsSchema>>> | null;
  sentCopy?: { enabled: boolean; folder?: string };
  /** The account's own sending limits, merged over what it had; null goes back to its provider's profile. */
  limits?: SendingLimitsOverride | null;
  /** The provider sending profile to use (e.g. google-workspace for a Workspace plan); null: matched by its server again. */
  sendingProfile?: string | null;
}

export interface AccountStoreOptions {
  dataDir: string;
  secrets: SecretStore;
  clock?: Pick<Clock, 'now'>;
  logger?: Logger;
  /** Access tokens of OAuth2 accounts (OAuthTokenStore); without it such accounts cannot send. */
  oauthTokens?: OAuthAccessTokens;
  /** The schema identity under which a file that passed is noted and later taken without validating (accounts-checked.ts). */
  checkedSchemaId?: string | undefined;
}

/** The part of OAuthTokenStore the store needs. Throws OAuthError ('needs-sign-in', 'temporary', …). */
export interface OAuthAccessTokens {
  accessTokenFor(accountId: string, options?: { forceRefresh?: boolean }): Promise<string>;
}

export const ACCOUNTS_FILE = 'accounts.json';

function imapAfter(current: AccountProfile, patch: AccountPatch): object | undefined {
  if (patch.imap === null) return undefined;
  if (patch.imap === undefined) return current.imap;
  return { ...current.imap, ...patch.imap };
}

export class AccountStore {
  readonly filePath: string;
  private readonly dataDir: string;
  private readonly secrets: SecretStore;
  private readonly clock: Pick<Clock, 'now'>;
  private readonly logger: Logger;
  private readonly oauthTokens: OAuthAccessTokens | undefined;
  private readonly checkNote: AccountsCheckNote | undefined;
  private accounts: AccountProfile[] = [];
  /** undefined: must read; null: there is no file. */
  private stamp: FileStamp | null | undefined;
  /** Set while the file on disk is unreadable: every call reports it and nothing is written. */
  private corrupt: AppError | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: AccountStoreOptions) {
    this.dataDir = options.dataDir;
    this.filePath = path.join(options.dataDir, ACCOUNTS_FILE);
    this.secrets = options.secrets;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.oauthTokens = options.oauthTokens;
    this.checkNote = options.checkedSchemaId ? new AccountsCheckNote(this.filePath, options.checkedSchemaId) : undefined;
  }

  /** Reads the file now; a missing file means no accounts. Throws ACCOUNTS_CORRUPT for a file it cannot use. */
  load(): Promise<AccountProfile[]> {
    return this.exclusive(async () => {
      this.stamp = undefined;
      await this.refresh();
      return this.accounts.map(copy);
    });
  }

  list(): Promise<AccountProfile[]> {
    return this.exclusive(async () => {
      await this.refresh();
      return this.accounts.map(copy);
    });
  }

  get(id: string): Promise<AccountProfile | undefined> {
    return this.exclusive(async () => {
      await this.refresh();
      const found = this.accounts.find((a) => a.id === id);
      return found && copy(found);
    });
  }

  /** The account used when a message names none: the first one added. */
  resolveDefault(): Promise<AccountProfile | undefined> {
    return this.exclusive(async () => {
      await this.refresh();
      const first = this.accounts[0];
      return first && copy(first);
    });
  }

  /** The account whose address matches a From value ("Ann <ann@example.com>" or a bare address), ignoring case. */
  findByAddress(from: string): Promise<AccountProfile | undefined> {
    return this.exclusive(async () => {
      await this.refresh();
      const address = bareAddress(from);
      const found = this.accounts.find((a) => a.email.toLowerCase() === address);
      return found && copy(found);
    });
  }

  /** Adds an account; its password goes to the keychain first and is taken out again if the file cannot be written. */
  add(input: NewAccountInput, secret?: string): Promise<AccountProfile> {
    return this.mutate(async () => {
      const parsed = newAccountSchema().safeParse(input);
      if (!parsed.success) throw validationError(parsed.error);
      checkSecret(secret);
      const id = uniqueAccountId(parsed.data.email, new Set(this.accounts.map((a) => a.id)));
      const profile = accountProfileSchema().parse({
        id,
        name: parsed.data.name,
        email: parsed.data.email,
        smtp: normalizeSmtp(parsed.data.smtp),
        ...(parsed.data.imap ? { imap: parsed.data.imap } : {}),
        sentCopy: parsed.data.sentCopy ?? { enabled: false },
        signIn: parsed.data.signIn ?? { kind: 'password' },
        status: 'ok',
        createdAt: new Date(this.clock.now()).toISOString(),
      });
      if (secret !== undefined) await this.secrets.set(id, secret);
      try {
        await this.persist([...this.accounts, profile]);
      } catch (error) {
        if (secret !== undefined) await this.restoreSecret(id, null);
        throw error;
      }
      named(this.logger, 'accounts').info(`added account ${id}`);
      return copy(profile);
    });
  }

  /** Changes settings and/or the password; either change clears a needs-attention status. */
  update(id: string, patch: AccountPatch, secret?: string): Promise<AccountProfile> {
    return this.mutate(async () => {
      const current = this.require(id);
      const parsed = newAccountSchema().safeParse({
        name: patch.name ?? current.name,
        email: patch.email ?? current.email,
        smtp: { ...current.smtp, ...patch.smtp },
        ...(imapAfter(current, patch) ? { imap: imapAfter(current, patch) } : {}),
        sentCopy: patch.sentCopy ?? current.sentCopy,
      });
      if (!parsed.success) throw validationError(parsed.error);
      checkSecret(secret);
      let next: AccountProfile = {
        ...current,
        name: parsed.data.name,
        email: parsed.data.email,
        smtp: normalizeSmtp(parsed.data.smtp),
        sentCopy: parsed.data.sentCopy ?? current.sentCopy,
      };
      if (parsed.data.imap) next.imap = parsed.data.imap;
      else delete next.imap;
      // The account's own sending limits: merged over what it had; null or nothing left goes back to the profile's.
      if (patch.limits !== undefined) {
        const limits = patch.limits === null ? {} : { ...current.limits, ...patch.limits };
        if (Object.keys(limits).length > 0) next.limits = limits;
        else delete next.limits;
      }
      if (patch.sendingProfile === null) delete next.sendingProfile;
      else if (patch.sendingProfile !== undefined) next.sendingProfile = patch.sendingProfile;
      if (patch.smtp !== undefined || secret !== undefined) next = withStatus(next, 'ok');
      const previous = secret === undefined ? undefined : await this.secrets.get(id);
      if (secret !== undefined) await this.secrets.set(id, secret);
      try {
        await this.persist(this.accounts.map((a) => (a.id === id ? next : a)));
      } catch (error) {
        if (previous !== undefined) await this.restoreSecret(id, previous);
        throw error;
      }
      named(this.logger, 'accounts').info(`updated account ${id}${secret === undefined ? '' : ' and its password'}`);
      return copy(next);
    });
  }

  /** Removes the profile and its keychain password; if the keychain cannot be reached, nothing is removed. */
  remove(id: string): Promise<void> {
    return this.mutate(async () => {
      const account = this.require(id);
      // Kept only in memory so the password can be put back if the file cannot be written.
      const previous = await this.secrets.get(id).catch((error: unknown) => {
        // A relay without a user name never stored a password: removing it needs no keychain.
        if (account.smtp.user === '' && isAppError(error) && error.code === 'KEYCHAIN_UNAVAILABLE') return null;
        throw error;
      });
      if (previous !== null) await this.secrets.delete(id);
      // A very long OAuth refresh token continues in records of its own (token-store.ts).
      const more = previous === null ? 0 : Number(/"more":(\d)/.exec(previous)?.[1] ?? 0);
      for (let n = 1; n <= more; n++) await this.secrets.delete(`${id}:oauth:${n}`).catch(() => false);
      try {
        await this.persist(this.accounts.filter((a) => a.id !== id));
      } catch (error) {
        if (previous !== null) await this.restoreSecret(id, previous);
        throw error;
      }
      named(this.logger, 'accounts').info(`removed account ${id}`);
    });
  }

  setStatus(id: string, status: AccountStatus, reason?: string): Promise<AccountProfile> {
    return this.mutate(async () => {
      const next = withStatus(this.require(id), status, reason);
      await this.persist(this.accounts.map((a) => (a.id === id ? next : a)));
      named(this.logger, 'accounts').info(`account ${id} is now ${status}`);
      return copy(next);
    });
  }

  /**
   * The login for sending, or null for an account without a user name (an unauthenticated relay).
   * SECRET_MISSING when the account has a user name but the keychain has no password for it.
   * OAuth2 accounts get a valid access token, or the OAuthError of the token store (its kind tells
   * the engine whether to hold the account or retry later).
   */
  async credentials(id: string): Promise<Credentials | null> {
    const account = await this.exclusive(async () => {
      await this.refresh();
      return this.require(id);
    });
    // Here rather than in the engine's adapter: every caller of credentials() (engine, connection test)
    // needs the kind of login the account actually uses.
    if (account.signIn.kind === 'oauth2') return this.oauthCredentials(account);
    if (account.smtp.user === '') return null;
    // Outside the queue: a keychain waiting on an unlock prompt must not hold up list() and get().
    const password = await this.secrets.get(id);
    if (password === null) {
      throw new AppError('SECRET_MISSING', {
        message: `The password of account "${account.name}" (${account.email}) is not in the system keychain.`,
      });
    }
    return { kind: 'password', user: account.smtp.user, password };
  }

  private async oauthCredentials(account: AccountProfile): Promise<Credentials> {
    const tokens = this.oauthTokens;
    if (!tokens) throw new AppError('INTERNAL', { detail: 'AccountStore has no OAuth token store for an OAuth2 account' });
    const accessToken = await tokens.accessTokenFor(account.id);
    return {
      kind: 'oauth2',
      // XOAUTH2 names the mailbox; providers take the address when no separate user name is set.
      user: account.smtp.user || account.email,
      accessToken,
      refresh: () => tokens.accessTokenFor(account.id, { forceRefresh: true }),
    };
  }

  private require(id: string): AccountProfile {
    const found = this.accounts.find((a) => a.id === id);
    if (!found) throw new AppError('ACCOUNT_NOT_FOUND', { message: `There is no account with id "${id}".` });
    return found;
  }

  // One call at a time, so a read-modify-write in this process never interleaves with another.
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A change to the file: under the cross-process lock, from a fresh read (a stamp can miss an edit made in the
   * same millisecond with the same size), so another process's account added a moment ago is kept.
   */
  private mutate<T>(fn: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // The lock lives beside the file: the folder must exist first (a failure resurfaces from the write).
      await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 }).catch(() => undefined);
      return withAccountsLock(this.filePath, this.logger, async () => {
        this.stamp = undefined;
        await this.refresh();
        return fn();
      });
    });
  }

  /** Re-reads the file if it changed since we last read it (a stat when it did not). */
  private async refresh(): Promise<void> {
    const stamp = await statStamp(this.filePath);
    if (this.stamp !== undefined && sameStamp(stamp, this.stamp)) {
      if (this.corrupt) throw this.corrupt;
      return;
    }
    this.stamp = stamp;
    this.corrupt = undefined;
    this.accounts = [];
    if (stamp === null) return;
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.filePath);
    } catch (error) {
      if (isMissing(error)) {
        this.stamp = null;
        return;
      }
      this.stamp = undefined;
      throw error;
    }
    const parsed = parseAccountsFile(bytes, this.checkNote);
    if (parsed.ok) {
      this.accounts = parsed.file.accounts;
      return;
    }
    this.corrupt = await this.quarantine(bytes, parsed.reason, parsed.newer);
    throw this.corrupt;
  }

  private async quarantine(bytes: Buffer, reason: string, newer: boolean): Promise<AppError> {
    let kept: string;
    try {
      kept = `a copy was kept at ${await keepCorruptCopy(this.filePath, bytes, this.clock.now())}`;
    } catch (error) {
      kept = `no copy could be made (${error instanceof Error ? error.message : String(error)})`;
    }
    named(this.logger, 'accounts').error(`${this.filePath} cannot be used (${reason}); ${kept}`);
    return new AppError('ACCOUNTS_CORRUPT', {
      message: `The accounts file ${this.filePath} could not be read; it was left unchanged and ${kept}.`,
      next: newer
        ? `Use the newer version of Outbox, or move ${this.filePath} away to start with no accounts.`
        : `Repair or restore ${this.filePath}, or move it away to start with no accounts. Outbox will not change it until then.`,
      detail: reason,
    });
  }

  private async persist(next: AccountProfile[]): Promise<void> {
    // A failure here resurfaces, mapped, from the write below.
    await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 }).catch(() => undefined);
    await writeFileDurable(this.filePath, serializeAccountsFile(next));
    this.accounts = next;
    // Our own write changes the stamp; re-reading once beats racing another writer for it.
    this.stamp = undefined;
  }

  private async restoreSecret(id: string, previous: string | null): Promise<void> {
    try {
      if (previous === null) await this.secrets.delete(id);
      else await this.secrets.set(id, previous);
    } catch (error) {
      named(this.logger, 'accounts').error(`could not restore the keychain entry of account ${id}: ${(error as Error).message}`);
    }
  }
}

function copy(profile: AccountProfile): AccountProfile {
  return structuredClone(profile);
}
