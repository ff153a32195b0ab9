// quota_flush_failed (issue 10): 600 queued messages flushed into a server whose daily quota (500) runs out
// mid-flush, answering as Gmail does; every message past the quota must wait for the window, none may fail.
// Also the loopback "provider" server the throttled bench shares: a quota, and a limit of connections at once.
import fs from 'node:fs/promises';
import net from 'node:net';
import type { SendingLimits } from '../electron/core/providers/sending-profiles';
import { createOutboxEngine } from '../electron/core/outbox';
import { SmtpSender } from '../electron/core/smtp/smtp-sender';
import { network, sinkAccount, staticAccounts, tempDataDir } from './fixtures';
import { serveSession } from './smtp-sink';

/** Gmail's reply once the daily sending limit is used, as its SMTP error reference gives it. */
export const GMAIL_DAILY_LIMIT =
  '550-5.4.5 Daily user sending limit exceeded. For more information on Gmail\r\n550-5.4.5 sending limits go to\r\n550 5.4.5  https://support.google.com/a/answer/166852 bench - gsmtp';
/** Microsoft's reply to a session past the three (here: `threadLimit`) a mailbox may have at once. */
export const MICROSOFT_THREAD_LIMIT = '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=bench.outlook.test]';

export interface ProviderSink {
  port: number;
  accepted(): number;
  refused(): number;
  stop(): Promise<void>;
}

/** A fast raw SMTP server that answers like a provider: `quota` messages in all, `threadLimit` sessions at once. */
export function startProviderSink(options: { quota?: number; threadLimit?: number }): Promise<ProviderSink> {
  let started = 0;
  let accepted = 0;
  let refused = 0;
  // Open sessions in the order they connected: a session is refused while `threadLimit` older ones are open.
  const open = new Set<net.Socket>();
  const rank = (socket: net.Socket): number => [...open].indexOf(socket);
  const server = net.createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    serveSession(socket, {
      name: 'provider.test',
      mail: () => {
        if (options.quota !== undefined && started >= options.quota) {
          refused++;
          return GMAIL_DAILY_LIMIT;
        }
        started++;
        return '250 2.1.0 OK';
      },
      message: (session) => {
        if (options.threadLimit !== undefined && rank(session) >= options.threadLimit) {
          refused++;
          return MICROSOFT_THREAD_LIMIT;
        }
        accepted++;
        return '250 2.0.0 OK queued';
      },
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        accepted: () => accepted,
        refused: () => refused,
        stop: () =>
          new Promise<void>((done) => {
            for (const socket of open) socket.destroy();
            server.close(() => done());
          }),
      }),
    ),
  );
}

export function benchLimits(overrides: Partial<SendingLimits>): SendingLimits {
  return {
    profileId: 'bench',
    name: 'Gmail',
    maxConnections: 5,
    messagesPerMinute: null,
    recipientsPerMessage: 100,
    messagesPerDay: null,
    recipientsPerDay: null,
    filesSentCopy: false,
    ...overrides,
  };
}

const COUNT = 600;
const QUOTA = 500;

export async function benchQuota(): Promise<{ failed: number; sent: number; waiting: number; refusals: number }> {
  const sink = await startProviderSink({ quota: QUOTA });
  const dir = await tempDataDir('quota');
  // The profile knows no daily limit here (an unknown plan): the server's own reply must stop the flush.
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts: staticAccounts(sinkAccount(sink.port)),
    sender: new SmtpSender({ maxConnections: 5 }),
    connectivity: network(true),
    autoSend: false,
    pacing: { limitsFor: () => benchLimits({}) },
  });
  try {
    await engine.start();
    for (let i = 0; i < COUNT; i++) await engine.enqueue({ to: ['someone@example.org'], subject: `quota ${i}`, text: `Message ${i}` });
    await engine.flush();
    await engine.idle();
    const list = await engine.list();
    const later = Date.now() + 60 * 60_000;
    return {
      failed: list.filter((m) => m.state === 'failed').length,
      sent: list.filter((m) => m.state === 'sent').length,
      waiting: list.filter((m) => m.state === 'queued' && m.nextAttemptAt !== undefined && Date.parse(m.nextAttemptAt) > later).length,
      refusals: sink.refused(),
    };
  } finally {
    await engine.stop({ graceMs: 1_000 });
    await sink.stop();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
