// Takes the chunks a send loads from their packs (scripts/build-cli.mjs: PACKS), one file and one script per stage
// of a send instead of one per chunk. Node still finds each chunk by its name and keeps it as a module of its own;
// only where its code comes from changes. A chunk not packed, or a pack that cannot be read, loads from its own file.
import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';

type Wrapper = (exports: unknown, require: NodeJS.Require, module: NodeModule, filename: string, dirname: string) => void;

export interface NodeModule {
  exports: unknown;
  filename: string;
  paths: string[];
  require(id: string): unknown;
}

interface Loaders {
  _extensions: Record<string, (module: NodeModule, filename: string) => void>;
}

export interface PackLoading {
  /** Loads a file as a module of Node's (a pack), so that the compile cache serves it as any chunk. */
  load(file: string): unknown;
  /** The require a chunk gets, as Node makes it. */
  requireFor(module: NodeModule): NodeJS.Require;
}

/** From now on, a chunk named in `chunksDir`/packs.json runs from its pack. Returns whether packs are in use. */
export function usePacks(chunksDir: string, { load, requireFor }: PackLoading): boolean {
  let manifest: Record<string, string>;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(chunksDir, 'packs.json'), 'utf8')) as Record<string, string>;
  } catch {
    return false;
  }
  const own = chunksDir.endsWith(path.sep) ? chunksDir : `${chunksDir}${path.sep}`;
  const loaders = Module as unknown as Loaders;
  const loadJs = loaders._extensions['.js']!;
  const packs = new Map<string, Record<string, Wrapper> | null>();

  const packOf = (name: string): Record<string, Wrapper> | null => {
    let pack = packs.get(name);
    if (pack === undefined) {
      try {
        pack = load(path.join(own, name)) as Record<string, Wrapper>;
      } catch {
        pack = null;
      }
      packs.set(name, pack);
    }
    return pack;
  };

  loaders._extensions['.js'] = function loadPacked(module: NodeModule, filename: string): void {
    const name = filename.startsWith(own) ? filename.slice(own.length) : undefined;
    const packName = name === undefined ? undefined : manifest[name];
    const wrapper = packName === undefined ? undefined : packOf(packName)?.[name!];
    if (!wrapper) return loadJs.call(this, module, filename);
    wrapper.call(module.exports, module.exports, requireFor(module), module, filename, path.dirname(filename));
  };
  return true;
}
