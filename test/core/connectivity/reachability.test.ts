// The CLI's reachability check: online with a routable interface, loopback servers always reachable,
// OUTBOX_OFFLINE=1 forcing offline, and changes reported by the re-check timer.
import type os from 'node:os';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  hasRoutableInterface,
  isLoopbackHost,
  offlineForced,
  ReachabilityMonitor,
  type InterfaceTable,
} from '../../../electron/core/connectivity/reachability';

function iface(address: string, internal = false): os.NetworkInterfaceInfo {
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  return {
    address,
    netmask: '',
    family,
    mac: '00:00:00:00:00:00',
    internal,
    cidr: null,
    ...(family === 'IPv6' ? { scopeid: 0 } : {}),
  } as os.NetworkInterfaceInfo;
}

const LOOPBACK_ONLY: InterfaceTable = { lo: [iface('127.0.0.1', true), iface('::1', true)] };
const WIRED: InterfaceTable = { ...LOOPBACK_ONLY, eth0: [iface('192.168.1.20')] };
const LINK_LOCAL_ONLY: InterfaceTable = { ...LOOPBACK_ONLY, eth0: [iface('169.254.3.4'), iface('fe80::1')] };

afterEach(() => vi.useRealTimers());

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'mail.localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])(
    'treats %s as loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['smtp.example.com', '10.0.0.1', '::2', 'localhost.example.com', '128.0.0.1'])('does not treat %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('hasRoutableInterface', () => {
  it('needs a non-internal interface with an address that is not link-local', () => {
    expect(hasRoutableInterface(WIRED)).toBe(true);
    expect(hasRoutableInterface(LOOPBACK_ONLY)).toBe(false);
    expect(hasRoutableInterface(LINK_LOCAL_ONLY)).toBe(false);
    expect(hasRoutableInterface({ wlan0: [iface('2001:db8::5')] })).toBe(true);
  });
});

describe('offlineForced', () => {
  it('reads OUTBOX_OFFLINE=1, true or yes', () => {
    expect(offlineForced({ OUTBOX_OFFLINE: '1' })).toBe(true);
    expect(offlineForced({ OUTBOX_OFFLINE: 'true' })).toBe(true);
    expect(offlineForced({ OUTBOX_OFFLINE: '0' })).toBe(false);
    expect(offlineForced({})).toBe(false);
  });
});

describe('ReachabilityMonitor', () => {
  it('is online with a routable interface and offline without one', () => {
    expect(new ReachabilityMonitor({ env: {}, interfaces: () => WIRED }).isOnline()).toBe(true);
    expect(new ReachabilityMonitor({ env: {}, interfaces: () => LOOPBACK_ONLY }).isOnline()).toBe(false);
  });

  it('counts as online without any network when every server is on loopback', () => {
    const monitor = new ReachabilityMonitor({ env: {}, interfaces: () => LOOPBACK_ONLY, hosts: () => ['127.0.0.1', 'localhost'] });
    expect(monitor.isOnline()).toBe(true);
    expect(monitor.isReachable('127.0.0.1')).toBe(true);
    expect(monitor.isReachable('smtp.example.com')).toBe(false);
  });

  it('needs the network as soon as one server is not on loopback', () => {
    const monitor = new ReachabilityMonitor({ env: {}, interfaces: () => LOOPBACK_ONLY, hosts: () => ['127.0.0.1', 'smtp.example.com'] });
    expect(monitor.isOnline()).toBe(false);
  });

  it('is offline whatever the interfaces say when OUTBOX_OFFLINE=1, loopback included', () => {
    const monitor = new ReachabilityMonitor({ env: { OUTBOX_OFFLINE: '1' }, interfaces: () => WIRED, hosts: () => ['127.0.0.1'] });
    expect(monitor.isOnline()).toBe(false);
    expect(monitor.isReachable('127.0.0.1')).toBe(false);
  });

  it('assumes online when the interface table cannot be read', () => {
    const monitor = new ReachabilityMonitor({
      env: {},
      interfaces: () => {
        throw new Error('EPERM');
      },
    });
    expect(monitor.isOnline()).toBe(true);
  });

  it('tells listeners when the network goes and comes back on its re-check timer', () => {
    vi.useFakeTimers();
    let table = WIRED;
    const monitor = new ReachabilityMonitor({ env: {}, interfaces: () => table, intervalMs: 1_000 });
    const seen: boolean[] = [];
    const off = monitor.onChange((online) => seen.push(online));
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([]);
    table = LOOPBACK_ONLY;
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([false]);
    vi.advanceTimersByTime(3_000);
    expect(seen).toEqual([false]);
    table = WIRED;
    vi.advanceTimersByTime(1_000);
    expect(seen).toEqual([false, true]);
    off();
    table = LOOPBACK_ONLY;
    vi.advanceTimersByTime(5_000);
    expect(seen).toEqual([false, true]);
  });

  it('does not keep the process alive with its timer', () => {
    const monitor = new ReachabilityMonitor({ env: {}, interfaces: () => WIRED, intervalMs: 1_000 });
    const off = monitor.onChange(() => {});
    const timer = (monitor as unknown as { timer: NodeJS.Timeout }).timer;
    expect(timer.hasRef()).toBe(false);
    off();
  });
});
