// What every benchmark shares: a throwaway data directory, an account pointed at the sink, an engine
// built exactly as the app builds it (real SMTP sender, real spool), and percentile helpers.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AccountProfile } from '../electron/shared/account';
import { createOutboxEngine } from '../electron/core/outbox';
import type { EngineAccounts } from '../electron/core/outbox/engine-api';
import type { Connectivity } from '../electron/core/ports';
import { SmtpSender } from '../electron/core/smtp/smtp-sender';

export function sinkAccount(port: number): AccountProfile {
  return {
    id: 'bench',
    name: 'Bench',
    email: 'bench@example.com',
    smtp: { host: '127.0.0.1', port, security: 'none', insecure: true, user: '', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: new Date().toISOString(),
  };
}

export function staticAccounts(account: AccountProfile): EngineAccounts {
  return {
    get: async (id) => (id === account.id ? account : undefined),
    pick: async () => account,
    setStatus: async () => {},
    credentials: async () => null,
  };
}

export function network(online: boolean): Connectivity & { set(v: boolean): void } {
  const listeners = new Set<(v: boolean) => void>();
  return {
    isOnline: () => online,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    set(v) {
      online = v;
      for (const l of listeners) l(v);
    },
  };
}

export async function tempDataDir(label: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), `outbox-bench-${label}-`));
}

export function makeBenchEngine(dataDir: string, port: number, online: boolean, autoSend = false) {
  const connectivity = network(online);
  const engine = createOutboxEngine({
    dataDir,
    accounts: staticAccounts(sinkAccount(port)),
    sender: new SmtpSender({ maxConnections: 5 }),
    connectivity,
    autoSend,
    ...(process.env.BENCH_CONCURRENCY ? { concurrencyPerAccount: Number(process.env.BENCH_CONCURRENCY) } : {}),
  });
  return { engine, connectivity };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/**
 * Called before every timed run, on both sides: what the set-up wrote (1,000 spool files and their syncs, the
 * previous run's journal) is written out and the kernel's follow-up work on it done, so that it does not land in
 * the next run's timing. Without it the engine's flush, which comes right after its queue was written, shared the
 * disk and the CPU with that work: the rest of the system spent 1,850-1,960 µs per message during the engine's
 * runs against 1,230-1,430 during the bare pool's (/proc/stat, TLS bench), mostly ext4's kworkers.
 */
export async function quietDisk(): Promise<void> {
  spawnSync('sync', { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 200));
}
