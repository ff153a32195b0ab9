// flush_tls_ratio: 1,000 queued 2 KB messages flushed by the engine to a real submission server (STARTTLS
// required, AUTH PLAIN), against a bare nodemailer pool (5 connections, no per-connection limit, the same
// certificate checks and login) sending the same bytes to the same server in the same run. Messages per second.
import fs from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { AccountProfile } from '../electron/shared/account';
import { createOutboxEngine } from '../electron/core/outbox';
import { SmtpSender } from '../electron/core/smtp/smtp-sender';
import { median, network, quietDisk, tempDataDir } from './fixtures';
import type { SubmissionPeer } from './submission-peer';

const COUNT = 1000;
const WARMUP = 1;
const ROUNDS = 5;

function twoKilobytes(i: number): string {
  return `Message ${i}\n${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(34)}`.slice(0, 2000);
}

function submissionAccount(peer: SubmissionPeer): AccountProfile {
  return {
    id: 'bench-tls',
    name: 'Bench',
    email: peer.user,
    smtp: { host: peer.host, port: peer.port, security: 'starttls', insecure: false, user: peer.user, authMethod: 'PLAIN' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: new Date().toISOString(),
  };
}

async function bareNodemailer(peer: SubmissionPeer, raw: Buffer[]): Promise<number> {
  const transport = nodemailer.createTransport({
    host: peer.host,
    port: peer.port,
    secure: false,
    requireTLS: true,
    tls: { ca: [peer.ca] },
    auth: { user: peer.user, pass: peer.password },
    authMethod: 'PLAIN',
    pool: true,
    maxConnections: 5,
    maxMessages: Infinity,
  });
  await quietDisk();
  await peer.settled();
  const started = performance.now();
  await Promise.all(raw.map((message) => transport.sendMail({ envelope: { from: peer.user, to: ['sink@example.org'] }, raw: message })));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return COUNT / seconds;
}

async function engineFlush(peer: SubmissionPeer): Promise<{ rate: number; raw: Buffer[] }> {
  const dir = await tempDataDir('flush-tls');
  const account = submissionAccount(peer);
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts: {
      get: async (id) => (id === account.id ? account : undefined),
      pick: async () => account,
      setStatus: async () => {},
      credentials: async () => ({ kind: 'password', user: peer.user, password: peer.password }),
    },
    sender: new SmtpSender({ maxConnections: 5, tls: { ca: [peer.ca] } }),
    connectivity: network(true),
    autoSend: false,
  });
  await engine.start();
  // Queued by 16 callers at once (not measured; only the flush is).
  const ids: string[] = Array.from({ length: COUNT }, () => '');
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < COUNT) {
        const i = next++;
        ids[i] = (await engine.enqueue({ to: ['sink@example.org'], subject: `bench ${i}`, text: twoKilobytes(i) })).id;
      }
    }),
  );
  const raw: Buffer[] = [];
  for (const id of ids) {
    const where = (await engine.bytesOf(id))!;
    const handle = await fs.open(where.file, 'r');
    const buffer = Buffer.alloc(where.length);
    await handle.read(buffer, 0, where.length, where.offset);
    await handle.close();
    raw.push(buffer);
  }
  // Postfix may still be working through the previous run's messages: each timed run starts on an idle server.
  await quietDisk();
  await peer.settled();
  const started = performance.now();
  await engine.flush();
  await engine.idle();
  const seconds = (performance.now() - started) / 1000;
  const sent = await engine.list({ states: ['sent'] });
  const unsent = (await engine.list()).filter((m) => m.state !== 'sent');
  await engine.stop();
  await fs.rm(dir, { recursive: true, force: true });
  if (sent.length !== COUNT)
    throw new Error(
      `engine flush sent ${sent.length} of ${COUNT}; first unsent: ${JSON.stringify(unsent[0]?.lastError ?? unsent[0]?.state)}`,
    );
  return { rate: COUNT / seconds, raw };
}

export async function benchFlushTls(peer: SubmissionPeer): Promise<{ engine: number; bare: number; ratio: number }> {
  const engineRates: number[] = [];
  const bareRates: number[] = [];
  // Alternated, so that warm-up and machine noise fall on both alike; the first round is dropped.
  for (let round = 0; round < WARMUP + ROUNDS; round++) {
    const { rate, raw } = await engineFlush(peer);
    const bare = await bareNodemailer(peer, raw);
    if (round < WARMUP) continue;
    engineRates.push(rate);
    bareRates.push(bare);
  }
  const engine = median(engineRates);
  const bare = median(bareRates);
  return { engine, bare, ratio: engine / bare };
}
