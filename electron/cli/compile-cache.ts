// The `outbox` command starts once per message, so compiling its code is a large share of each run.
// Node ≥ 22 (and the app's Electron) keep a compile cache of their own: module.enableCompileCache().
// On older Node, the same idea for this program's own chunks only: V8's code cache for each file, kept in a
// folder of this user's (mode 0700, checked before use), keyed by file name (the build names chunks by content
// hash), size, modification time and Node version; V8 itself refuses data made for other source or flags, and then the file is
// compiled as usual and the cache written again. Nothing here is needed for the command to work: any failure
// leaves Node's ordinary loading in place.
import fs from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { usePacks, type NodeModule } from './chunk-packs';

interface ModuleInternals {
  prototype: { _compile(this: NodeModule, content: string, filename: string): unknown };
  _resolveFilename(request: string, parent: NodeModule, isMain: boolean, options?: { paths?: string[] }): string;
  _cache: Record<string, unknown>;
  _load(request: string, parent: NodeModule | null, isMain: boolean): unknown;
  wrap(script: string): string;
}

/** The folder Node ≥ 22 would use too, with the user id so that users never share one. */
function cacheRoot(env: NodeJS.ProcessEnv): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return path.join(env.OUTBOX_COMPILE_CACHE_DIR || os.tmpdir(), `outbox-compile-cache-${uid}`);
}

/** A folder only this user can write: anything else (a symlink, another owner, group or world write) is not used. */
function privateFolder(dir: string): boolean {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(dir);
    if (!stat.isDirectory()) return false;
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) return false;
    return (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

/**
 * Which kind of run this is, for the cache: V8's cache of a file holds the functions the run that made it compiled,
 * and the first run after an install is most often `outbox account add`, whose cache of the files every command
 * shares would leave each later send compiling its own functions again. So each kind of run keeps its own: the
 * command's name, a queue-only send apart from one that attempts. A guess from the command line, before it is
 * parsed: a wrong guess costs time, nothing else.
 */
export function cacheVariant(argv: readonly string[], invokedAs = ''): string {
  const sendmail = /^sendmail(\.c?js)?$/.test(path.basename(invokedAs));
  const first = argv.find((arg, i) => !arg.startsWith('-') && argv[i - 1] !== '--data-dir');
  const command = sendmail || first === undefined || !/^[a-z]+$/.test(first) ? 'send' : first;
  if (command !== 'send') return command;
  return argv.some((arg) => arg === '--queue-only' || arg === '-odq' || arg === '-odd') ? 'send-queue' : 'send';
}

/**
 * Turns the compile cache on for the code loaded after this call (`ownDir`: the folder of this program's
 * built files; `variant`: cacheVariant()). Returns how: 'node' (Node's own), 'v8' (this file's), or 'off'.
 */
export function enableCompileCache(ownDir: string, variant = 'any', env: NodeJS.ProcessEnv = process.env): 'node' | 'v8' | 'off' {
  if (env.NODE_DISABLE_COMPILE_CACHE) return 'off';
  const nodeOwn = (Module as unknown as { enableCompileCache?: (dir?: string) => unknown }).enableCompileCache;
  if (typeof nodeOwn === 'function') {
    try {
      nodeOwn();
      return 'node';
    } catch {
      return 'off';
    }
  }
  // Stack traces through a source map need Node's own loading of each file.
  if ((process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) return 'off';
  // Both levels are checked: whoever can write the outer folder could swap the inner one.
  const own = ownDir.endsWith(path.sep) ? ownDir : `${ownDir}${path.sep}`;
  const root = cacheRoot(env);
  const runtime = path.join(root, `${process.version}-${process.arch}`);
  // A folder per installed copy: two copies (an installed app, a checkout) never prune each other's files.
  const dir = path.join(runtime, installKey(own));
  if (!privateFolder(root) || !privateFolder(runtime) || !privateFolder(dir)) return 'off';
  const internals = Module as unknown as ModuleInternals;
  const compile = internals.prototype._compile;
  const pending: { file: string; script: vm.Script }[] = [];

  internals.prototype._compile = function compileWithCache(this: NodeModule, content: string, filename: string): unknown {
    if (!filename.startsWith(own)) return compile.call(this, content, filename);
    // The build names chunks by content hash; length and modification time also tell a rewritten file apart.
    let stamp: string;
    try {
      stamp = `${content.length}-${Math.trunc(fs.statSync(filename).mtimeMs)}`;
    } catch {
      return compile.call(this, content, filename);
    }
    const file = path.join(dir, `${cacheKey(own, filename)}@${variant}-${stamp}.v8`);
    const cachedData = readInto(file);
    const script = new vm.Script(internals.wrap(content), { filename, cachedData });
    if (!cachedData || script.cachedDataRejected) pending.push({ file, script });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    return wrapper.call(this.exports, this.exports, requireFor(this, internals), this, filename, path.dirname(filename));
  };
  // Packs pay off with this cache only: each is one script, and its cache holds what the run used of its chunks.
  usePacks(path.join(own, 'chunks'), {
    load: (file) => internals._load(file, null, false),
    requireFor: (module) => requireFor(module, internals),
  });

  // Made after the run, the cache holds the functions this command compiled, not only the top level.
  process.once('exit', () => {
    if (pending.length === 0) return;
    for (const { file, script } of pending) {
      try {
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(temp, file);
      } catch {
        // A cache that cannot be written costs the next run its compile time, nothing else.
      }
    }
    // Something was compiled afresh, most often because the program was updated: the cache of files that are
    // gone goes too, as do the folders of copies and runtimes not used for a month.
    pruneCache(dir, own);
    pruneUnused(runtime, dir);
    pruneUnused(root, runtime);
  });
  return 'v8';
}

/** How long the cache folder of a copy (or a runtime) nobody runs any more is kept. */
const UNUSED_FOLDER_MS = 30 * 24 * 3600_000;

/** The cache file's name for one of the program's files: its path in the program's folder, flattened. */
function cacheKey(own: string, filename: string): string {
  return path.relative(own, filename).replace(/[\\/]/g, '_');
}

/** A short name for the program's folder (FNV-1a): node:crypto is not loaded for this. */
function installKey(own: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < own.length; i++) hash = Math.imul(hash ^ own.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

/**
 * Keeps, for each of the program's files still there and each kind of run, its newest cache file; the cache of
 * files a later build removed, older caches of the same file and temporary files left by a run that was killed are
 * deleted.
 */
function pruneCache(dir: string, own: string): void {
  try {
    const present = new Set<string>();
    for (const name of fs.readdirSync(own)) if (name.endsWith('.cjs')) present.add(cacheKey(own, path.join(own, name)));
    const chunks = path.join(own, 'chunks');
    if (fs.existsSync(chunks))
      for (const name of fs.readdirSync(chunks)) if (name.endsWith('.cjs')) present.add(cacheKey(own, path.join(chunks, name)));
    const newest = new Map<string, { name: string; mtimeMs: number }>();
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      const match = /^(.*)-\d+-\d+\.v8$/.exec(name);
      if (!match) {
        // A temporary file of a run killed while writing (older than any run lasts), or something not ours to keep.
        if (name.endsWith('.tmp') && now - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
        continue;
      }
      const key = match[1]!;
      // Files of the layout before variants (no @) go too.
      if (!present.has(key.split('@')[0]!) || !key.includes('@')) {
        fs.rmSync(file, { force: true });
        continue;
      }
      const mtimeMs = fs.statSync(file).mtimeMs;
      const kept = newest.get(key);
      if (!kept) newest.set(key, { name, mtimeMs });
      else if (kept.mtimeMs < mtimeMs) {
        fs.rmSync(path.join(dir, kept.name), { force: true });
        newest.set(key, { name, mtimeMs });
      } else fs.rmSync(file, { force: true });
    }
  } catch {
    // Pruning is housekeeping: whatever is left is tried again after the next fresh compile.
  }
}

/**
 * Removes the folders beside `current` in `parent` that nothing has written to for a month, and the cache files
 * that versions before the folder per copy kept there directly.
 */
function pruneUnused(parent: string, current: string): void {
  try {
    const now = Date.now();
    for (const name of fs.readdirSync(parent)) {
      const entry = path.join(parent, name);
      if (entry === current) continue;
      const stat = fs.lstatSync(entry);
      if (stat.isDirectory() && now - stat.mtimeMs > UNUSED_FOLDER_MS) fs.rmSync(entry, { recursive: true, force: true });
      else if (stat.isFile() && /\.(v8|tmp)$/.test(name)) fs.rmSync(entry, { force: true });
    }
  } catch {
    // As above.
  }
}

/**
 * One buffer for every cache file read: V8 takes the data in while the script is made, so the next file may
 * overwrite it. A command reads about 40 of them; one buffer at a time keeps that memory off its peak.
 */
let shared = Buffer.alloc(0);

function readInto(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    if (shared.length < size) shared = Buffer.allocUnsafe(Math.max(size, 256 * 1024));
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, shared, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return shared.subarray(0, read);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The `require` a CommonJS module gets (Node's own builds it internally). */
function requireFor(module: NodeModule, internals: ModuleInternals): NodeJS.Require {
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  require.resolve = ((request: string, options?: { paths?: string[] }) =>
    internals._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  require.resolve.paths = (request: string) =>
    (Module as unknown as { _resolveLookupPaths(r: string, m: NodeModule): string[] | null })._resolveLookupPaths(request, module);
  require.cache = internals._cache as NodeJS.Require['cache'];
  require.main = process.mainModule;
  return require;
}
