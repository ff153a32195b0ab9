// A message larger than the server's announced SIZE fails before its bytes are uploaded, with a clear error.
import { describe, expect, it } from 'vitest';
import { makeCerts } from '../../peers/certs';
import { startSmtpPeer } from '../../peers/smtp-peer';
import { PASSWORD, USER, makeAccount, makeRequest, newSender, useCleanup } from './fixtures';

describe('SmtpSender and the server SIZE limit', () => {
  const cleanup = useCleanup();
  const certs = makeCerts();

  it('refuses a message over the announced SIZE before DATA, naming the limit, and sends one under it', async () => {
    let dataStarted = 0;
    const server = await startSmtpPeer({
      certs,
      users: { [USER]: PASSWORD },
      server: {
        size: 4000,
        onData(stream, _session, callback) {
          dataStarted++;
          stream.on('data', () => {});
          stream.on('end', () => callback());
        },
      },
    });
    cleanup(() => server.close());
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });
    const big = Buffer.from(`Subject: big\r\n\r\n${'x'.repeat(20_000)}\r\n`);

    const refused = await sender.send({ ...makeRequest(makeAccount(server.port), { bytes: big }), size: big.length });

    expect(refused.outcome).toBe('permanent');
    expect(refused.error).toMatchObject({ code: 'SMTP_SIZE', retryable: false });
    expect(refused.error?.message).toContain('4000');
    expect(dataStarted).toBe(0);

    const small = await sender.send(makeRequest(makeAccount(server.port)));
    expect(small.outcome).toBe('sent');
    expect(dataStarted).toBe(1);
  });
});
