// The permission check shared by the file-mode tests: what in a folder is not private to the user.
import fs from 'node:fs/promises';
import path from 'node:path';

/** Every entry under `root` whose permission bits are not 0600 (files) or 0700 (folders), as "mode path". */
export async function widerThanPrivate(root: string): Promise<string[]> {
  const wrong: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const mode = (await fs.lstat(full)).mode & 0o777;
      const want = entry.isDirectory() ? 0o700 : 0o600;
      if (mode !== want) wrong.push(`${mode.toString(8)} ${path.relative(root, full)}`);
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(root);
  return wrong;
}
