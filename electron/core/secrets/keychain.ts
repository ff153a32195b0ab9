// Account passwords in the OS keychain (Keychain, Credential Vault, Secret Service) through keytar.
// When no keychain answers we fail with KEYCHAIN_UNAVAILABLE; there is deliberately no plaintext fallback.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { AppError } from '../../shared/errors';
import { defaultDataDir } from '../paths/data-dir';
import { silentLogger, type Logger, type SecretStore } from '../ports';
import { named } from '../logging';

export type KeytarApi = Pick<typeof import('keytar'), 'getPassword' | 'setPassword' | 'deletePassword'>;

export interface KeychainSecretStoreOptions {
  /** Keychain service name; every account's secret is stored under it with the account id. */
  service?: string;
  logger?: Logger;
  /** How keytar is loaded; tests swap it to simulate a missing native module. */
  loadKeytar?: () => Promise<KeytarApi>;
}

export const KEYCHAIN_SERVICE = 'Outbox';

/**
 * The keychain service for a data folder: "Outbox" for the app's own folder, "Outbox <hash of the folder>" for any
 * other, so a second outbox (a --data-dir for a script, a test folder) never reads, overwrites or deletes the
 * secrets of the app's accounts that happen to have the same id.
 */
export function keychainServiceFor(
  dataDir: string,
  appDataDir: string = defaultDataDir(),
  platform: NodeJS.Platform = process.platform,
): string {
  const resolver = platform === 'win32' ? path.win32 : path.posix;
  // Windows and macOS file systems ignore case by default: so does the comparison.
  const norm = (dir: string): string => (platform === 'linux' ? resolver.resolve(dir) : resolver.resolve(dir).toLowerCase());
  if (norm(dataDir) === norm(appDataDir)) return KEYCHAIN_SERVICE;
  return `${KEYCHAIN_SERVICE} ${createHash('sha256').update(norm(dataDir)).digest('hex').slice(0, 12)}`;
}

// Loaded on first use so commands that never touch a password never load the native module.
async function importKeytar(): Promise<KeytarApi> {
  // The app and CLI bundles are CommonJS: require() resolves keytar beside them (asar included) and keeps
  // NODE_PATH working; import() is only for ESM hosts such as the test runner.
  if (typeof require === 'function') return require('keytar') as KeytarApi;
  const mod = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  return mod.default ?? mod;
}

export class KeychainSecretStore implements SecretStore {
  private readonly service: string;
  private readonly logger: Logger;
  private readonly loadKeytar: () => Promise<KeytarApi>;
  private keytar: KeytarApi | undefined;

  constructor(options: KeychainSecretStoreOptions = {}) {
    this.service = options.service ?? KEYCHAIN_SERVICE;
    this.logger = options.logger ?? silentLogger;
    this.loadKeytar = options.loadKeytar ?? importKeytar;
  }

  async get(accountId: string): Promise<string | null> {
    return this.call('read', accountId, (k) => k.getPassword(this.service, accountId));
  }

  async set(accountId: string, secret: string): Promise<void> {
    if (typeof secret !== 'string' || secret.length === 0) {
      throw new AppError('VALIDATION', { message: 'The password is empty.', next: 'Enter the password and try again.' });
    }
    await this.call('store', accountId, (k) => k.setPassword(this.service, accountId, secret));
  }

  async delete(accountId: string): Promise<boolean> {
    return this.call('delete', accountId, (k) => k.deletePassword(this.service, accountId));
  }

  private async call<T>(operation: string, accountId: string, fn: (keytar: KeytarApi) => Promise<T>): Promise<T> {
    if (accountId.length === 0) throw new Error('KeychainSecretStore: empty account id');
    try {
      this.keytar ??= await this.loadKeytar();
      return await fn(this.keytar);
    } catch (error) {
      // Whatever libsecret, D-Bus or the module loader said; the secret itself is never part of it.
      const detail = error instanceof Error ? error.message : String(error);
      named(this.logger, 'keychain').warn(`could not ${operation} the password of account ${accountId}: ${detail}`);
      throw new AppError('KEYCHAIN_UNAVAILABLE', { detail, cause: error });
    }
  }
}
