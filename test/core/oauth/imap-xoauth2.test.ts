// IMAP over SASL XOAUTH2 against a real Dovecot whose oauth2 passdb asks a token-introspection endpoint on
// loopback: the Sent copy goes in with an access token, and a revoked token is refused with the server's words.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendSentCopy } from '../../../electron/core/imap/sent-copy';
import { describeDovecot, startDovecot, type DovecotPeer } from '../../peers/dovecot';
import { startIntrospection, type IntrospectionPeer } from '../../peers/introspection';
import { readFolder, requestFor, sentMessage } from '../imap/fixtures';

// As long as Microsoft's access tokens (JWTs of 2,500+ characters): the SASL line must carry it whole.
const TOKEN = `eyJ0eXAiOiJKV1QiLCJub25jZSI6IngifQ.${'a'.repeat(2_600)}.sig`;

describeDovecot('IMAP XOAUTH2 against Dovecot with an oauth2 passdb', () => {
  let peer: DovecotPeer;
  let introspection: IntrospectionPeer;
  beforeAll(async () => {
    introspection = await startIntrospection();
    peer = await startDovecot({ variant: 'special-use', oauth2IntrospectionUrl: introspection.url });
  });
  afterAll(async () => {
    await peer?.stop();
    await introspection?.stop();
  });

  it('appends the Sent copy signed in with an access token, which Dovecot checked with the provider', async () => {
    introspection.issue(TOKEN, peer.user);
    const message = sentMessage('Signed in with a token');
    const result = await appendSentCopy(
      requestFor(peer, message, { credentials: { kind: 'oauth2', user: peer.user, accessToken: TOKEN } }),
    );
    expect(result, `${result.transcript.join('\n')}\n${peer.log()}`).toMatchObject({ outcome: 'saved', folder: 'Sent' });
    expect(introspection.asked).toContain(TOKEN);
    const stored = (await readFolder(peer, 'Sent')).find((m) => m.uid === result.uid);
    expect(stored?.source.equals(message.bytes)).toBe(true);
    // The transcript names the user, never the token.
    expect(result.transcript.join('\n')).not.toContain(TOKEN.slice(0, 40));
  });

  it('is refused with a revoked token, explained as a sign-in failure, and stores nothing', async () => {
    const revoked = `${TOKEN}-revoked`;
    introspection.issue(revoked, peer.user);
    introspection.revoke(revoked);
    const message = sentMessage('Token revoked');
    const result = await appendSentCopy(
      requestFor(peer, message, { credentials: { kind: 'oauth2', user: peer.user, accessToken: revoked } }),
    );
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('IMAP_AUTH');
    expect(introspection.asked).toContain(revoked);
    expect((await readFolder(peer, 'Sent')).some((m) => m.source.equals(message.bytes))).toBe(false);
  });

  it("is refused with another user's token", async () => {
    const other = 'token-of-someone-else';
    introspection.issue(other, 'someone@example.test');
    const result = await appendSentCopy(
      requestFor(peer, sentMessage('Wrong user'), { credentials: { kind: 'oauth2', user: peer.user, accessToken: other } }),
    );
    expect(result.outcome).toBe('failed');
    expect(result.error?.code).toBe('IMAP_AUTH');
  });
});
