// AccountStore: profiles in accounts.json, passwords only in the keychain, a damaged file kept and never rewritten,
// and changes made by another process (the CLI) seen without a restart.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore, type NewAccountInput, type OAuthAccessTokens } from '../../../electron/core/accounts/account-store';
import { OAuthError } from '../../../electron/core/oauth/oauth-error';
import type { SecretStore } from '../../../electron/core/ports';
import { KeychainSecretStore } from '../../../electron/core/secrets/keychain';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { AppError } from '../../../electron/shared/errors';
import { describeKeyring, filesContaining } from '../../peers/keyring';

let dataDir: string;
let accountsPath: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-accounts-'));
  accountsPath = path.join(dataDir, 'accounts.json');
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function ann(overrides: Partial<NewAccountInput> = {}): NewAccountInput {
  return {
    name: 'Ann',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'ann@example.com' },
    ...overrides,
  };
}

function open(secrets: SecretStore = new MemorySecretStore()): AccountStore {
  return new AccountStore({ dataDir, secrets, clock: { now: () => Date.parse('2025-03-04T05:06:07.089Z') } });
}

describe('AccountStore', () => {
  it('starts with no accounts, and creates no file, when there is no accounts file', async () => {
    expect(await open().load()).toEqual([]);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('adds accounts under readable ids and finds them again after a restart', async () => {
    const store = open();
    const first = await store.add(ann());
    const second = await store.add(
      ann({ name: 'Ann at work', smtp: { host: 'mail.work.example', port: 465, security: 'tls', user: 'ann' } }),
    );
    expect([first.id, second.id]).toEqual(['ann-example-com', 'ann-example-com-2']);
    const reopened = await open().list();
    expect(reopened.map((a) => [a.id, a.name, a.smtp.host, a.status])).toEqual([
      ['ann-example-com', 'Ann', 'smtp.example.com', 'ok'],
      ['ann-example-com-2', 'Ann at work', 'mail.work.example', 'ok'],
    ]);
    expect(JSON.parse(await readFile(accountsPath, 'utf8'))).toMatchObject({ schemaVersion: 1 });
  });

  it('refuses an unencrypted server unless the insecure flag was given, storing nothing', async () => {
    const secrets = new MemorySecretStore();
    const store = open(secrets);
    const plain = { host: 'relay.lan', port: 25, security: 'none', user: 'ann' } as const;
    const refused = await store.add(ann({ smtp: plain }), 'pw').catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'VALIDATION', detail: expect.stringContaining('insecure') });
    expect(await store.list()).toEqual([]);
    expect(secrets.ids()).toEqual([]);
    const accepted = await store.add(ann({ smtp: { ...plain, insecure: true } }), 'pw');
    expect(accepted.smtp).toMatchObject({ security: 'none', insecure: true });
  });

  it('refuses an address that is not one, with VALIDATION', async () => {
    await expect(open().add(ann({ email: 'ann at example' }))).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('keeps the password out of the profile and hands it out as credentials', async () => {
    const store = open();
    const account = await store.add(ann(), 'correct horse battery staple');
    expect(JSON.stringify(await store.list())).not.toContain('correct horse');
    expect(await readFile(accountsPath, 'utf8')).not.toContain('correct horse');
    expect(await store.credentials(account.id)).toEqual({
      kind: 'password',
      user: 'ann@example.com',
      password: 'correct horse battery staple',
    });
  });

  it('reports SECRET_MISSING when the password is gone, and no login for an account without a user name', async () => {
    const store = open();
    const withUser = await store.add(ann());
    const relay = await store.add(
      ann({ email: 'relay@example.com', smtp: { host: 'relay.lan', port: 587, security: 'starttls', user: '' } }),
    );
    await expect(store.credentials(withUser.id)).rejects.toMatchObject({ code: 'SECRET_MISSING' });
    expect(await store.credentials(relay.id)).toBeNull();
    await expect(store.credentials('nobody')).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });

  it('does not add the account when the keychain cannot store its password', async () => {
    const locked: SecretStore = {
      get: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
      set: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
      delete: () => Promise.reject(new AppError('KEYCHAIN_UNAVAILABLE')),
    };
    await expect(open(locked).add(ann(), 'pw')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('takes the password back out of the keychain when the accounts file cannot be written', async () => {
    const secrets = new MemorySecretStore();
    await writeFile(path.join(dataDir, 'blocked'), 'a file where the data folder should be');
    const store = new AccountStore({ dataDir: path.join(dataDir, 'blocked'), secrets });
    await expect(store.add(ann(), 'pw')).rejects.toMatchObject({ code: 'SPOOL_UNWRITABLE' });
    expect(secrets.ids()).toEqual([]);
  });

  it('changes settings and password together, which clears a needs-attention status', async () => {
    const secrets = new MemorySecretStore();
    const store = open(secrets);
    const account = await store.add(ann(), 'old password');
    await store.setStatus(account.id, 'needs-attention', '535 5.7.8 Authentication credentials invalid');
    const updated = await store.update(account.id, { smtp: { host: 'smtp2.example.com' } }, 'new password');
    expect(updated).toMatchObject({ id: account.id, status: 'ok', smtp: { host: 'smtp2.example.com', port: 587 } });
    expect(updated.statusReason).toBeUndefined();
    const reopened = open(secrets);
    expect(await reopened.get(account.id)).toMatchObject({ status: 'ok', smtp: { host: 'smtp2.example.com' } });
    expect(await reopened.credentials(account.id)).toMatchObject({ kind: 'password', password: 'new password' });
    await expect(store.update('nobody', { name: 'x' })).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });

  it('asks for the insecure flag again when an encrypted account is switched to no encryption', async () => {
    const store = open();
    const account = await store.add(ann({ smtp: { host: 'relay.lan', port: 25, security: 'none', insecure: true, user: '' } }));
    await store.update(account.id, { smtp: { security: 'starttls', port: 587 } });
    await expect(store.update(account.id, { smtp: { security: 'none' } })).rejects.toMatchObject({ code: 'VALIDATION' });
    expect((await store.get(account.id))?.smtp.security).toBe('starttls');
  });

  it('records why an account needs attention and forgets it once it is fine again', async () => {
    const store = open();
    const { id } = await store.add(ann());
    await store.setStatus(id, 'needs-attention', '535 Authentication failed');
    expect(await open().get(id)).toMatchObject({ status: 'needs-attention', statusReason: '535 Authentication failed' });
    await store.setStatus(id, 'ok');
    expect((await open().get(id))?.statusReason).toBeUndefined();
  });

  it('removes an account together with its password', async () => {
    const secrets = new MemorySecretStore();
    const store = open(secrets);
    const { id } = await store.add(ann(), 'pw');
    await store.remove(id);
    expect(await open().list()).toEqual([]);
    expect(secrets.ids()).toEqual([]);
    await expect(store.remove(id)).rejects.toMatchObject({ code: 'ACCOUNT_NOT_FOUND' });
  });

  it('picks the sending account by From address, else the first account', async () => {
    const store = open();
    expect(await store.resolveDefault()).toBeUndefined();
    await store.add(ann());
    const bob = await store.add(ann({ name: 'Bob', email: 'bob@example.org' }));
    expect((await store.findByAddress('"Bob B." <BOB@Example.org>'))?.id).toBe(bob.id);
    expect((await store.findByAddress('bob@example.org'))?.id).toBe(bob.id);
    expect(await store.findByAddress('carol@example.org')).toBeUndefined();
    expect((await store.resolveDefault())?.id).toBe('ann-example-com');
  });

  it('sees accounts that another process added or removed, without a restart', async () => {
    const app = open();
    expect(await app.list()).toEqual([]);
    const cli = open();
    const { id } = await cli.add(ann());
    expect((await app.get(id))?.email).toBe('ann@example.com');
    await cli.remove(id);
    expect(await app.list()).toEqual([]);
    // The app now adds on top of what the CLI left, instead of resurrecting its stale copy.
    await cli.add(ann({ email: 'cli@example.com' }));
    await app.add(ann({ email: 'app@example.com' }));
    expect((await open().list()).map((a) => a.email)).toEqual(['cli@example.com', 'app@example.com']);
  });
});

describe('AccountStore with a damaged accounts file', () => {
  async function keptCopies(): Promise<string[]> {
    return (await readdir(dataDir)).filter((name) => name.startsWith('accounts.json.corrupt-'));
  }

  it('keeps a file with broken JSON aside, never rewrites it, and refuses to add accounts until it is repaired', async () => {
    const broken = '{"schemaVersion": 1, "accounts": [{"id": "ann-exa';
    await writeFile(accountsPath, broken);
    const store = open();
    const error = (await store.load().catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    expect(await keptCopies()).toEqual(['accounts.json.corrupt-2025-03-04T05-06-07-089Z']);
    expect(error.message).toContain(path.join(dataDir, 'accounts.json.corrupt-2025-03-04T05-06-07-089Z'));
    expect(await readFile(path.join(dataDir, (await keptCopies())[0]!), 'utf8')).toBe(broken);

    await expect(store.add(ann(), 'pw')).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    await expect(store.list()).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    await expect(open().add(ann())).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    expect(await readFile(accountsPath, 'utf8')).toBe(broken);
    expect(await keptCopies()).toHaveLength(1);

    // The user repairs the file; the running store picks that up and works again.
    await writeFile(accountsPath, '{"schemaVersion": 1, "accounts": []}');
    expect((await store.add(ann())).id).toBe('ann-example-com');
  });

  it('leaves a file from a newer Outbox (unknown schemaVersion) alone and says so', async () => {
    const newer = JSON.stringify({ schemaVersion: 2, accounts: [], profiles: { ann: {} } });
    await writeFile(accountsPath, newer);
    const store = open();
    const error = (await store.list().catch((e: unknown) => e)) as AppError;
    expect(error).toMatchObject({ code: 'ACCOUNTS_CORRUPT', detail: expect.stringContaining('newer version') });
    expect(error.next).toContain('newer version of Outbox');
    await expect(store.add(ann())).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    expect(await readFile(accountsPath, 'utf8')).toBe(newer);
  });

  it('treats a profile that breaks the schema as damage, not as an empty list', async () => {
    const bad = JSON.stringify({ schemaVersion: 1, accounts: [{ id: 'ann-example-com', name: 'Ann' }] });
    await writeFile(accountsPath, bad);
    await expect(open().list()).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    await expect(open().setStatus('ann-example-com', 'ok')).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    expect(await readFile(accountsPath, 'utf8')).toBe(bad);
    expect(await keptCopies()).toHaveLength(1);
  });
});

describeKeyring('AccountStore with the real keychain', () => {
  // Unique addresses, hence ids, so runs and parallel test files never share keychain entries.
  const email = () => `ann-${randomUUID().slice(0, 8)}@example.com`;

  it('keeps passwords in the keychain only, never anywhere under the data folder', async () => {
    const store = open(new KeychainSecretStore());
    const account = await store.add(ann({ email: email() }), 'first-Passw0rd!');
    await store.update(account.id, { name: 'Ann B.' }, 'second-Passw0rd!');
    expect(await new KeychainSecretStore().get(account.id)).toBe('second-Passw0rd!');
    expect(await filesContaining(dataDir, 'Passw0rd')).toEqual([]);
    await store.remove(account.id);
  });

  it('removing an account removes its password from the keychain', async () => {
    const store = open(new KeychainSecretStore());
    const { id } = await store.add(ann({ email: email() }), 'to-be-removed');
    await store.remove(id);
    expect(await new KeychainSecretStore().get(id)).toBeNull();
  });

  it('leaves no password in the keychain when the accounts file cannot be written', async () => {
    await writeFile(path.join(dataDir, 'blocked'), 'not a folder');
    const store = new AccountStore({ dataDir: path.join(dataDir, 'blocked'), secrets: new KeychainSecretStore() });
    const address = email();
    await expect(store.add(ann({ email: address }), 'orphan-secret')).rejects.toMatchObject({ code: 'SPOOL_UNWRITABLE' });
    expect(await new KeychainSecretStore().get(address.replace(/[@.]/g, '-'))).toBeNull();
  });
});

describe('AccountStore with OAuth2 accounts', () => {
  function oauthStore(secrets: SecretStore, tokens: OAuthAccessTokens): AccountStore {
    return new AccountStore({ dataDir, secrets, oauthTokens: tokens });
  }

  const gmail = (): NewAccountInput =>
    ann({
      email: 'ann@gmail.com',
      smtp: { host: 'smtp.gmail.com', port: 465, security: 'tls', user: '' },
      imap: { host: 'imap.gmail.com', port: 993, security: 'tls' },
      signIn: { kind: 'oauth2', provider: 'google', clientId: 'own-client' },
    });

  it('keeps the sign-in kind and the IMAP settings an account is added with', async () => {
    const store = oauthStore(new MemorySecretStore(), { accessTokenFor: async () => 'token' });
    const account = await store.add(gmail());
    expect(account).toMatchObject({
      signIn: { kind: 'oauth2', provider: 'google', clientId: 'own-client' },
      imap: { host: 'imap.gmail.com', port: 993 },
    });
    expect(await oauthStore(new MemorySecretStore(), { accessTokenFor: async () => 'token' }).get(account.id)).toMatchObject({
      signIn: { kind: 'oauth2' },
    });
  });

  it('hands out a current access token as oauth2 credentials, with a forced refresh for after a refusal', async () => {
    const calls: Array<{ id: string; force: boolean }> = [];
    const store = oauthStore(new MemorySecretStore(), {
      accessTokenFor: async (id, options) => {
        calls.push({ id, force: options?.forceRefresh === true });
        return options?.forceRefresh ? 'refreshed' : 'current';
      },
    });
    const account = await store.add(gmail());
    const credentials = await store.credentials(account.id);
    expect(credentials).toMatchObject({ kind: 'oauth2', user: 'ann@gmail.com', accessToken: 'current' });
    expect(credentials?.kind === 'oauth2' && (await credentials.refresh?.())).toBe('refreshed');
    expect(calls).toEqual([
      { id: account.id, force: false },
      { id: account.id, force: true },
    ]);
  });

  it("passes the token store's typed failure on, so the engine can hold the account or retry later", async () => {
    const store = oauthStore(new MemorySecretStore(), {
      accessTokenFor: async () => {
        throw new OAuthError('needs-sign-in');
      },
    });
    const account = await store.add(gmail());
    await expect(store.credentials(account.id)).rejects.toMatchObject({ code: 'OAUTH_REFRESH_REVOKED', kind: 'needs-sign-in' });
  });
});
