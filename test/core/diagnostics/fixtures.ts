// Shared setup for the connection-check tests: check options aimed at a loopback peer, short timeouts,
// silent and closed ports, and cleanup that frees every port even when a test fails.
import net from 'node:net';
import { afterEach } from 'vitest';
import type { SmtpCheckOptions } from '../../../electron/core/diagnostics/smtp-check';

export const USER = 'alice@example.test';
export const PASSWORD = 'correct-horse-battery-staple';

/** Every form the password could take on the wire: plain, base64, and the AUTH PLAIN blob. */
export const PASSWORD_FORMS = [
  PASSWORD,
  Buffer.from(PASSWORD).toString('base64'),
  Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'),
];

/** Stalls fail within a third of a second. */
export const FAST = { connect: 1_000, tls: 300, greeting: 300, command: 1_000 };

export type Cleanup = (close: () => Promise<void> | void) => void;

export function useCleanup(): Cleanup {
  const closers: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    let failure: unknown;
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure) throw failure;
  });
  return (close) => {
    closers.push(close);
  };
}

export function checkOptions(port: number, overrides: Partial<SmtpCheckOptions> = {}): SmtpCheckOptions {
  return {
    host: '127.0.0.1',
    port,
    security: 'starttls',
    insecure: false,
    user: USER,
    authMethod: 'auto',
    credentials: { kind: 'password', user: USER, password: PASSWORD },
    timeouts: FAST,
    ...overrides,
  };
}

/** A server that accepts connections and never sends a byte. */
export async function startSilentServer(cleanup: Cleanup): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A loopback port that was free a moment ago, with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
