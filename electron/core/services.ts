// The core services both composition roots build (the app's main process, the `outbox` command): the keychain,
// the accounts with their OAuth tokens, the preferences and the outbox engine with its SMTP sender and Sent-copy writer.
// Each is made on first use; the engine, SMTP, IMAP and OAuth load only then, so a queue-only send loads none of them.
import { BUILT_SCHEMA_ID } from './accounts/accounts-checked';
import { AccountStore } from './accounts/account-store';
import { redactingSecrets, type Logging } from './logging';
import { LazySmtpSender, lazyOAuthTokens, lazySentCopyWriter } from './lazy-ports';
import { createEngineAccounts } from './outbox/account-adapter';
import type { EngineOptions, OutboxEngine } from './outbox/engine-api';
import type { Connectivity, Logger, SecretStore } from './ports';
import { PreferencesStore } from './preferences/preferences-store';
import { KeychainSecretStore, keychainServiceFor } from './secrets/keychain';

export interface CoreServicesOptions {
  dataDir: string;
  /** The process's log: the services log under `name`, and no secret the keychain hands out ever reaches it. */
  logging: Pick<Logging, 'createLogger' | 'redactor'>;
  /** 'app' in the main process, 'cli' in the command. */
  name: string;
  /** The store under the redaction: the OS keychain unless given (tests). */
  keychain?: SecretStore;
}

/** What differs between the processes that run an engine. */
export interface EngineChoice {
  /** Electron's net.isOnline() in the app, the interfaces and account hosts in the command. */
  connectivity: Connectivity;
  /** 'auto' (default) sends when no other process holds the sender lock; see EngineOptions. */
  mode?: EngineOptions['mode'];
  /** Whether it sends due messages by itself (the app) or only what it is told to (the command). */
  autoSend?: boolean;
  /** See EngineOptions.channelDelayMs. */
  channelDelayMs?: number;
}

export class CoreServices {
  readonly dataDir: string;
  readonly logger: Logger;
  private readonly options: CoreServicesOptions;
  private keychain: SecretStore | undefined;
  private store: AccountStore | undefined;
  private prefs: Promise<PreferencesStore> | undefined;

  constructor(options: CoreServicesOptions) {
    this.options = options;
    this.dataDir = options.dataDir;
    this.logger = options.logging.createLogger(options.name);
  }

  /** Passwords and tokens in the keychain; each one read or stored is known to the log, which then never writes it. */
  secrets(): SecretStore {
    this.keychain ??= redactingSecrets(
      this.options.keychain ?? new KeychainSecretStore({ logger: this.logger, service: keychainServiceFor(this.dataDir) }),
      this.options.logging.redactor,
    );
    return this.keychain;
  }

  /** accounts.json with the keychain's passwords, and OAuth access tokens for OAuth2 accounts. */
  accounts(): AccountStore {
    this.store ??= new AccountStore({
      dataDir: this.dataDir,
      secrets: this.secrets(),
      logger: this.logger,
      oauthTokens: lazyOAuthTokens(this.secrets(), this.logger),
      checkedSchemaId: BUILT_SCHEMA_ID,
    });
    return this.store;
  }

  /** preferences.json, read once: the app and the command follow the same settings. */
  preferences(): Promise<PreferencesStore> {
    this.prefs ??= (async () => {
      const store = new PreferencesStore(this.dataDir, this.logger);
      await store.load();
      return store;
    })();
    return this.prefs;
  }

  /** The outbox engine over these services, not started yet (one per process: it takes the sender lock on start). */
  async createEngine(choice: EngineChoice): Promise<OutboxEngine> {
    // Loaded here, not above: commands that never open the outbox never load the engine. Its code loads while
    // the preferences file is read.
    const [preferences, { createOutboxEngine }] = await Promise.all([this.preferences(), import('./outbox/index')]);
    return createOutboxEngine({
      dataDir: this.dataDir,
      accounts: createEngineAccounts(this.accounts()),
      sender: new LazySmtpSender(this.logger),
      connectivity: choice.connectivity,
      logger: this.logger,
      sentCopy: lazySentCopyWriter(this.accounts(), this.secrets(), this.logger),
      // Only after a crash caught a message mid-send: is it already in the Sent folder its provider files (Gmail, Microsoft 365)?
      sentSearch: async (account, messageId) => {
        const [{ createSentSearch }, { createImapCredentials }] = await Promise.all([
          import('./imap/sent-search'),
          import('./imap/imap-credentials'),
        ]);
        const accounts = this.accounts();
        const credentials = createImapCredentials({ accountCredentials: (id) => accounts.credentials(id), secrets: this.secrets() });
        return createSentSearch({ credentials, logger: this.logger })(account, messageId);
      },
      // Read at every attempt, so a change in Settings applies to mail already waiting.
      lifetimeMs: () => preferences.retryLifetimeMs(),
      ...(choice.mode ? { mode: choice.mode } : {}),
      ...(choice.autoSend === undefined ? {} : { autoSend: choice.autoSend }),
      ...(choice.channelDelayMs === undefined ? {} : { channelDelayMs: choice.channelDelayMs }),
    });
  }
}
