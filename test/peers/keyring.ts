// Whether a real Secret Service (the throwaway gnome-keyring that scripts/test.mjs starts) is there for tests,
// and describeKeyring(), which skips keychain suites without one on a laptop but fails them under CI; filesContaining()
// looks for a leaked secret on disk.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'vitest';

export function keyringAvailable(): boolean {
  return process.env.OUTBOX_TEST_KEYRING === '1';
}

export function keyringUnavailableReason(): string {
  return process.env.OUTBOX_TEST_KEYRING_REASON ?? 'the tests were not started with `npm test`, which starts a test keyring';
}

export function onCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && !['', '0', 'false'].includes(ci.toLowerCase());
}

/** describe() for suites that need the real keychain: skipped with the reason on a laptop, failing under CI. */
export function describeKeyring(name: string, body: () => void): void {
  if (keyringAvailable()) {
    describe(name, body);
  } else if (onCi()) {
    describe(name, () => {
      it('has a test keyring to run against', () => {
        throw new Error(`No test keyring under CI: ${keyringUnavailableReason()}`);
      });
    });
  } else {
    describe.skip(`${name} (skipped: no test keyring: ${keyringUnavailableReason()})`, body);
  }
}

/** Files under `folder` whose bytes contain `needle`: a secret must be found in none of the app's files. */
export async function filesContaining(folder: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(needle)) hits.push(file);
  }
  return hits;
}
