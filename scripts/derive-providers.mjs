// Regenerates electron/core/autodetect/data/ (providers.json + LICENSE) from a Thunderbird ISPDB checkout,
// using the app's own parser so the data and the live lookups read XML the same way. Run by a developer:
//   node scripts/derive-providers.mjs [path/to/ispdb]     (default: ../shared/ispdb beside the clone)
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ispdb = path.resolve(process.argv[2] ?? path.join(root, '..', 'shared', 'ispdb'));
const dataDir = path.join(root, 'electron', 'core', 'autodetect', 'data');

// The parser is TypeScript; bundle it to a temporary module rather than keep a second copy in JS.
async function loadParser() {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-derive-'));
  const outfile = path.join(tmp, 'config-xml.mjs');
  try {
    await build({
      entryPoints: [path.join(root, 'electron', 'core', 'autodetect', 'config-xml.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      logLevel: 'error',
    });
    return await import(pathToFileURL(outfile).href);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** One provider per line: compact, and a change to one provider is a one-line diff. */
export function formatProviderData(data) {
  const lines = data.providers.map((p) => '  ' + JSON.stringify(p));
  return `{\n "source": ${JSON.stringify(data.source)},\n "providers": [\n${lines.join(',\n')}\n ]\n}\n`;
}

async function main() {
  const names = (await fs.readdir(ispdb)).filter((n) => n.endsWith('.xml'));
  if (names.length === 0) throw new Error(`no .xml files in ${ispdb}`);
  const files = await Promise.all(names.map(async (name) => ({ name, xml: await fs.readFile(path.join(ispdb, name), 'utf8') })));
  const { deriveProviderData } = await loadParser();
  const { data, warnings } = deriveProviderData(files);
  for (const w of warnings) console.warn(`[derive-providers] ${w}`);

  const seen = new Map();
  for (const p of data.providers) {
    for (const d of p.domains) {
      if (seen.has(d)) console.warn(`[derive-providers] domain ${d} is listed by ${seen.get(d)} and ${p.id}; the first wins`);
      else seen.set(d, p.id);
    }
  }

  await fs.mkdir(dataDir, { recursive: true });
  await fs.writeFile(path.join(dataDir, 'providers.json'), formatProviderData(data));
  // Written, not copied, so a read-only source file does not make the copy read-only too.
  await fs.writeFile(path.join(dataDir, 'LICENSE'), await fs.readFile(path.join(ispdb, 'LICENSE')));
  console.log(
    `[derive-providers] ${data.providers.length} providers from ${names.length} files in ${ispdb} -> ${path.relative(root, dataDir)}`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[derive-providers] ${error.message}`);
    process.exit(1);
  });
}
