// Test doubles for the engine's narrow ports: accounts in memory, a switchable network, a manual clock,
// and a scripted sender. Real SMTP peers are used in the integration tests; these make time and faults exact.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { AccountProfile } from '../../../electron/shared/account';
import type { Clock, Connectivity, MessageSender, SendRequest, SendResult } from '../../../electron/core/ports';
import type { EngineAccounts } from '../../../electron/core/outbox/engine-api';
import { createOutboxEngine } from '../../../electron/core/outbox';

export function account(id = 'acct', overrides: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id,
    name: 'Ann Example',
    email: `ann@${id}.example.com`,
    smtp: { host: '127.0.0.1', port: 2525, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: new Date(0).toISOString(),
    ...overrides,
  };
}

export class MemoryAccounts implements EngineAccounts {
  readonly accounts = new Map<string, AccountProfile>();
  constructor(...list: AccountProfile[]) {
    for (const a of list) this.accounts.set(a.id, a);
  }
  async get(id: string) {
    return this.accounts.get(id);
  }
  async pick(o: { accountId?: string; from?: string }) {
    if (o.accountId) return this.accounts.get(o.accountId);
    const byFrom = [...this.accounts.values()].find((a) => o.from && a.email === o.from);
    return byFrom ?? this.accounts.values().next().value;
  }
  async setStatus(id: string, status: 'ok' | 'needs-attention', reason?: string) {
    const a = this.accounts.get(id);
    if (a) this.accounts.set(id, { ...a, status, ...(reason ? { statusReason: reason } : {}) });
  }
  async credentials() {
    return { kind: 'password' as const, user: 'ann', password: 'pw' };
  }
}

export class FakeNetwork implements Connectivity {
  private listeners = new Set<(online: boolean) => void>();
  constructor(public online = true) {}
  isOnline() {
    return this.online;
  }
  onChange(l: (online: boolean) => void) {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  set(online: boolean) {
    this.online = online;
    for (const l of this.listeners) l(online);
  }
}

export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  constructor(public time = Date.parse('2026-11-27T10:00:00Z')) {}
  now() {
    return this.time;
  }
  setTimer(fn: () => void, ms: number) {
    const t = { at: this.time + ms, fn, cancelled: false };
    this.timers.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
  /** Moves time forward, firing timers that fall due. */
  advance(ms: number) {
    this.time += ms;
    for (const t of this.timers.splice(0)) {
      if (t.cancelled) continue;
      if (t.at <= this.time) t.fn();
      else this.timers.push(t);
    }
  }
  nextTimerIn(): number | null {
    const live = this.timers.filter((t) => !t.cancelled);
    return live.length ? Math.min(...live.map((t) => t.at)) - this.time : null;
  }
}

export type Script = (request: SendRequest, bytes: Buffer) => SendResult | Promise<SendResult>;

/** Reads the whole message like a server would, then answers as the script says. */
export class ScriptedSender implements MessageSender {
  readonly received: { envelope: SendRequest['envelope']; bytes: Buffer; accountId: string }[] = [];
  resets: (string | undefined)[] = [];
  constructor(public script: Script = () => ({ outcome: 'sent', reply: '250 2.0.0 Ok', transcript: ['S: 250 2.0.0 Ok'] })) {}
  async send(request: SendRequest): Promise<SendResult> {
    const chunks: Buffer[] = [];
    for await (const c of request.openMessage() as Readable) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    this.received.push({ envelope: request.envelope, bytes, accountId: request.account.id });
    return this.script(request, bytes);
  }
  reset(id?: string) {
    this.resets.push(id);
  }
  async close() {}
}

export async function tempDir(prefix = 'outbox-test-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export function makeEngine(
  dataDir: string,
  parts: {
    accounts?: EngineAccounts;
    sender?: ScriptedSender;
    network?: FakeNetwork;
    clock?: Clock;
    autoSend?: boolean;
    lifetimeMs?: number | (() => number);
    channelDelayMs?: number;
  } = {},
) {
  const accounts = parts.accounts ?? new MemoryAccounts(account());
  const sender = parts.sender ?? new ScriptedSender();
  const network = parts.network ?? new FakeNetwork();
  const engine = createOutboxEngine({
    dataDir,
    accounts,
    sender,
    connectivity: network,
    ...(parts.clock ? { clock: parts.clock } : {}),
    ...(parts.autoSend !== undefined ? { autoSend: parts.autoSend } : {}),
    ...(parts.lifetimeMs !== undefined ? { lifetimeMs: parts.lifetimeMs } : {}),
    ...(parts.channelDelayMs !== undefined ? { channelDelayMs: parts.channelDelayMs } : {}),
  });
  return { engine, accounts, sender, network };
}

export function stream(text: string): Readable {
  return Readable.from([Buffer.from(text)]);
}
