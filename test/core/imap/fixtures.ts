// Shared pieces of the IMAP tests: a sent message's exact bytes, request settings for a Dovecot peer,
// and a plain imapflow reader that fetches back what a folder holds.
import { randomUUID } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import type { SentCopyRequest } from '../../../electron/core/imap/sent-copy';
import type { DovecotPeer } from '../../peers/dovecot';

export function sentMessage(subject = 'Quarterly numbers'): { messageId: string; bytes: Buffer } {
  const messageId = `<${randomUUID()}@outbox.test>`;
  // Trailing spaces, a long line and 8-bit text: the copy must keep every byte.
  const text = [
    'From: Sender <sender@example.test>',
    'To: Someone <someone@example.test>',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    'Date: Fri, 27 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Grüße aus dem Outbox-Test.   ',
    'x'.repeat(200),
    '',
  ].join('\r\n');
  return { messageId, bytes: Buffer.from(text, 'utf8') };
}

export function requestFor(
  peer: DovecotPeer,
  message: { messageId: string; bytes: Buffer },
  overrides: Partial<SentCopyRequest> = {},
): SentCopyRequest {
  return {
    settings: { host: peer.host, port: peer.imapsPort, security: 'tls', insecure: false, user: peer.user },
    credentials: { kind: 'password', user: peer.user, password: peer.password },
    messageId: message.messageId,
    bytes: message.bytes,
    size: message.bytes.length,
    tls: { ca: peer.ca },
    timeouts: { connection: 5000, greeting: 5000, socket: 10_000 },
    ...overrides,
  };
}

export interface StoredMessage {
  uid: number;
  flags: string[];
  source: Buffer;
}

/** Every message in `folder`, read with a separate connection. */
export async function readFolder(peer: DovecotPeer, folder: string): Promise<StoredMessage[]> {
  const client = new ImapFlow({
    host: peer.host,
    port: peer.imapsPort,
    secure: true,
    tls: { ca: peer.ca },
    auth: { user: peer.user, pass: peer.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const lock = await client.getMailboxLock(folder, { readOnly: true });
    try {
      const out: StoredMessage[] = [];
      if (client.mailbox && client.mailbox.exists > 0) {
        for await (const m of client.fetch('1:*', { uid: true, flags: true, source: true })) {
          out.push({ uid: m.uid, flags: [...(m.flags ?? [])], source: m.source ?? Buffer.alloc(0) });
        }
      }
      return out;
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => client.close());
  }
}
