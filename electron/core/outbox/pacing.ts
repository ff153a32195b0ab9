// Paces each account by its provider's profile: no more connections than allowed, a steady rate, and a
// rolling 24-hour count of messages and recipients (rebuilt after a restart from the sent records the
// journal keeps). A used-up allowance or a provider's "wait" pauses the account: its messages wait, never fail.
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { PacingStatus, RecipientStatus, Throttle } from '../../shared/message';
import { silentLogger, type Clock, type Logger, type MessageSender, type SendRequest, type SendResult } from '../ports';
import type { SendingLimits } from '../providers/sending-profiles';
import { waitFor } from '../smtp/provider-replies';
import type { MessageRecord } from './record';
import { atText } from '../../shared/pacing-text';

export const DAY_MS = 24 * 3_600_000;
/** How long a lowered connection count holds before the profile's comes back. */
export const FEWER_CONNECTIONS_MS = 15 * 60_000;

interface Sent {
  at: number;
  recipients: number;
}

interface AccountPace {
  /** Sends accepted in the last 24 hours, oldest first. */
  window: Sent[];
  /** The recipients of `window`, kept up to date as it changes: summing it at every send made a flush quadratic. */
  recipients: number;
  /** Connections after the provider asked for fewer, until `reducedUntil`. */
  reduced: number | null;
  reducedUntil: number;
  /** No send before this (a daily limit, a "slow down", too many sign-ins). */
  pausedUntil: number;
  pauseKind: PacingStatus['kind'] | null;
  /** The earliest start of the next send, for the per-minute rate. */
  nextStart: number;
  /** Bumped when the connection count changes: the old pool is retired and what waited in it comes back. */
  generation: number;
  status: PacingStatus | null;
}

export interface PacingDeps {
  clock: Clock;
  /** The engine's records: sent ones in the last 24 hours seed the count after a restart. */
  records(): Iterable<MessageRecord>;
  /** A promise while the provider profiles are still loading (the engine loads them at the first send). */
  limitsFor(account: AccountProfile): SendingLimits | Promise<SendingLimits>;
  /** The account's pacing changed (paused, fewer connections, back to normal): people see it. */
  onStatus?(accountId: string, status: PacingStatus | null): void;
  logger?: Logger;
}

function recipientsIn(request: SendRequest): number {
  return Math.max(1, request.envelope.to.length);
}

function delivered(result: SendResult, request: SendRequest): number {
  if (result.recipients) return result.recipients.filter((r) => r.accepted).length;
  return recipientsIn(request);
}

export class Pacing {
  private readonly paces = new Map<string, AccountPace>();
  private readonly logger: Logger;

  constructor(private readonly deps: PacingDeps) {
    this.logger = deps.logger ?? silentLogger;
  }

  /** The account's pacing as people should see it, or null when it sends normally. */
  statusOf(accountId: string): PacingStatus | null {
    return this.paces.get(accountId)?.status ?? null;
  }

  /** Messages and recipients counted in the rolling 24 hours. */
  usage(accountId: string): { messages: number; recipients: number } {
    const pace = this.pace(accountId);
    this.prune(pace, this.deps.clock.now());
    return { messages: pace.window.length, recipients: pace.recipients };
  }

  /** A sender that paces every account through this object. */
  wrap(inner: MessageSender): MessageSender {
    return {
      send: (request) => this.send(inner, request),
      reset: (accountId) => inner.reset(accountId),
      close: () => inner.close(),
    };
  }

  private pace(accountId: string): AccountPace {
    let pace = this.paces.get(accountId);
    if (pace) return pace;
    pace = {
      window: [],
      recipients: 0,
      reduced: null,
      reducedUntil: 0,
      pausedUntil: 0,
      pauseKind: null,
      nextStart: 0,
      generation: 0,
      status: null,
    };
    // After a restart the count comes back from the journal's sent records of the last 24 hours.
    const since = this.deps.clock.now() - DAY_MS;
    for (const record of this.deps.records()) {
      if (record.accountId !== accountId || !record.sentAt) continue;
      const at = Date.parse(record.sentAt);
      if (!(at > since)) continue;
      const recipients = record.recipients ? record.recipients.filter((r) => r.state === 'delivered').length : record.envelope.to.length;
      const counted = Math.max(1, recipients);
      pace.window.push({ at, recipients: counted });
      pace.recipients += counted;
    }
    pace.window.sort((a, b) => a.at - b.at);
    this.paces.set(accountId, pace);
    return pace;
  }

  private prune(pace: AccountPace, now: number): void {
    let drop = 0;
    while (drop < pace.window.length && pace.window[drop]!.at <= now - DAY_MS) pace.recipients -= pace.window[drop++]!.recipients;
    if (drop > 0) pace.window.splice(0, drop);
  }

  /** When the rolling window has room for one more message of `recipients`, or now when it has. */
  private roomAt(pace: AccountPace, limits: SendingLimits, recipients: number, now: number): number {
    let at = now;
    const { messagesPerDay, recipientsPerDay } = limits;
    if (messagesPerDay !== null && pace.window.length + 1 > messagesPerDay) {
      // The send that must leave the window before one more fits.
      at = Math.max(at, pace.window[pace.window.length - messagesPerDay]!.at + DAY_MS);
    }
    if (recipientsPerDay !== null && recipients <= recipientsPerDay) {
      let total = pace.recipients;
      for (const sent of pace.window) {
        if (total + recipients <= recipientsPerDay) break;
        total -= sent.recipients;
        at = Math.max(at, sent.at + DAY_MS);
      }
    }
    return at;
  }

  private setStatus(accountId: string, pace: AccountPace, status: PacingStatus | null): void {
    const same = JSON.stringify(pace.status) === JSON.stringify(status);
    pace.status = status;
    if (!same) this.deps.onStatus?.(accountId, status);
  }

  private connections(pace: AccountPace, limits: SendingLimits, now: number, accountId: string): number {
    if (pace.reduced !== null && now >= pace.reducedUntil) {
      pace.reduced = null;
      pace.generation++;
      if (pace.status?.kind === 'fewer-connections') this.setStatus(accountId, pace, null);
    }
    return pace.reduced === null ? limits.maxConnections : Math.min(pace.reduced, limits.maxConnections);
  }

  private async send(inner: MessageSender, request: SendRequest): Promise<SendResult> {
    const { account } = request;
    const found = this.deps.limitsFor(account);
    const limits = found instanceof Promise ? await found : found;
    const pace = this.pace(account.id);
    let now = this.deps.clock.now();
    this.prune(pace, now);

    if (pace.pausedUntil > now) return this.waiting(limits, pace.pausedUntil, pace.pauseKind ?? 'slow-down');
    if (pace.pauseKind === 'daily-limit' || pace.pauseKind === 'slow-down' || pace.pauseKind === 'stop-signing-in') {
      pace.pauseKind = null;
      this.setStatus(account.id, pace, null);
    }
    const recipients = recipientsIn(request);
    const room = this.roomAt(pace, limits, recipients, now);
    if (room > now) {
      pace.pausedUntil = room;
      pace.pauseKind = 'daily-limit';
      this.setStatus(account.id, pace, {
        accountId: account.id,
        kind: 'daily-limit',
        provider: limits.name,
        until: new Date(room).toISOString(),
      });
      this.logger.info(`[pacing] ${account.id}: ${limits.name} daily limit reached; paused until ${new Date(room).toISOString()}`);
      return this.waiting(limits, room, 'daily-limit');
    }
    // Counted before the send, so sends in flight together cannot overshoot the allowance.
    const slot: Sent = { at: now, recipients };
    pace.window.push(slot);
    pace.recipients += recipients;

    if (limits.messagesPerMinute !== null) {
      const interval = 60_000 / limits.messagesPerMinute;
      const start = Math.max(now, pace.nextStart);
      pace.nextStart = start + interval;
      if (start > now) await new Promise<void>((resolve) => this.deps.clock.setTimer(resolve, start - now));
    }
    const maxConnections = this.connections(pace, limits, this.deps.clock.now(), account.id);
    const generation = pace.generation;
    const result = await inner.send(pacedRequest(request, maxConnections, limits.recipientsPerMessage));
    now = this.deps.clock.now();
    if (result.outcome === 'temporary' && !result.throttle && generation !== pace.generation && result.error?.code === 'NETWORK_DROPPED') {
      // Its pool was retired for a smaller one before it went out: not a failure, it goes again in a moment.
      result.throttle = {
        action: 'fewer-connections',
        provider: limits.name,
        until: new Date(Math.max(now, pace.pausedUntil)).toISOString(),
        rule: 'profile',
      };
    }
    if (result.outcome === 'sent' || result.outcome === 'partial') {
      slot.at = now;
      const counted = Math.max(1, delivered(result, request));
      pace.recipients += counted - slot.recipients;
      slot.recipients = counted;
      return result;
    }
    // Not accepted: it does not count against the allowance.
    const index = pace.window.indexOf(slot);
    if (index >= 0) {
      pace.window.splice(index, 1);
      pace.recipients -= slot.recipients;
    }
    if (result.throttle) this.observe(account.id, pace, limits, result.throttle, now, generation);
    return result;
  }

  /** A provider's reply asked to wait: the account waits with it, and the message learns until when. */
  private observe(accountId: string, pace: AccountPace, limits: SendingLimits, throttle: Throttle, now: number, generation: number): void {
    switch (throttle.action) {
      case 'pause-until': {
        // The provider counts more than Outbox saw (mail sent elsewhere): the window frees up as its oldest send ages out.
        const until = pace.window.length > 0 ? Math.max(now + 60_000, pace.window[0]!.at + DAY_MS) : now + DAY_MS;
        pace.pausedUntil = Math.max(pace.pausedUntil, until);
        pace.pauseKind = 'daily-limit';
        throttle.until = new Date(pace.pausedUntil).toISOString();
        this.setStatus(accountId, pace, {
          accountId,
          kind: 'daily-limit',
          provider: throttle.provider ?? limits.name,
          until: throttle.until,
        });
        return;
      }
      case 'fewer-connections': {
        if (generation !== pace.generation) {
          // Refused on a pool already replaced by a smaller one: that one answers the request; go again at once.
          throttle.until = new Date(now).toISOString();
          return;
        }
        const current = pace.reduced ?? limits.maxConnections;
        pace.reduced = Math.max(1, current - 1);
        const fewer = pace.reduced !== current;
        if (fewer) pace.generation++;
        pace.reducedUntil = now + FEWER_CONNECTIONS_MS;
        // One connection fewer is the remedy: the message goes again at once, over the smaller pool. Already at one
        // (another device holds the others), it waits a moment.
        throttle.until = new Date(fewer ? now : now + waitFor(throttle)).toISOString();
        this.setStatus(accountId, pace, {
          accountId,
          kind: 'fewer-connections',
          provider: throttle.provider ?? limits.name,
          connections: pace.reduced,
        });
        this.logger.info(`[pacing] ${accountId}: ${throttle.provider ?? limits.name} asks for fewer connections; now ${pace.reduced}`);
        return;
      }
      case 'slow-down':
      case 'stop-signing-in': {
        const until = now + waitFor(throttle);
        pace.pausedUntil = Math.max(pace.pausedUntil, until);
        pace.pauseKind = throttle.action;
        // After too many sign-ins, one connection (one sign-in) carries the rest.
        if (throttle.action === 'stop-signing-in') {
          if (pace.reduced !== 1) pace.generation++;
          pace.reduced = 1;
          pace.reducedUntil = now + FEWER_CONNECTIONS_MS;
        }
        throttle.until = new Date(pace.pausedUntil).toISOString();
        this.setStatus(accountId, pace, {
          accountId,
          kind: throttle.action,
          provider: throttle.provider ?? limits.name,
          until: throttle.until,
        });
        return;
      }
      default:
        return;
    }
  }

  /** The answer for a message that must wait without a try: it stays queued until `until`. */
  private waiting(limits: SendingLimits, until: number, kind: PacingStatus['kind']): SendResult {
    const when = new Date(until).toISOString();
    const daily = kind === 'daily-limit';
    // Stored with the message and read later: an absolute local time, not "tomorrow" or a UTC stamp.
    const at = atText(new Date(until));
    const error = new AppError(daily ? 'SMTP_DAILY_LIMIT' : 'SMTP_THROTTLED', {
      message: daily
        ? `${limits.name}'s daily limit reached: this message leaves after ${at}.`
        : `${limits.name} asked Outbox to wait: this message leaves after ${at}.`,
    }).toInfo();
    return {
      outcome: 'temporary',
      error,
      transcript: [`* Not sent yet: ${error.message}`],
      throttle: {
        action: daily ? 'pause-until' : kind === 'fewer-connections' ? 'slow-down' : kind,
        provider: limits.name,
        until: when,
        rule: 'profile',
      },
    };
  }
}

/**
 * The provider (or the pacing) asked this message to wait: it goes again at `until`, the lifetime clock does
 * not run meanwhile, and a wait is not a failure (no longer backoff for its recipients). Returns the time.
 */
export function providerWait(record: MessageRecord, throttle: Throttle, now: number, deferred: readonly RecipientStatus[]): string {
  const until = throttle.until ? Date.parse(throttle.until) : now + waitFor(throttle);
  const at = new Date(Math.max(until, now)).toISOString();
  if (record.firstAttemptAt) record.firstAttemptAt = new Date(Date.parse(record.firstAttemptAt) + Math.max(0, until - now)).toISOString();
  for (const r of deferred) {
    r.nextAttemptAt = at;
    r.deferrals = Math.max(0, (r.deferrals ?? 1) - 1);
  }
  return at;
}

/**
 * The request with the pacing's figures, written out field by field. Not `{ ...request, … }`: in V8 (Node 20) a
 * spread copy with fields of its own gets a map of its own, so every read of it down the send path becomes a slow
 * lookup (measured: ~7 per message). Every key is required here, so a new field of SendRequest fails to compile
 * until it is copied too.
 */
function pacedRequest(request: SendRequest, maxConnections: number, recipientsPerMessage: number): SendRequest {
  const paced: { [K in keyof Required<SendRequest>]: SendRequest[K] } = {
    account: request.account,
    credentials: request.credentials,
    envelope: request.envelope,
    openMessage: request.openMessage,
    size: request.size,
    onProgress: request.onProgress,
    maxConnections,
    recipientsPerMessage,
  };
  return paced;
}
