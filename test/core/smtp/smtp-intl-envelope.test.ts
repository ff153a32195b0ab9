// Internationalised addresses on the wire (RFC 6531): an IDN domain goes as its A-label in MAIL FROM and
// RCPT TO whatever the server offers; a non-ASCII local part goes only with SMTPUTF8, to a server that
// offered it; otherwise the send is refused before MAIL FROM with SMTP_UTF8_UNSUPPORTED, for good.
import { describe, expect, it } from 'vitest';
import { makeCerts } from '../../peers/certs';
import { startRawSmtp } from '../../peers/raw-smtp';
import { makeAccount, makeRequest, newSender, useCleanup } from './fixtures';

describe('SmtpSender and internationalised addresses', () => {
  const cleanup = useCleanup();
  const certs = makeCerts();

  /** A scripted server that records the command lines exactly as sent (smtp-server would decode A-labels). */
  async function peer(smtpUtf8: boolean) {
    const server = await startRawSmtp({
      tls: certs,
      extensions: ['PIPELINING', '8BITMIME', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN', ...(smtpUtf8 ? ['SMTPUTF8'] : [])],
    });
    cleanup(() => server.close());
    const lines = (verb: string) => server.connections.flatMap((c) => c.commands).filter((l) => l.toUpperCase().startsWith(verb));
    return { server, lines };
  }

  it('puts IDN domains in the envelope as A-labels, without SMTPUTF8, and reports recipients in the queued form', async () => {
    const { server, lines } = await peer(false);
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });
    const result = await sender.send(
      makeRequest(makeAccount(server.port), { from: 'ann@bücher.test', to: ['bob@müller.test', 'carol@example.test'] }),
    );
    expect(result.outcome, JSON.stringify(result.error)).toBe('sent');
    expect(lines('MAIL')).toEqual([expect.stringMatching(/^MAIL FROM:<ann@xn--bcher-kva\.test>( BODY=8BITMIME)?( SIZE=\d+)?$/)]);
    expect(lines('RCPT')).toEqual(['RCPT TO:<bob@xn--mller-kva.test>', 'RCPT TO:<carol@example.test>']);
    expect(server.connections[0]!.messages).toHaveLength(1);
    for (const r of result.recipients ?? []) expect(['bob@müller.test', 'carol@example.test']).toContain(r.address);
  });

  it('refuses a non-ASCII local part before MAIL FROM when the server does not offer SMTPUTF8, as a permanent failure', async () => {
    const { server, lines } = await peer(false);
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });
    const result = await sender.send(makeRequest(makeAccount(server.port), { to: ['用户@example.test', 'bob@example.test'] }));
    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({ code: 'SMTP_UTF8_UNSUPPORTED', retryable: false });
    expect(result.error?.message).toMatch(/cannot deliver to non-ASCII addresses/);
    expect(lines('MAIL')).toEqual([]);
    expect(lines('RCPT')).toEqual([]);
    // The sender is still usable for the next, ASCII, message.
    const next = await sender.send(makeRequest(makeAccount(server.port)));
    expect(next.outcome).toBe('sent');
    expect(lines('RCPT')).toEqual(['RCPT TO:<bob@example.test>']);
  });

  it('sends a non-ASCII local part with SMTPUTF8 to a server that offers it', async () => {
    const { server, lines } = await peer(true);
    const sender = newSender(cleanup, { tls: { ca: certs.ca } });
    const result = await sender.send(makeRequest(makeAccount(server.port), { from: 'jörg@bücher.test', to: ['用户@例子.test'] }));
    expect(result.outcome, JSON.stringify(result.error)).toBe('sent');
    expect(lines('MAIL')).toEqual([expect.stringMatching(/^MAIL FROM:<jörg@xn--bcher-kva\.test> .*SMTPUTF8/)]);
    expect(lines('RCPT')).toEqual(['RCPT TO:<用户@xn--fsqu00a.test>']);
  });
});
