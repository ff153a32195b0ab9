// The `outbox` command reads accounts.json at every start, and validating it (building zod's schemas, the parse)
// was about 8 ms of a 100 ms queue-only send. A file that passed, unchanged since, need not pass again: once a file
// passes and the result is the file's own JSON (nothing defaulted, trimmed or dropped, as in every file Outbox
// writes), its SHA-256 and the identity of the schema that passed it are noted in accounts.json.checked. A later
// read of the same bytes under the same schema takes the JSON as it is. An edit, damage, another schema or no note:
// validated as before. The note is advice only: losing it costs one validation, and it is never fsynced.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { FILE_MODE } from '../fs/private-files';

/**
 * The identity of the accounts schema, made by the build from the sources that define it (scripts/build.mjs).
 * Where nothing defines it (tests run from the sources), nothing is noted and every read is validated.
 */
export const BUILT_SCHEMA_ID: string | undefined = process.env.OUTBOX_ACCOUNTS_SCHEMA_ID || undefined;

const NOTE_VERSION = 1;

export class AccountsCheckNote {
  private readonly notePath: string;
  private last: { bytes: Uint8Array; sha256: string } | undefined;

  constructor(
    filePath: string,
    private readonly schemaId: string,
  ) {
    this.notePath = `${filePath}.checked`;
  }

  /** Whether these bytes are the ones that passed this schema last. */
  matches(bytes: Uint8Array): boolean {
    let note: unknown;
    try {
      note = JSON.parse(readFileSync(this.notePath, 'utf8'));
    } catch {
      return false;
    }
    const { v, schema, sha256 } = (note ?? {}) as { v?: unknown; schema?: unknown; sha256?: unknown };
    return v === NOTE_VERSION && schema === this.schemaId && sha256 === this.digest(bytes);
  }

  /** Notes that these bytes passed (best effort: a note that cannot be written is simply not there). */
  record(bytes: Uint8Array): void {
    const temp = `${this.notePath}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, JSON.stringify({ v: NOTE_VERSION, schema: this.schemaId, sha256: this.digest(bytes) }), { mode: FILE_MODE });
      renameSync(temp, this.notePath);
    } catch {
      try {
        rmSync(temp, { force: true });
      } catch {
        // Left for the next write under this pid to replace.
      }
    }
  }

  private digest(bytes: Uint8Array): string {
    if (this.last?.bytes !== bytes) this.last = { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
    return this.last.sha256;
  }
}
