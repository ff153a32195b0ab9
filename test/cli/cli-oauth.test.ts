// `outbox account add --oauth`: the built command signs in against oauth2-mock-server on loopback (endpoints moved
// there with OUTBOX_OAUTH_TEST_BASE), prints the URL, keeps the tokens in the test keychain, and refuses bad input.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OAuthTokenStore } from '../../electron/core/oauth/token-store';
import { KeychainSecretStore, keychainServiceFor } from '../../electron/core/secrets/keychain';
import type { SecretStore } from '../../electron/core/ports';
import type { AccountProfile } from '../../electron/shared/account';
import { describeKeyring } from '../peers/keyring';
import { browse, startMockOAuth, type MockOAuth } from '../peers/oauth-peer';
import { accountAddArgs, Workspace, type RunningCli } from './harness';

// No xdg-open on the PATH: the test is the browser.
const NO_BROWSER = { PATH: '/nonexistent' };

describe('outbox account add --oauth: bad input', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = new Workspace();
  });
  afterAll(() => ws.remove());

  it('accepts only the known providers', async () => {
    const r = await ws.run([...accountAddArgs('Ann', 'ann@example.com'), '--oauth', 'yahoo']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('--oauth must be google or microsoft');
  });

  it('takes no server options or password with --oauth: they come from the provider', async () => {
    const r = await ws.run([...accountAddArgs('Ann', 'ann@example.com'), '--oauth', 'google', '--host', 'smtp.example.com']);
    expect(r.code).toBe(64);
  });

  it('says how to give a client id when the build has none: a missing setting (78, EX_CONFIG), before any browser opens', async () => {
    const r = await ws.run([...accountAddArgs('Ann', 'ann@example.com'), '--oauth', 'google'], { env: NO_BROWSER });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain('--client-id');
    expect(r.stderr).not.toContain('sign in in your browser');
    expect((await ws.run(['account', 'list', '--json'])).stdout.trim()).toBe('[]');
  });

  it('never moves the sign-in endpoints off this computer', async () => {
    const r = await ws.run([...accountAddArgs('Ann', 'ann@example.com'), '--oauth', 'google', '--client-id', 'c'], {
      env: { ...NO_BROWSER, OUTBOX_OAUTH_TEST_BASE: 'http://oauth.example.com' },
    });
    expect(r.code).toBe(65);
    expect(r.stderr).toContain('OUTBOX_OAUTH_TEST_BASE');
    const list = await ws.run(['account', 'list', '--json']);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });
});

/** The sign-in address the command prints on stderr; fails if it exits first. */
function printedUrl(running: RunningCli): Promise<string> {
  let stderr = '';
  return new Promise<string>((resolve, reject) => {
    running.child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /^\s+(http:\/\/127\.0\.0\.1:\d+\/authorize\?\S+)$/m.exec(stderr);
      if (found) resolve(found[1]!);
    });
    void running.done.then((r) => reject(new Error(`exited ${r.code} before printing a URL: ${r.stderr}`)));
  });
}

describeKeyring('outbox account add --oauth with a browser sign-in', () => {
  let ws: Workspace;
  let mock: MockOAuth;
  const ids: string[] = [];

  beforeAll(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    for (const id of ids.splice(0)) await ws.run(['account', 'remove', id]);
    await mock?.stop();
  });
  afterAll(() => ws?.remove());

  it('prints the sign-in URL, waits for the redirect, and adds the account with its refresh token (only) in the keychain', async () => {
    mock = await startMockOAuth();
    // The tokens the provider hands out, to look for them where they must not be.
    const issued: { access_token?: string; refresh_token?: string }[] = [];
    mock.server.service.on('beforeResponse', (response: { body: { access_token?: string; refresh_token?: string } }) =>
      issued.push({ ...response.body }),
    );
    const base = mock.provider.tokenEndpoint.replace(/\/token$/, '');
    const running = ws.start(
      ['account', 'add', '--name', 'Ann', '--email', 'ann@gmail.com', '--oauth', 'google', '--client-id', 'outbox-test-client'],
      {
        env: { ...NO_BROWSER, OUTBOX_OAUTH_TEST_BASE: base },
      },
    );
    const url = await printedUrl(running);
    const visit = await browse(url);
    const result = await running.done;

    expect(result.code, result.stderr).toBe(0);
    expect(visit.status).toBe(200);
    expect(visit.page).toContain('You can close this window');
    const id = result.stdout.trim();
    ids.push(id);

    const authorize = mock.authorizeRequests[0]!;
    expect(authorize).toMatchObject({
      client_id: 'outbox-test-client',
      code_challenge_method: 'S256',
      login_hint: 'ann@gmail.com',
      scope: 'https://mail.google.com/',
    });
    expect(mock.tokenRequests[0]).toMatchObject({ grant_type: 'authorization_code', client_id: 'outbox-test-client' });

    const accounts = JSON.parse((await ws.run(['account', 'list', '--json'])).stdout) as AccountProfile[];
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({
      id,
      email: 'ann@gmail.com',
      signIn: { kind: 'oauth2', provider: 'google', clientId: 'outbox-test-client' },
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls', user: 'ann@gmail.com' },
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
      sentCopy: { enabled: false },
      status: 'ok',
    });

    const keychain: SecretStore = new KeychainSecretStore({ service: keychainServiceFor(ws.dataDir) });
    const stored = await new OAuthTokenStore({ secrets: keychain }).load(id);
    expect(stored).toMatchObject({ providerId: 'google', clientId: 'outbox-test-client' });
    const { access_token: accessToken, refresh_token: refreshToken } = issued[0]!;
    expect(accessToken?.length).toBeGreaterThan(0);
    // The keychain keeps the refresh token only: the access token lived in the command's memory and died with it.
    expect(stored!.refreshToken).toBe(refreshToken);
    expect(stored!.accessToken).toBeUndefined();
    expect(await keychain.get(id)).not.toContain(accessToken);
    // Neither token reaches the terminal.
    expect(result.stdout + result.stderr).not.toContain(accessToken);
    expect(result.stdout + result.stderr).not.toContain(refreshToken);
  });

  it('saves nothing when the sign-in is declined in the browser', async () => {
    mock = await startMockOAuth();
    const base = mock.provider.tokenEndpoint.replace(/\/token$/, '');
    const running = ws.start(['account', 'add', '--name', 'Ann', '--email', 'ann@gmail.com', '--oauth', 'google', '--client-id', 'c'], {
      env: { ...NO_BROWSER, OUTBOX_OAUTH_TEST_BASE: base },
    });
    const url = await printedUrl(running);
    await browse(url, (redirect) => {
      redirect.searchParams.delete('code');
      redirect.searchParams.set('error', 'access_denied');
    });
    const result = await running.done;

    expect(result.code).toBe(77);
    expect(result.stderr).toContain('declined');
    expect(JSON.parse((await ws.run(['account', 'list', '--json'])).stdout)).toEqual([]);
  });
});
