// The CLI build's packs (scripts/build-cli.mjs, packChunks): each chunk a stage of a send loads goes in exactly one
// pack, a chunk two stages share in the first (which every send loads first), a chunk the entry loads itself in
// none; a pack runs each chunk's code as its own file would; a stage whose entry is gone fails the build.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import { packChunks, PACKS } from '../../scripts/build-cli.mjs';

type Pack = { name: string; entries: string[] };
type Import = { path: string; kind: string; external?: boolean };
const stages = PACKS as Pack[];
const pack = packChunks as (
  outdir: string,
  metafile: { outputs: Record<string, { entryPoint?: string; imports: Import[] }> },
  texts: Map<string, string>,
  root: string,
) => { path: string; text: string }[];

const ROOT = '/project';
const OUT = path.join(ROOT, 'dist/cli');
const at = (name: string) => `dist/cli/chunks/${name}`;

/** A build: the entry, one output per stage entry (each importing what `extra` gives it), and every chunk's text. */
function build(extra: Record<string, string[]>, chunks: Record<string, string[]> = {}) {
  const outputs: Record<string, { entryPoint?: string; imports: Import[] }> = {
    'dist/cli/outbox.cjs': {
      entryPoint: 'electron/cli/main.ts',
      imports: [
        { path: at('runtime.cjs'), kind: 'import-statement' },
        { path: 'node:fs', kind: 'import-statement', external: true },
      ],
    },
    [at('runtime.cjs')]: { imports: [] },
  };
  const entryFile = (source: string) => at(`${path.basename(source, '.ts')}-ENTRY.cjs`);
  for (const stage of stages)
    for (const source of stage.entries)
      outputs[entryFile(source)] = {
        entryPoint: source,
        imports: [
          { path: at('runtime.cjs'), kind: 'import-statement' },
          ...(extra[source] ?? []).map((c) => ({ path: at(c), kind: 'import-statement' })),
          { path: at('lazy-LATER.cjs'), kind: 'dynamic-import' },
        ],
      };
  for (const [chunk, imports] of Object.entries(chunks))
    outputs[at(chunk)] = { imports: imports.map((c) => ({ path: at(c), kind: 'import-statement' })) };
  for (const chunk of Object.keys(extra).flatMap((s) => extra[s]!)) outputs[at(chunk)] ??= { imports: [] };
  outputs[at('lazy-LATER.cjs')] = { imports: [] };
  const texts = new Map(
    Object.keys(outputs).map((out) => [
      path.join(ROOT, out),
      `"use strict";\nexports.name = ${JSON.stringify(path.basename(out))};\nexports.dir = __dirname;\n//# sourceMappingURL=${path.basename(out)}.map\n`,
    ]),
  );
  return { outputs, texts, entryFile };
}

const START = stages[0]!.entries[0]!;
const ATTEMPT = stages.find((s) => s.name === 'attempt')!.entries.at(-1)!;
const DROP = stages.find((s) => s.name === 'drop')!.entries[0]!;

describe('the CLI build packs', () => {
  it('put each chunk in one pack: shared by two stages in the first, loaded by the entry in none', () => {
    const { outputs, texts, entryFile } = build(
      { [START]: ['ctx-A.cjs'], [ATTEMPT]: ['smtp-B.cjs', 'spool-C.cjs'], [DROP]: ['spool-C.cjs', 'drop-D.cjs'] },
      { 'smtp-B.cjs': ['deep-E.cjs'], 'deep-E.cjs': [] },
    );
    const files = pack(OUT, { outputs }, texts, ROOT);
    const manifest = JSON.parse(files.find((f) => f.path.endsWith('packs.json'))!.text) as Record<string, string>;
    const stageOf = (chunk: string) => manifest[chunk]?.replace(/^pack-(\w+)-[0-9a-f]{8}\.cjs$/, '$1');
    expect(stageOf('ctx-A.cjs')).toBe('start');
    expect(stageOf('spool-C.cjs')).toBe('start');
    expect(stageOf('smtp-B.cjs')).toBe('attempt');
    expect(stageOf('deep-E.cjs')).toBe('attempt');
    expect(stageOf('drop-D.cjs')).toBe('drop');
    expect(stageOf(path.basename(entryFile(ATTEMPT)))).toBe('attempt');
    expect(stageOf('runtime.cjs')).toBeUndefined();
    // Loaded on demand later, by a chunk of a pack: not part of any stage.
    expect(stageOf('lazy-LATER.cjs')).toBeUndefined();
    for (const file of files) if (!file.path.endsWith('.json')) expect(path.dirname(file.path)).toBe(path.join(OUT, 'chunks'));
  });

  it('run each chunk as its own file would, without its source map comment', () => {
    const { outputs, texts } = build({ [START]: ['ctx-A.cjs'] });
    const files = pack(OUT, { outputs }, texts, ROOT);
    const start = files.find((f) => /pack-start-/.test(f.path))!;
    expect(start.text).not.toContain('sourceMappingURL');
    const module = { exports: {} as Record<string, (...a: unknown[]) => void> };
    new Function('module', 'exports', 'require', start.text)(module, module.exports, () => undefined);
    const chunk = { exports: {} as Record<string, unknown> };
    module.exports['ctx-A.cjs']!.call(chunk.exports, chunk.exports, () => undefined, chunk, '/x/ctx-A.cjs', '/x');
    expect(chunk.exports).toEqual({ name: 'ctx-A.cjs', dir: '/x' });
  });

  it('fail the build when a stage names an entry the command no longer imports', () => {
    const { outputs, texts, entryFile } = build({});
    delete outputs[entryFile(DROP)]!.entryPoint;
    expect(() => pack(OUT, { outputs }, texts, ROOT)).toThrow(/no longer imported dynamically/);
  });
});
