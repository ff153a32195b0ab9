// Builds what a command needs on top of core/: the data folder, the core services (core/services.ts),
// the reachability monitor and the outbox engine, created lazily and closed once at exit.
import { mkdirSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AccountProfile } from '../shared/account';
import { AppError, isAppError } from '../shared/errors';
import type { AccountStore } from '../core/accounts/account-store';
import type { ReachabilityMonitor } from '../core/connectivity/reachability';
import { mapFsError } from '../core/fs/fs-errors';
import type { OutboxEngine } from '../core/outbox/engine-api';
import type { Logger, SecretStore } from '../core/ports';
import { createLogging } from '../core/logging';
import { CoreServices } from '../core/services';
import type { CliIo } from './io';

export interface EngineMode {
  /** 'reader' only reads (nothing is created); 'producer' reads and drops messages; 'auto' sends when no other process holds the lock. */
  mode: 'auto' | 'producer' | 'reader';
  /** Whether the engine sends due messages and retries by itself, rather than only what it is told to. */
  autoSend: boolean;
  /** See EngineOptions.channelDelayMs. */
  channelDelayMs?: number;
}

const WHY_UNWRITABLE: Readonly<Record<string, string>> = {
  ENOTDIR: 'part of its path is a file',
  ENOENT: 'no folder can be made there',
  EROFS: 'the disk is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
};

/** How long `stop()` lets sends in flight finish before the process exits. */
const STOP_GRACE_MS = 30_000;

export class CliContext {
  readonly logger: Logger;
  /** The keychain, accounts, preferences and engine, built as the app builds them (core/services.ts). */
  private readonly services: CoreServices;
  private monitor: ReachabilityMonitor | undefined;
  private engine: OutboxEngine | undefined;
  private hosts: string[] = [];
  private dataDirReady: Promise<void> | undefined;

  constructor(
    readonly dataDir: string,
    readonly io: CliIo,
  ) {
    const logging = createLogging({ dataDir, file: 'cli', env: io.env, stderr: (line) => void io.stderr.write(line) });
    this.services = new CoreServices({ dataDir, logging, name: 'cli' });
    this.logger = this.services.logger;
  }

  /**
   * A data folder that is a file is a wrong setting (EX_CONFIG), said at once rather than read as "no accounts".
   * This and the folder checks below are a few calls on the folder each, made synchronously: through Node's thread
   * pool each cost a command a trip of about half a millisecond.
   */
  async checkDataDir(): Promise<void> {
    let stat;
    try {
      stat = statSync(this.dataDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code === 'ENOTDIR') {
        throw new AppError('SPOOL_UNWRITABLE', {
          message: `The data folder ${this.dataDir} cannot be created or written (part of its path is a file).`,
          next: 'Give another folder with --data-dir or OUTBOX_DATA_DIR.',
          cause: error,
        });
      }
      throw error;
    }
    if (!stat.isDirectory())
      throw new AppError('DATA_DIR_INVALID', { message: `The data folder ${this.dataDir} is a file, not a folder.` });
  }

  /** Creates the data folder if needed and proves it can be written: EX_CANTCREAT early, not mid-send. Once per run. */
  ensureDataDir(): Promise<void> {
    this.dataDirReady ??= this.makeDataDir();
    return this.dataDirReady;
  }

  private async makeDataDir(): Promise<void> {
    try {
      makeFolder(this.dataDir);
      // A folder made and removed, rather than access(W_OK): root passes that check even where no folder can
      // be made (/proc), and the spool's folders would then be made forever (see makeFolder).
      const probe = path.join(this.dataDir, `.probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
      mkdirSync(probe, { mode: 0o700 });
      rmdirSync(probe);
    } catch (error) {
      const mapped = mapFsError(error, this.dataDir);
      if (mapped.code === 'INTERNAL' && (error as NodeJS.ErrnoException).code !== 'ENOENT') throw mapped;
      if (mapped.code === 'DISK_FULL')
        throw new AppError('DISK_FULL', { message: `The disk holding ${this.dataDir} is full.`, cause: error });
      const why = WHY_UNWRITABLE[(error as NodeJS.ErrnoException).code ?? ''] ?? 'permission denied';
      throw new AppError(mapped.code === 'INTERNAL' ? 'SPOOL_UNWRITABLE' : mapped.code, {
        message: `The data folder ${this.dataDir} cannot be created or written (${why}).`,
        next: 'Check its permissions, or give another folder with --data-dir or OUTBOX_DATA_DIR.',
        cause: error,
      });
    }
  }

  secrets(): SecretStore {
    return this.services.secrets();
  }

  accounts(): AccountStore {
    return this.services.accounts();
  }

  /** Every account, or EX_CONFIG with a hint when there is none yet. */
  async requireAccounts(): Promise<AccountProfile[]> {
    const accounts = await this.accounts().list();
    if (accounts.length === 0) {
      throw new AppError('ACCOUNT_NOT_FOUND', {
        message: 'No account is set up to send from.',
        next: "Add one with 'outbox account add' (see 'outbox account --help').",
      });
    }
    return accounts;
  }

  /** An account named by id, address or name, as -a / --account take it. */
  async resolveAccount(wanted: string): Promise<AccountProfile> {
    const accounts = await this.accounts().list();
    const lower = wanted.trim().toLowerCase();
    const found =
      accounts.find((a) => a.id === wanted) ??
      accounts.find((a) => a.email.toLowerCase() === lower) ??
      accounts.find((a) => a.name.toLowerCase() === lower);
    if (!found) {
      throw new AppError('ACCOUNT_NOT_FOUND', {
        message: `There is no account "${wanted}".`,
        next:
          accounts.length === 0
            ? "No account is set up yet: add one with 'outbox account add' (see 'outbox account --help')."
            : "Run 'outbox account list' to see the accounts.",
      });
    }
    return found;
  }

  /** Whether the network (or a server on this computer) is there; made by openEngine, the only way to a send. */
  connectivity(): ReachabilityMonitor {
    if (!this.monitor) throw new AppError('INTERNAL', { detail: 'connectivity() before openEngine()' });
    return this.monitor;
  }

  async openEngine(options: EngineMode): Promise<OutboxEngine> {
    if (this.engine) return this.engine;
    // Reading needs no write access: a read-only data folder can still be inspected.
    if (options.mode !== 'reader') await this.ensureDataDir();
    // Loopback servers need no network; knowing the hosts lets the reachability check say so.
    this.hosts = (
      await this.accounts()
        .list()
        .catch(() => [])
    ).map((a) => a.smtp.host);
    // The app's preferences apply here too (this process may be the one sending). The engine loads only for the
    // commands that open the outbox; nodemailer and imapflow only when a message is sent or copied.
    // Loaded here: a queue-only send, account and detect commands never ask (node:net stays unloaded).
    const { ReachabilityMonitor } = await import('../core/connectivity/reachability');
    this.monitor ??= new ReachabilityMonitor({ env: this.io.env, hosts: () => this.hosts, intervalMs: 5_000 });
    const engine = await this.services.createEngine({
      connectivity: this.monitor,
      mode: options.mode,
      autoSend: options.autoSend,
      ...(options.channelDelayMs === undefined ? {} : { channelDelayMs: options.channelDelayMs }),
    });
    await engine.start();
    this.engine = engine;
    return engine;
  }

  async close(graceMs = STOP_GRACE_MS): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    try {
      await engine?.stop({ graceMs });
    } catch (error) {
      if (!isAppError(error)) this.logger.warn(`stopping the outbox failed: ${String(error)}`);
    }
    this.monitor?.stop();
  }
}

/**
 * mkdir -p, folder by folder. Node's own recursive mkdir never returns when a folder says ENOENT although its
 * parent exists (anything under /proc): it makes the parent and tries again forever. Here the second ENOENT is the answer.
 */
function makeFolder(dir: string): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw error;
    makeFolder(parent);
  }
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
