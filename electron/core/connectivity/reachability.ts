// The `outbox` command's Connectivity: online when a non-internal network interface has a routable address,
// re-checked on a slow unref'd timer. Loopback servers always count as reachable; OUTBOX_OFFLINE=1 forces offline.
import net from 'node:net';
import os from 'node:os';
import type { Connectivity } from '../ports';

export type InterfaceTable = NodeJS.Dict<os.NetworkInterfaceInfo[]>;

export interface ReachabilityOptions {
  /** Read for OUTBOX_OFFLINE on every check (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The interface table (default: os.networkInterfaces). */
  interfaces?: () => InterfaceTable;
  /** The mail servers Outbox talks to: when every one is on loopback, no network is needed. */
  hosts?: () => readonly string[];
  /** How often listeners are told about changes (default 30 s). */
  intervalMs?: number;
}

/** True for OUTBOX_OFFLINE=1 (or true/yes): lets tests and users hold all sending. */
export function offlineForced(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.OUTBOX_OFFLINE?.trim().toLowerCase();
  return value === '1' || value === 'true' || value === 'yes';
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1 (bracketed or IPv4-mapped too). */
export function isLoopbackHost(host: string): boolean {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h.startsWith('::ffff:')) h = h.slice('::ffff:'.length);
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return new URL(`http://[${h}]/`).hostname === '[::1]';
  return false;
}

/** Link-local addresses exist on an unplugged interface too, so they say nothing about reaching a server. */
function isLinkLocal(info: os.NetworkInterfaceInfo): boolean {
  if (info.family === 'IPv4') return info.address.startsWith('169.254.');
  return /^fe[89ab]/i.test(info.address);
}

export function hasRoutableInterface(table: InterfaceTable): boolean {
  return Object.values(table).some((infos) => (infos ?? []).some((info) => !info.internal && !isLinkLocal(info)));
}

export class ReachabilityMonitor implements Connectivity {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly interfaces: () => InterfaceTable;
  private readonly hosts: () => readonly string[];
  private readonly intervalMs: number;
  private readonly listeners = new Set<(online: boolean) => void>();
  private timer: NodeJS.Timeout | undefined;
  private last: boolean | undefined;

  constructor(options: ReachabilityOptions = {}) {
    this.env = options.env ?? process.env;
    this.interfaces = options.interfaces ?? (() => os.networkInterfaces());
    this.hosts = options.hosts ?? (() => []);
    this.intervalMs = options.intervalMs ?? 30_000;
  }

  /** Whether one server can be reached: loopback always, others only with a routable interface. */
  isReachable(host: string): boolean {
    if (offlineForced(this.env)) return false;
    return isLoopbackHost(host) || this.networkUp();
  }

  isOnline(): boolean {
    const online = this.compute();
    this.record(online);
    return online;
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    if (this.last === undefined) this.last = this.compute();
    this.ensureTimer();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** Re-reads the interfaces now and tells listeners if the state changed. */
  check(): boolean {
    return this.isOnline();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private compute(): boolean {
    if (offlineForced(this.env)) return false;
    const hosts = this.hosts();
    if (hosts.length > 0 && hosts.every(isLoopbackHost)) return true;
    return this.networkUp();
  }

  private networkUp(): boolean {
    try {
      return hasRoutableInterface(this.interfaces());
    } catch {
      // Some sandboxes refuse the interface query; assume online rather than hold mail forever.
      return true;
    }
  }

  private record(online: boolean): void {
    const changed = this.last !== undefined && this.last !== online;
    this.last = online;
    if (!changed) return;
    for (const listener of this.listeners) listener(online);
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.check(), this.intervalMs);
    this.timer.unref();
  }
}
