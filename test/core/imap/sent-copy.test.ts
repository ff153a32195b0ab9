// appendSentCopy() against a real Dovecot on loopback: exact bytes into \Sent with \Seen, no duplicate
// on retry, and every failure (auth, TLS, plaintext, no folder, quota) explained with the server's words.
import net from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendSentCopy } from '../../../electron/core/imap/sent-copy';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { readFolder, requestFor, sentMessage } from './fixtures';

describeDovecot('appendSentCopy against Dovecot', () => {
  let peer: DovecotPeer;
  beforeAll(async () => {
    peer = await startDovecot({ variant: 'special-use' });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it('stores the exact bytes in the \\Sent folder, marked \\Seen', async () => {
    const message = sentMessage();
    const result = await appendSentCopy(requestFor(peer, message));
    expect(result, result.transcript.join('\n')).toMatchObject({ outcome: 'saved', folder: 'Sent' });
    expect(result.uid).toBeGreaterThan(0);

    const stored = (await readFolder(peer, 'Sent')).find((m) => m.uid === result.uid);
    expect(stored?.source.equals(message.bytes)).toBe(true);
    expect(stored?.flags).toContain('\\Seen');
  });

  it('answers already-there on a retry and never stores a second copy', async () => {
    const message = sentMessage('Sent twice');
    const first = await appendSentCopy(requestFor(peer, message));
    const second = await appendSentCopy(requestFor(peer, message, { folder: first.folder }));
    expect(first.outcome).toBe('saved');
    expect(second).toMatchObject({ outcome: 'already-there', folder: 'Sent', uid: first.uid });

    const copies = (await readFolder(peer, 'Sent')).filter((m) => m.source.equals(message.bytes));
    expect(copies).toHaveLength(1);
  });

  it('saves a message whose Message-ID carries a comment, and finds it again by its msg-id', async () => {
    // Queued before raw input stored ids bare: `<id@x> (comment)` is valid RFC 5322 and must not break the copy.
    const message = sentMessage('Commented id');
    const withComment = `${message.messageId} (sent by a script)`;
    const first = await appendSentCopy(requestFor(peer, { ...message, messageId: withComment }));
    const second = await appendSentCopy(requestFor(peer, { ...message, messageId: withComment }, { folder: 'Sent' }));

    expect(first, first.transcript.join('\n')).toMatchObject({ outcome: 'saved' });
    expect(second).toMatchObject({ outcome: 'already-there', uid: first.uid });
  });

  it('reads the message from a stream when given one, and upgrades with STARTTLS on the cleartext port', async () => {
    const message = sentMessage('Streamed');
    const result = await appendSentCopy(
      requestFor(peer, message, {
        settings: { host: peer.host, port: peer.imapPort, security: 'starttls', insecure: false, user: peer.user },
        bytes: () => Readable.from([message.bytes.subarray(0, 10), message.bytes.subarray(10)]),
      }),
    );
    expect(result, result.transcript.join('\n')).toMatchObject({ outcome: 'saved', folder: 'Sent' });
  });

  it('refuses an unencrypted connection it was not allowed, without connecting or sending the password', async () => {
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      const port = (listener.address() as net.AddressInfo).port;
      const result = await appendSentCopy(
        requestFor(peer, sentMessage(), {
          settings: { host: '127.0.0.1', port, security: 'none', insecure: false, user: peer.user },
        }),
      );
      expect(result).toMatchObject({ outcome: 'failed', kind: 'plaintext-refused' });
      expect(connections).toBe(0);
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });

  it('does not log in over cleartext even when allowed, because this server requires TLS first', async (context) => {
    if (!peer.cleartextLoginRefused) context.skip();
    const result = await appendSentCopy(
      requestFor(peer, sentMessage(), {
        settings: { host: peer.host, port: peer.imapPort, security: 'none', insecure: true, user: peer.user },
      }),
    );
    expect(result, result.transcript.join('\n')).toMatchObject({ outcome: 'failed', kind: 'tls' });
    expect(result.transcript.join('\n')).not.toMatch(/logged in/);
  });

  it('explains an untrusted certificate as a TLS failure', async () => {
    const result = await appendSentCopy(requestFor(peer, sentMessage(), { tls: {} }));
    expect(result, result.transcript.join('\n')).toMatchObject({ outcome: 'failed', kind: 'tls' });
    expect(result.error?.next).toMatch(/never falls back/);
  });

  it('explains a refused connection as the server being unreachable', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await appendSentCopy(
      requestFor(peer, sentMessage(), { settings: { host: '127.0.0.1', port, security: 'tls', insecure: false, user: peer.user } }),
    );
    expect(result).toMatchObject({ outcome: 'failed', kind: 'unavailable' });
    expect(result.error?.retryable).toBe(true);
  });

  it('gives up on a server that accepts the connection but never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const result = await appendSentCopy(
        requestFor(peer, sentMessage(), {
          settings: { host: '127.0.0.1', port, security: 'starttls', insecure: false, user: peer.user },
          timeouts: { connection: 1000, greeting: 300, socket: 1000 },
        }),
      );
      expect(result).toMatchObject({ outcome: 'failed', kind: 'unavailable' });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("keeps the server's words when a remembered folder no longer exists", async () => {
    const result = await appendSentCopy(requestFor(peer, sentMessage(), { folder: 'Old Sent' }));
    expect(result).toMatchObject({ outcome: 'failed', kind: 'folder-missing', folder: 'Old Sent' });
    expect(result.reply).toMatch(/^NO .*Mailbox doesn't exist: Old Sent/);
  });

  // Last: Dovecot slows down further logins from an address after a failed one.
  it('explains a refused password and keeps the password out of the transcript', async () => {
    const wrong = 'not-the-password-42';
    const result = await appendSentCopy(
      requestFor(peer, sentMessage(), { credentials: { kind: 'password', user: peer.user, password: wrong } }),
    );
    expect(result).toMatchObject({ outcome: 'failed', kind: 'auth' });
    expect(result.error?.message).toMatch(/refused the user name or password/);
    expect(JSON.stringify(result)).not.toContain(wrong);
  });
});

describeDovecot('appendSentCopy against a full Dovecot mailbox', () => {
  let peer: DovecotPeer;
  beforeAll(async () => {
    peer = await startDovecot({ variant: 'special-use', quotaKiB: 1 });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it("reports the APPEND refused for quota with the server's reply word for word", async () => {
    const message = sentMessage();
    const big = { ...message, bytes: Buffer.concat([message.bytes, Buffer.from(`${'y'.repeat(76)}\r\n`.repeat(40))]) };
    const result = await appendSentCopy(requestFor(peer, big));
    expect(result).toMatchObject({ outcome: 'failed', kind: 'over-quota', folder: 'Sent' });
    expect(result.reply).toMatch(/^NO \[OVERQUOTA\] Quota exceeded \(mailbox for user is full\)/);
    expect(await readFolder(peer, 'Sent')).toHaveLength(0);
  });
});

describeDovecot('appendSentCopy without a Sent folder', () => {
  let peer: DovecotPeer;
  beforeAll(async () => {
    peer = await startDovecot({ variant: 'no-sent' });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it('fails with a clear no-Sent-folder result and stores nothing', async () => {
    const result = await appendSentCopy(requestFor(peer, sentMessage()));
    expect(result).toMatchObject({ outcome: 'failed', kind: 'no-sent-folder' });
    expect(result.error?.message).toMatch(/no folder marked or named as Sent/);
    expect(result.transcript.join('\n')).toMatch(/Drafts/);
  });
});
