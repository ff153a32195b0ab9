// Shared setup for the connection-check tests: check options aimed at a loopback peer, short timeouts,
// silent and closed ports, and cleanup that frees every port even when a test fails.
import net from 'node:net';
import type { SmtpCheckOptions } from '../../../electron/core/diagnostics/smtp-check';

// The same credentials and cleanup as the sender's tests: one place says what a password looks like on the wire.
import { PASSWORD, USER } from '../smtp/fixtures';

export { PASSWORD, PASSWORD_FORMS, USER, useCleanup } from '../smtp/fixtures';

/** Stalls fail within a third of a second. */
export const FAST = { connect: 1_000, tls: 300, greeting: 300, command: 1_000 };

export type Cleanup = (close: () => Promise<void> | void) => void;

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
