// OAuth2 accounts end to end on loopback: the account store's tokens (oauth2-mock-server) through the engine and
// SmtpSender to an smtp-server that checks XOAUTH2 against the token it expects: refresh once, hold on a revoked grant.
import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SMTPServerAuthentication } from 'smtp-server';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { OAuthTokenStore } from '../../../electron/core/oauth/token-store';
import { createEngineAccounts } from '../../../electron/core/outbox/account-adapter';
import { createOutboxEngine } from '../../../electron/core/outbox';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { SmtpSender } from '../../../electron/core/smtp/smtp-sender';
import { xoauth2String } from '../../../electron/core/oauth/xoauth2';
import { makeCerts } from '../../peers/certs';
import { startMockOAuth, type MockOAuth } from '../../peers/oauth-peer';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';
import { FakeNetwork, tempDir } from '../outbox/harness';

const certs = makeCerts();
const USER = 'ann@example.test';
const HOUR = 3_600_000;

let mock: MockOAuth;
let now: number;
let dir: string;
let closers: Array<() => Promise<void>>;

beforeEach(async () => {
  mock = await startMockOAuth();
  now = Date.now();
  dir = await tempDir('outbox-oauth-smtp-');
  closers = [];
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  await mock.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Setup {
  peer: SmtpPeer;
  store: AccountStore;
  tokens: OAuthTokenStore;
  sender: SmtpSender;
  accountId: string;
  /** XOAUTH2 logins the server saw: the token and whether it was accepted. */
  logins: { token: string; ok: boolean }[];
}

/** The server accepts only the token the keychain holds now, and never one the test marks as refused. */
async function setup(options: { storedToken?: string; refused?: Set<string> } = {}): Promise<Setup> {
  const secrets = new MemorySecretStore();
  const tokens = new OAuthTokenStore({
    secrets,
    clock: { now: () => now },
    providers: (id) => (id === 'mock' ? mock.provider : undefined),
  });
  const store = new AccountStore({ dataDir: dir, secrets, oauthTokens: tokens });
  const logins: Setup['logins'] = [];
  const refused = options.refused ?? new Set<string>();
  let accountId = '';
  const peer = await startSmtpPeer({
    certs,
    server: {
      authMethods: ['XOAUTH2'],
      authOptional: false,
      onAuth(auth: SMTPServerAuthentication, _session, callback) {
        void tokens.load(accountId).then((stored) => {
          const token = auth.accessToken ?? '';
          const ok = auth.method === 'XOAUTH2' && auth.username === USER && token === stored?.accessToken && !refused.has(token);
          logins.push({ token, ok });
          if (ok) callback(null, { user: USER });
          // What Gmail answers for an expired token, as smtp-server sends it for XOAUTH2.
          else callback(null, { data: { status: '401', schemes: 'bearer', scope: 'https://mail.google.com/' } });
        });
      },
    },
  });
  closers.push(() => peer.close());
  const account = await store.add({
    name: 'Ann',
    email: USER,
    smtp: { host: '127.0.0.1', port: peer.port, security: 'starttls', user: USER },
    signIn: { kind: 'oauth2', provider: 'mock' },
  });
  accountId = account.id;
  await tokens.save(account.id, {
    providerId: 'mock',
    clientId: 'outbox-test',
    accessToken: options.storedToken ?? 'valid-token',
    refreshToken: 'refresh-1',
    expiresAt: now + HOUR,
  });
  // Past the store's minimum interval between forced refreshes.
  now += 60_000;
  const sender = new SmtpSender({ tls: { ca: certs.ca } });
  closers.push(() => sender.close());
  return { peer, store, tokens, sender, accountId, logins };
}

function engineFor(s: Setup) {
  const engine = createOutboxEngine({
    dataDir: dir,
    accounts: createEngineAccounts(s.store),
    sender: s.sender,
    connectivity: new FakeNetwork(),
  });
  closers.push(() => engine.stop({ graceMs: 100 }));
  return engine;
}

const message = { to: ['bob@example.test'], subject: 'Hello', text: 'Hi Bob' };

describe('OAuth2 accounts over SMTP (XOAUTH2)', () => {
  it('signs in with XOAUTH2 using the stored access token and keeps the token out of the transcript', async () => {
    const s = await setup();
    const engine = engineFor(s);
    await engine.start();

    const queued = await engine.enqueue({ ...message, accountId: s.accountId });
    const done = await engine.waitFor(queued.id);

    expect(done.state).toBe('sent');
    expect(s.logins).toEqual([{ token: 'valid-token', ok: true }]);
    expect(s.peer.messages).toHaveLength(1);
    expect(mock.tokenRequests).toHaveLength(0);
    const text = (done.attempts.at(-1)?.transcript ?? []).join('\n');
    expect(text).toContain('C: AUTH XOAUTH2');
    expect(text).not.toContain('valid-token');
    expect(text).not.toContain(xoauth2String(USER, 'valid-token'));
  });

  it('refreshes a token the server refuses once, and sends on a new connection with the new token', async () => {
    const s = await setup({ storedToken: 'expired-token', refused: new Set(['expired-token']) });
    const engine = engineFor(s);
    await engine.start();

    const queued = await engine.enqueue({ ...message, accountId: s.accountId });
    const done = await engine.waitFor(queued.id);

    expect(done.state).toBe('sent');
    expect(mock.tokenRequests).toHaveLength(1);
    expect(mock.tokenRequests[0]).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'refresh-1' });
    const fresh = (await s.tokens.load(s.accountId))!.accessToken;
    expect(fresh).not.toBe('expired-token');
    expect(s.logins.filter((l) => !l.ok).every((l) => l.token === 'expired-token')).toBe(true);
    expect(s.logins.at(-1)).toEqual({ token: fresh, ok: true });
    expect(s.peer.messages).toHaveLength(1);
    expect((await s.store.get(s.accountId))!.status).toBe('ok');
  });

  it('holds the messages and marks the account needs-sign-in when the provider refuses the refresh (revoked grant)', async () => {
    const s = await setup({ storedToken: 'expired-token', refused: new Set(['expired-token']) });
    mock.server.service.on('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };
    });
    const engine = engineFor(s);
    await engine.start();

    const first = await engine.enqueue({ ...message, accountId: s.accountId });
    const held = await engine.waitFor(first.id, ['held']);
    const second = await engine.enqueue({ ...message, accountId: s.accountId });
    await engine.idle();

    expect(held.holdReason).toBe('account');
    expect((await engine.get(second.id))!.state).toBe('held');
    const account = (await s.store.get(s.accountId))!;
    expect(account.status).toBe('needs-sign-in');
    expect(account.statusReason).toContain('invalid_grant');
    // One refused refresh, and no more requests to the provider or the server for the second message.
    expect(mock.tokenRequests).toHaveLength(1);
    const loginsAfter = s.logins.length;
    expect(await s.tokens.status(s.accountId)).toBe('needs-sign-in');
    await new Promise((r) => setTimeout(r, 50));
    expect(s.logins).toHaveLength(loginsAfter);
    expect(s.peer.messages).toHaveLength(0);
  });

  it('holds without contacting the server when the token expired and its refresh is refused before sending', async () => {
    const s = await setup();
    mock.server.service.on('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant' };
    });
    now += 2 * HOUR;
    const engine = engineFor(s);
    await engine.start();

    const queued = await engine.enqueue({ ...message, accountId: s.accountId });
    const held = await engine.waitFor(queued.id, ['held']);

    expect(held.lastError?.code).toBe('OAUTH_REFRESH_REVOKED');
    expect((await s.store.get(s.accountId))!.status).toBe('needs-sign-in');
    expect(s.logins).toHaveLength(0);
  });

  it('treats a failing token endpoint as a temporary failure that is retried later', async () => {
    const s = await setup({ storedToken: 'expired-token', refused: new Set(['expired-token']) });
    mock.server.service.on('beforeResponse', (response: { statusCode: number; body: unknown }) => {
      response.statusCode = 503;
      response.body = 'Service Unavailable';
    });
    const engine = engineFor(s);
    await engine.start();

    const queued = await engine.enqueue({ ...message, accountId: s.accountId });
    await engine.idle();
    const after = (await engine.get(queued.id))!;

    expect(after.state).toBe('queued');
    expect(after.attempts.at(-1)?.outcome).toBe('temporary');
    expect(after.lastError).toMatchObject({ code: 'OAUTH_TEMPORARY', retryable: true });
    expect(after.nextAttemptAt).toBeDefined();
    expect((await s.store.get(s.accountId))!.status).toBe('ok');
  });
});
