// Shared setup for the SMTP sender tests: accounts pointing at a loopback peer, send requests over
// exact message bytes, and cleanup that closes clients before servers even when a test fails.
import { Readable } from 'node:stream';
import { afterEach } from 'vitest';
import type { AccountProfile, SmtpSettings } from '../../../electron/shared/account';
import type { SendRequest } from '../../../electron/core/ports';
import { SmtpSender, type SmtpSenderOptions } from '../../../electron/core/smtp/smtp-sender';

export const USER = 'alice@example.test';
export const PASSWORD = 'correct-horse-battery-staple';

/** Every form the password could take on the wire: plain, base64, and the AUTH PLAIN blob. */
export const PASSWORD_FORMS = [
  PASSWORD,
  Buffer.from(PASSWORD).toString('base64'),
  Buffer.from(`\u0000${USER}\u0000${PASSWORD}`).toString('base64'),
];

/** Short timeouts so stalls and silent servers fail within a second. */
export const FAST_TIMEOUTS = { connection: 1_000, greeting: 300, socket: 500 };

export function makeAccount(port: number, smtp: Partial<SmtpSettings> = {}, id = 'acct'): AccountProfile {
  return {
    id,
    name: 'Test account',
    email: USER,
    smtp: { host: '127.0.0.1', port, security: 'starttls', insecure: false, user: USER, authMethod: 'auto', ...smtp },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

/** A message with the shapes that break naive senders: dot lines, 8-bit text, a long line. */
export function sampleMessage(tag = 'one'): Buffer {
  return Buffer.from(
    [
      `From: Alice <${USER}>`,
      'To: Bob <bob@example.test>',
      `Subject: Test ${tag}`,
      `Message-ID: <${tag}@example.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Hello Bob,',
      '.',
      '..two dots',
      '.leading dot',
      'Grüße, naïve café ✓',
      'x'.repeat(900),
      '',
    ].join('\r\n'),
    'utf8',
  );
}

function* chunked(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export interface RequestOptions {
  bytes?: Buffer;
  to?: string[];
  from?: string;
  password?: string | null;
  user?: string;
  onProgress?: (sent: number) => void;
}

export function makeRequest(account: AccountProfile, options: RequestOptions = {}): SendRequest {
  const bytes = options.bytes ?? sampleMessage();
  const password = options.password === undefined ? PASSWORD : options.password;
  const request: SendRequest = {
    account,
    credentials: password === null ? null : { kind: 'password', user: options.user ?? USER, password },
    envelope: { from: options.from ?? USER, to: options.to ?? ['bob@example.test'] },
    // In 16 KiB chunks, as a file stream would hand them over.
    openMessage: () => Readable.from(chunked(bytes, 16 * 1024)),
    size: bytes.length,
  };
  if (options.onProgress) request.onProgress = options.onProgress;
  return request;
}

/** Registers closers run after each test, last registered first (so senders close before servers). */
export function useCleanup(): (close: () => Promise<void> | void) => void {
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

export function newSender(cleanup: ReturnType<typeof useCleanup>, options: SmtpSenderOptions = {}): SmtpSender {
  const sender = new SmtpSender(options);
  cleanup(() => sender.close());
  return sender;
}

export function transcriptText(lines: string[]): string {
  return lines.join('\n');
}
