import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await fs.rm(d, { recursive: true, force: true });
});

async function store() {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-imap-'));
  dirs.push(dir);
  return { dir, accounts: new AccountStore({ dataDir: dir, secrets: new MemorySecretStore() }) };
}

const pin = {
  fingerprint256: Array.from({ length: 32 }, () => 'AB').join(':'),
  pem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};

describe('changing the IMAP side of an account', () => {
  it('adds IMAP settings, pins an IMAP certificate and keeps both across a reload', async () => {
    const { dir, accounts } = await store();
    const added = await accounts.add(
      { name: 'Ann', email: 'ann@example.org', smtp: { host: 'smtp.example.org', port: 465, security: 'tls', user: 'ann' } },
      'pw',
    );
    await accounts.update(added.id, { imap: { host: 'imap.example.org', port: 993, security: 'tls' }, sentCopy: { enabled: true } });
    await accounts.update(added.id, { imap: { pinnedCertificate: pin } });
    const reloaded = await new AccountStore({ dataDir: dir, secrets: new MemorySecretStore() }).get(added.id);
    expect(reloaded?.imap).toMatchObject({ host: 'imap.example.org', port: 993, security: 'tls', pinnedCertificate: pin });
    expect(reloaded?.sentCopy.enabled).toBe(true);
  });

  it('refuses incomplete or unencrypted IMAP settings without the insecure flag, and removes IMAP with null', async () => {
    const { accounts } = await store();
    const added = await accounts.add(
      { name: 'Ann', email: 'ann@example.org', smtp: { host: 'smtp.example.org', port: 465, security: 'tls', user: 'ann' } },
      'pw',
    );
    await expect(accounts.update(added.id, { imap: { port: 993 } })).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(accounts.update(added.id, { imap: { host: 'imap.example.org', port: 143, security: 'none' } })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await accounts.update(added.id, { imap: { host: 'imap.example.org', port: 993, security: 'tls' } });
    expect((await accounts.update(added.id, { imap: null })).imap).toBeUndefined();
  });
});
