// Builds the `outbox` command once per run, for the tests that drive it as a child process, and on a clean clone
// the app's bundles the packaging suites (test/build) pack: once here, before any file runs, because two suites
// building dist/ at the same time would delete each other's renderer assets mid-pack.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNode, buildRenderer } from '../scripts/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const APP_BUNDLES = ['dist/main/index.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html'];

export default async function setup(): Promise<void> {
  await buildNode(['cli']);
  if (APP_BUNDLES.some((file) => !existsSync(path.join(root, file)))) {
    await buildNode(['main', 'preload']);
    buildRenderer();
  }
}
