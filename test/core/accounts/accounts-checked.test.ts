// accounts.json.checked (electron/core/accounts/accounts-checked.ts): a file that passed the accounts schema and
// has not changed since is read without validating it again. It must never let through a file the schema would
// not accept as it is: an edit, another schema, a file the schema would change, a damaged or forged note.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountsCheckNote } from '../../../electron/core/accounts/accounts-checked';
import { parseAccountsFile, serializeAccountsFile } from '../../../electron/core/accounts/accounts-file';
import { AccountStore } from '../../../electron/core/accounts/account-store';
import { MemorySecretStore } from '../../../electron/core/secrets/memory-secret-store';
import { accountProfileSchema, type AccountProfile } from '../../../electron/shared/account';

let dataDir: string;
let accountsPath: string;
let notePath: string;

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'outbox-accounts-checked-'));
  accountsPath = path.join(dataDir, 'accounts.json');
  notePath = `${accountsPath}.checked`;
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function open(checkedSchemaId?: string): AccountStore {
  return new AccountStore({ dataDir, secrets: new MemorySecretStore(), checkedSchemaId });
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function addTwo(store: AccountStore): Promise<void> {
  await store.add({
    name: 'Ann',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'ann' },
  });
  await store.add({
    name: 'Relay',
    email: 'ops@example.org',
    smtp: { host: '127.0.0.1', port: 2525, security: 'none', insecure: true, user: '' },
    imap: { host: 'imap.example.org', port: 993, security: 'tls' },
    sentCopy: { enabled: true, folder: 'Sent' },
  });
}

describe('accounts.json.checked', () => {
  it('notes a file Outbox wrote once it passes, and reads it the same way afterwards', async () => {
    await addTwo(open('schema-a'));
    const validated = await open('schema-a').list();
    expect(JSON.parse(await readFile(notePath, 'utf8'))).toEqual({
      v: 1,
      schema: 'schema-a',
      sha256: sha256(await readFile(accountsPath)),
    });
    const fromNote = await open('schema-a').list();
    expect(fromNote).toEqual(validated);
    expect(fromNote.map((a) => a.id)).toEqual(['ann-example-com', 'ops-example-org']);
  });

  it('holds only for the schema that passed the file: a note made under another schema, or none at all, means validating', async () => {
    // A file the schema refuses (a port out of range), with a note claiming it passed schema-a: proof that the note
    // is what skips the validation, and that nothing but the same schema's note does.
    const bad = `${JSON.stringify({ schemaVersion: 1, accounts: [badProfile()] }, null, 2)}\n`;
    await writeFile(accountsPath, bad);
    await writeFile(notePath, JSON.stringify({ v: 1, schema: 'schema-a', sha256: sha256(bad) }));
    expect((await open('schema-a').list()).map((a) => a.smtp.port)).toEqual([99999]);
    await expect(open('schema-b').list()).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    await expect(open().list()).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
  });

  it('an edit after the note is validated again, and refused when the schema refuses it', async () => {
    await addTwo(open('schema-a'));
    await open('schema-a').list();
    const noted = await readFile(notePath, 'utf8');
    const text = (await readFile(accountsPath, 'utf8')).replace('"port": 587', '"port": 99999');
    await writeFile(accountsPath, text);
    await expect(open('schema-a').list()).rejects.toMatchObject({ code: 'ACCOUNTS_CORRUPT' });
    expect(await readFile(notePath, 'utf8')).toBe(noted);
  });

  it('a damaged or foreign note is no note', async () => {
    await addTwo(open('schema-a'));
    const bytes = await readFile(accountsPath);
    // Bytes the schema refuses, so that only the note could let them through; the notes that name their hash are
    // each wrong in one field alone (a note in order for the same bytes does let them through: the forged-note test).
    const bad = Buffer.from(bytes.toString('utf8').replace('"port": 587', '"port": 99999'));
    const hash = sha256(bad);
    const notes = [
      '',
      'not json',
      'null',
      '[]',
      JSON.stringify({ v: 2, schema: 'schema-a', sha256: hash }),
      JSON.stringify({ v: '1', schema: 'schema-a', sha256: hash }),
      JSON.stringify({ v: 1, schema: 'schema-b', sha256: hash }),
      JSON.stringify({ v: 1, schema: 'schema-a', sha256: hash.toUpperCase() }),
      JSON.stringify({ v: 1, schema: 'schema-a' }),
    ];
    for (const note of notes) {
      await writeFile(notePath, note);
      expect(parseAccountsFile(bad, new AccountsCheckNote(accountsPath, 'schema-a')), note).toMatchObject({ ok: false });
    }
    await writeFile(notePath, JSON.stringify({ v: 1, schema: 'schema-a', sha256: hash }));
    expect(parseAccountsFile(bad, new AccountsCheckNote(accountsPath, 'schema-a'))).toMatchObject({ ok: true });
  });

  it('a file the schema changes (a default filled in, a name trimmed) is never noted, and reads as the schema makes it', async () => {
    const sparse = { ...badProfile(), name: '  Ann  ', smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'ann' } };
    delete (sparse as Partial<AccountProfile>).status;
    delete (sparse as Partial<AccountProfile>).sentCopy;
    await writeFile(accountsPath, JSON.stringify({ schemaVersion: 1, accounts: [sparse] }));
    for (let i = 0; i < 2; i++) {
      const [account] = await open('schema-a').list();
      expect(account).toMatchObject({
        name: 'Ann',
        status: 'ok',
        sentCopy: { enabled: false },
        smtp: { authMethod: 'auto', insecure: false },
      });
      expect(existsSync(notePath)).toBe(false);
    }
  });

  it('for any valid profiles as Outbox writes them, reading with the note gives what validating gives, first and second time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(profileInput(), { minLength: 1, maxLength: 3 }), async (inputs) => {
        const profiles = inputs.map((input, i) => ({ ...accountProfileSchema().parse(input), id: `acct-${i}` }));
        const bytes = Buffer.from(serializeAccountsFile(profiles));
        await rm(notePath, { force: true });
        const validated = parseAccountsFile(bytes);
        const note = new AccountsCheckNote(accountsPath, 'schema-p');
        expect(parseAccountsFile(bytes, note)).toEqual(validated);
        expect(existsSync(notePath)).toBe(true);
        expect(new AccountsCheckNote(accountsPath, 'schema-p').matches(bytes)).toBe(true);
        expect(parseAccountsFile(bytes, new AccountsCheckNote(accountsPath, 'schema-p'))).toEqual(validated);
      }),
      { numRuns: 60 },
    );
  });
});

function badProfile(): AccountProfile {
  return {
    id: 'ann-example-com',
    name: 'Ann',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 99999, security: 'starttls', insecure: false, user: 'ann', authMethod: 'auto' },
    sentCopy: { enabled: false },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

/** What the store's callers hand it, before the schema fills in defaults and trims. */
function profileInput(): fc.Arbitrary<unknown> {
  const label = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ]{0,20}$/);
  const host = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5}){1,2}$/);
  const security = fc.constantFrom('tls', 'starttls', 'none');
  return fc.record(
    {
      id: fc.constant('x'),
      name: label,
      email: fc.tuple(fc.stringMatching(/^[a-z0-9._-]{1,12}$/), host).map(([l, h]) => `${l}@${h}`),
      smtp: fc
        .record(
          {
            host,
            port: fc.integer({ min: 1, max: 65535 }),
            security,
            insecure: fc.boolean(),
            user: fc.stringMatching(/^[a-z0-9@.]{0,20}$/),
            authMethod: fc.constantFrom('auto', 'PLAIN', 'LOGIN', 'CRAM-MD5'),
            maxSize: fc.integer({ min: 1, max: 1e9 }),
            smtpUtf8: fc.boolean(),
          },
          { requiredKeys: ['host', 'port', 'security', 'user'] },
        )
        .map((s) => (s.security === 'none' ? { ...s, insecure: true } : s)),
      imap: fc
        .record({
          host,
          port: fc.integer({ min: 1, max: 65535 }),
          security: fc.constantFrom('tls', 'starttls'),
          separateSecret: fc.boolean(),
        })
        .map((i) => i),
      sentCopy: fc.record(
        { enabled: fc.boolean(), folder: fc.constantFrom('Sent', 'Sent Items', '[Gmail]/Sent Mail') },
        { requiredKeys: ['enabled'] },
      ),
      status: fc.constantFrom('ok', 'needs-attention', 'needs-sign-in'),
      statusReason: label,
      limits: fc.record(
        { maxConnections: fc.integer({ min: 1, max: 20 }), messagesPerDay: fc.integer({ min: 1, max: 10_000 }) },
        { requiredKeys: [] },
      ),
      createdAt: fc.constant('2025-01-01T00:00:00.000Z'),
    },
    { requiredKeys: ['id', 'name', 'email', 'smtp', 'createdAt'] },
  );
}
