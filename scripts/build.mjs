// Builds the Node-side bundles (main, preload, cli, bench) with esbuild and, unless --node-only, the renderer with Vite.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { buildCli } from './build-cli.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nodeOnly = process.argv.includes('--node-only');

/**
 * The accounts schema's identity: the sources that define what a valid accounts.json is, and zod's version. A file
 * that passed under one identity is taken without validating again only under the same (core/accounts/accounts-checked.ts).
 */
function accountsSchemaId() {
  const hash = createHash('sha256');
  for (const file of ['electron/shared/account.ts', 'electron/shared/lazy.ts', 'electron/core/accounts/accounts-file.ts'])
    hash.update(readFileSync(path.join(root, file)));
  hash.update(JSON.parse(readFileSync(path.join(root, 'node_modules/zod/package.json'), 'utf8')).version);
  return hash.digest('hex').slice(0, 32);
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // keytar is a native module; electron is provided by the runtime.
  external: ['electron', 'keytar'],
  // OAuth client ids are public values for a desktop client; baked in at build time, empty when not given.
  define: {
    'process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_ID': JSON.stringify(process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_ID ?? ''),
    'process.env.OUTBOX_OAUTH_MICROSOFT_CLIENT_ID': JSON.stringify(process.env.OUTBOX_OAUTH_MICROSOFT_CLIENT_ID ?? ''),
    // Google's Desktop-app secret is not confidential (it ships in every copy); Microsoft's public client has none.
    'process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_SECRET': JSON.stringify(process.env.OUTBOX_OAUTH_GOOGLE_CLIENT_SECRET ?? ''),
    'process.env.OUTBOX_ACCOUNTS_SCHEMA_ID': JSON.stringify(accountsSchemaId()),
  },
};

const targets = {
  main: { ...common, entryPoints: ['electron/main/index.ts'], outfile: 'dist/main/index.cjs' },
  // Sandboxed preloads may only require 'electron': bundle everything else in.
  preload: {
    ...common,
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    platform: 'browser',
    target: 'chrome140',
    external: ['electron'],
  },
  // The command starts once per message: split into chunks loaded on demand (scripts/build-cli.mjs).
  cli: { build: () => buildCli(common, root) },
  bench: { ...common, entryPoints: ['bench/index.ts'], outfile: 'dist/bench/index.cjs' },
};

export async function buildNode(names = Object.keys(targets)) {
  await Promise.all(names.map((name) => (targets[name].build ? targets[name].build() : build(targets[name]))));
}

export function buildRenderer() {
  const r = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'renderer/vite.config.ts'],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error('renderer build failed');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildNode();
  if (!nodeOnly) buildRenderer();
}
