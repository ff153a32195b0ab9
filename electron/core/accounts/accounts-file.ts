// Reading, writing and quarantining accounts.json: { schemaVersion: 1, accounts: [...] }.
// A file we cannot understand is copied aside and never rewritten, so no user data is lost to a bug or a downgrade.
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { fileOps as fs } from '../fs/file-ops';
import { ACCOUNTS_SCHEMA_VERSION, accountsFileSchema, type AccountProfile, type AccountsFile } from '../../shared/account';
import { writeFileDurable } from '../fs/durable-write';
import type { AccountsCheckNote } from './accounts-checked';

export type AccountsFileParse = { ok: true; file: AccountsFile } | { ok: false; reason: string; newer: boolean };

/**
 * Reads accounts.json's bytes. With `note` (accounts-checked.ts), bytes that passed the same schema before are
 * taken as they are, and bytes that pass now unchanged by the schema are noted.
 */
export function parseAccountsFile(bytes: Uint8Array, note?: AccountsCheckNote): AccountsFileParse {
  let json: unknown;
  try {
    // A byte-order mark is what some editors add; it is not damage.
    json = JSON.parse(
      Buffer.from(bytes)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  } catch (error) {
    return { ok: false, newer: false, reason: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, newer: false, reason: 'not a JSON object' };
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version !== ACCOUNTS_SCHEMA_VERSION) {
    const newer = typeof version === 'number' && version > ACCOUNTS_SCHEMA_VERSION;
    const reason = newer
      ? `schemaVersion ${version}, written by a newer version of Outbox`
      : `unknown schemaVersion ${JSON.stringify(version) ?? '(missing)'}`;
    return { ok: false, newer, reason };
  }
  let file: AccountsFile;
  if (note?.matches(bytes)) {
    file = json as AccountsFile;
  } else {
    const parsed = accountsFileSchema().safeParse(json);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ');
      return { ok: false, newer: false, reason: `not in the accounts format: ${issues}` };
    }
    file = parsed.data;
    // Only a file the schema leaves as it is can later be taken without it.
    if (note && isDeepStrictEqual(json, file)) note.record(bytes);
  }
  const seen = new Set<string>();
  for (const account of file.accounts) {
    if (seen.has(account.id)) return { ok: false, newer: false, reason: `account id "${account.id}" appears twice` };
    seen.add(account.id);
  }
  return { ok: true, file };
}

export function serializeAccountsFile(accounts: readonly AccountProfile[]): string {
  const file: AccountsFile = { schemaVersion: ACCOUNTS_SCHEMA_VERSION, accounts: [...accounts] };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Keeps `bytes` (the unreadable file's content) at `<file>.corrupt-<timestamp>` and returns that path.
 * If an earlier run already kept identical bytes, that copy is reused so restarts do not pile up copies.
 */
export async function keepCorruptCopy(filePath: string, bytes: Uint8Array, now: number): Promise<string> {
  const dir = path.dirname(filePath);
  const prefix = `${path.basename(filePath)}.corrupt-`;
  const kept = (await fs.readdir(dir))
    .filter((name) => name.startsWith(prefix))
    .sort()
    .reverse();
  for (const name of kept) {
    const existing = await fs.readFile(path.join(dir, name)).catch(() => null);
    if (existing !== null && Buffer.compare(existing, bytes) === 0) return path.join(dir, name);
  }
  const base = path.join(dir, prefix + new Date(now).toISOString().replace(/[:.]/g, '-'));
  let copyPath = base;
  for (let n = 2; await exists(copyPath); n++) copyPath = `${base}-${n}`;
  await writeFileDurable(copyPath, bytes);
  return copyPath;
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

/** What tells us another process replaced or edited the file: a rename changes the inode, an edit the size or mtime. */
export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

/** The file's stamp, or null when there is no file. */
export async function statStamp(filePath: string): Promise<FileStamp | null> {
  try {
    const s = await fs.stat(filePath);
    return { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
