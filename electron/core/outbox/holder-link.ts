// The link to the process that holds the sender lock: taking the lock (now, or later by polling while the
// holder lives), becoming the holder once, serving other processes' commands over the sender channel while
// holding it, and asking the holder to carry out a command when this process is not it.
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import type { Logger } from '../ports';
import type { EngineOptions, EngineRole } from './engine-api';
import { ChannelServer, channelAddress, sendRequest, type RequestHandlers, type SpoolRequest, type SpoolResponse } from './sender-channel';
import { SenderLock } from './sender-lock';
import { named } from '../logging';

/** How often a process that may send checks whether the holder has gone. */
const LOCK_POLL_MS = 3_000;

export interface HolderLinkDeps {
  /** The spool folder: the lock and the channel's address live there. */
  root: string;
  mode: EngineOptions['mode'];
  autoSend: boolean;
  /** See EngineOptions.channelDelayMs. */
  channelDelayMs?: number | undefined;
  logger: Logger;
  /** Whether this process holds the journal now (the store says). */
  holding(): boolean;
  /** Takes over as the holder: opens the journal, recovers the spool. */
  become(): Promise<void>;
  /**
   * The holder is there for other processes (its channel opens now): watch for their drops, and take in those made
   * since it took over when this comes `late` (after EngineOptions.channelDelayMs).
   */
  reachable(late: boolean): void;
  /** What other processes' requests are answered with, once this process holds the lock. */
  handlers(): RequestHandlers;
  /** The channel listens: sending may start. */
  serving(): void;
  /** Another process took the lock: stop sending and holding. */
  lost(): void;
}

export class HolderLink {
  private readonly lock: SenderLock;
  private lockPoll: NodeJS.Timeout | null = null;
  private becoming: Promise<void> | null = null;
  /** Where other processes reach this one while it holds the sender lock. */
  private channel: ChannelServer | null = null;
  private channelTimer: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(private readonly deps: HolderLinkDeps) {
    this.lock = new SenderLock(deps.root, () => this.lostLock());
  }

  get role(): EngineRole {
    return this.deps.holding() ? 'sender' : 'producer';
  }

  /** Becomes the holder if the lock is free; otherwise, when this process may send, watches for it to come free. */
  async start(): Promise<void> {
    if (this.deps.mode !== 'producer' && (await this.lock.tryAcquire())) await this.ensureSender();
    else if (this.deps.mode !== 'producer' && this.deps.autoSend) this.pollLock();
  }

  private pollLock(): void {
    this.lockPoll = setInterval(() => {
      void this.lock.tryAcquire().then(async (got) => {
        if (!got || this.role === 'sender' || this.stopping) return;
        if (this.lockPoll) clearInterval(this.lockPoll);
        this.lockPoll = null;
        await this.ensureSender();
      });
    }, LOCK_POLL_MS);
    this.lockPoll.unref?.();
  }

  /** Becomes the sender once, however many paths (the lock poll, a request nobody answered) get there. */
  private ensureSender(): Promise<void> {
    if (this.becoming) return this.becoming;
    if (this.role === 'sender') return Promise.resolve();
    this.becoming = this.becomeSender().finally(() => (this.becoming = null));
    return this.becoming;
  }

  private async becomeSender(): Promise<void> {
    await this.deps.become();
    const delay = this.deps.channelDelayMs ?? 0;
    if (delay <= 0) {
      await this.openChannel(false);
    } else {
      this.channelTimer = setTimeout(() => {
        this.channelTimer = null;
        this.openChannel(true).catch((error: unknown) =>
          named(this.deps.logger, 'outbox').warn(`other processes cannot reach this one: ${(error as Error).message}`),
        );
      }, delay);
      // Never what keeps a process alive.
      this.channelTimer.unref?.();
    }
    this.deps.serving();
  }

  private async openChannel(late: boolean): Promise<void> {
    if (this.stopping || this.channel || this.role !== 'sender') return;
    this.deps.reachable(late);
    const channel = new ChannelServer(channelAddress(this.deps.root), this.deps.handlers());
    this.channel = channel;
    await channel.listen();
  }

  /** Stops watching for the lock and serving other processes (the lock itself is released last: release()). */
  async close(): Promise<void> {
    this.stopping = true;
    if (this.lockPoll) clearInterval(this.lockPoll);
    this.clearChannelTimer();
    await this.channel?.close();
  }

  private clearChannelTimer(): void {
    if (this.channelTimer) clearTimeout(this.channelTimer);
    this.channelTimer = null;
  }

  release(): Promise<void> {
    return this.lock.release();
  }

  private lostLock(): void {
    named(this.deps.logger, 'outbox').warn('another process took the sender lock; this one stops sending');
    this.deps.lost();
    this.clearChannelTimer();
    // Closed for good: becoming the holder again opens a new one.
    const channel = this.channel;
    this.channel = null;
    void channel?.close();
  }

  // ---- commands: the holder applies them; others ask the holder ---------------------------------

  async viaHolder(request: SpoolRequest, local: () => Promise<OutboxMessage | undefined>): Promise<OutboxMessage | undefined> {
    if (this.role === 'sender') return local();
    const response = await this.askHolder(request);
    if (response === null) {
      // The holder went away: take over and do it here.
      if ((this.deps.mode ?? 'auto') === 'auto' && (await this.lock.tryAcquire())) {
        await this.ensureSender();
        return local();
      }
      throw new AppError('LOCK_HELD', {
        message: 'Another Outbox process holds the outbox but did not answer.',
        next: 'Try again in a moment.',
      });
    }
    if (!response.ok) throw new AppError(response.error.code, response.error);
    return response.message;
  }

  /** Asks the holder over its channel; null once no live process holds the lock (it may be taken over). */
  private async askHolder(request: SpoolRequest): Promise<SpoolResponse | null> {
    const address = channelAddress(this.deps.root);
    // A holder that has just taken the lock may not listen yet: give it a few seconds while it is alive.
    for (let tries = 0; tries < 50; tries++) {
      const response = await sendRequest(address, request);
      if (response !== null) return response;
      if ((await this.lock.holder()) === null) return null;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return null;
  }
}
