// The command's compile cache (electron/cli/compile-cache.ts) is an optimisation only: a damaged cache, a cache
// folder others could write, or a folder swapped for a symlink must never change what the command does, and the
// last two must never be read or written. On Node >= 22 Node's own cache is used and these folders stay empty.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { relayAccountArgs, runCli, sampleEml, Workspace } from './harness';

const nodeOwnCache = typeof (Module as { enableCompileCache?: unknown }).enableCompileCache === 'function';
const uid = process.getuid?.() ?? 'user';

let ws: Workspace;
let cacheParent: string;

beforeAll(() => {
  ws = new Workspace();
  cacheParent = mkdtempSync(path.join(os.tmpdir(), 'outbox-cache-test-'));
});

afterAll(() => {
  ws?.remove();
  rmSync(cacheParent, { recursive: true, force: true });
});

/** Every cache file under `root` (runtime/copy/file), with its bytes. */
function cacheFiles(root: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  if (!existsSync(root)) return files;
  for (const version of readdirSync(root)) {
    for (const copy of readdirSync(path.join(root, version))) {
      const dir = path.join(root, version, copy);
      if (!statSync(dir).isDirectory()) continue;
      for (const name of readdirSync(dir)) files.set(path.join(dir, name), readFileSync(path.join(dir, name)));
    }
  }
  return files;
}

function run(args: string[], parent: string, extra: Record<string, string> = {}) {
  return runCli(args, { env: { OUTBOX_COMPILE_CACHE_DIR: parent, OUTBOX_DATA_DIR: ws.dataDir, ...extra }, input: sampleEml() });
}

describe.skipIf(nodeOwnCache)('the command compile cache (Node without its own)', () => {
  it('is written on the first run and the command behaves the same with it', async () => {
    const parent = path.join(cacheParent, 'fresh');
    mkdirSync(parent);
    const first = await run(['--version'], parent);
    expect(first).toMatchObject({ code: 0, stdout: `outbox ${packageJson.version}\n`, stderr: '' });
    const root = path.join(parent, `outbox-compile-cache-${uid}`);
    expect(cacheFiles(root).size).toBeGreaterThan(0);
    const second = await run(['--version'], parent);
    expect(second).toEqual(first);
  });

  it('survives cache files overwritten with garbage: same output, and the cache is made again', async () => {
    const parent = path.join(cacheParent, 'garbage');
    mkdirSync(parent);
    const help = await run(['--help'], parent);
    expect(help.code).toBe(0);
    const root = path.join(parent, `outbox-compile-cache-${uid}`);
    const before = cacheFiles(root);
    expect(before.size).toBeGreaterThan(0);
    for (const file of before.keys()) writeFileSync(file, Buffer.from('not a V8 code cache at all '.repeat(50)));
    const again = await run(['--help'], parent);
    expect(again).toEqual(help);
    for (const [file, bytes] of cacheFiles(root)) {
      if (before.has(file)) expect(bytes.toString('latin1')).not.toContain('not a V8 code cache');
    }
  });

  it('keeps only what the program can still use: files of removed chunks, old runtimes and copies unused for a month go', async () => {
    const parent = path.join(cacheParent, 'prune');
    mkdirSync(parent);
    expect((await run(['--version'], parent)).code).toBe(0);
    const root = path.join(parent, `outbox-compile-cache-${uid}`);
    const [runtime] = readdirSync(root);
    const runtimeDir = path.join(root, runtime!);
    const [copy] = readdirSync(runtimeDir);
    const dir = path.join(runtimeDir, copy!);
    const kept = [...cacheFiles(root).keys()];
    expect(kept.length).toBeGreaterThan(0);
    // What an earlier build, an older layout, another runtime and other copies of the program left behind.
    const monthAgo = new Date(Date.now() - 40 * 24 * 3600_000);
    const gone = path.join(dir, 'chunks_chunk-GONE0000.cjs-1234-1700000000000.v8');
    writeFileSync(gone, 'cache of a chunk a later build removed');
    const flat = path.join(runtimeDir, 'chunks_program-OLDLAYOUT.cjs-1-2.v8');
    writeFileSync(flat, 'cache file of the layout before folders per copy');
    const oldRuntime = path.join(root, 'v18.0.0-x64');
    mkdirSync(path.join(oldRuntime, 'abcdef01'), { recursive: true, mode: 0o700 });
    utimesSync(oldRuntime, monthAgo, monthAgo);
    const unusedCopy = path.join(runtimeDir, '0badc0de');
    mkdirSync(unusedCopy, { mode: 0o700 });
    writeFileSync(path.join(unusedCopy, 'outbox.cjs-1-2.v8'), 'x');
    utimesSync(unusedCopy, monthAgo, monthAgo);
    const recentCopy = path.join(runtimeDir, '12345678');
    mkdirSync(recentCopy, { mode: 0o700 });
    // Nothing new was compiled: nothing is pruned.
    expect((await run(['--version'], parent)).code).toBe(0);
    expect(existsSync(gone)).toBe(true);
    // A file compiled afresh (its cache damaged, as after an update) prunes the rest.
    writeFileSync(kept[0]!, 'damaged');
    const again = await run(['--version'], parent);
    expect(again).toMatchObject({ code: 0, stdout: `outbox ${packageJson.version}\n` });
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(flat)).toBe(false);
    expect(existsSync(oldRuntime)).toBe(false);
    expect(existsSync(unusedCopy)).toBe(false);
    expect(existsSync(recentCopy)).toBe(true);
    expect([...cacheFiles(root).keys()].sort()).toEqual(kept.sort());
  });

  it('keeps a cache per kind of run, so a send never runs on the cache that account add made of the files they share', async () => {
    const parent = path.join(cacheParent, 'variants');
    mkdirSync(parent);
    const add = await run([...relayAccountArgs('Ann', 'ann@example.com', '127.0.0.1', '9')], parent);
    expect(add.code, add.stderr).toBe(0);
    const root = path.join(parent, `outbox-compile-cache-${uid}`);
    const afterAdd = [...cacheFiles(root).keys()];
    const queued = await run(['send', '-t', '--queue-only'], parent);
    expect(queued.code, queued.stderr).toBe(0);
    const made = [...cacheFiles(root).keys()].filter((f) => !afterAdd.includes(f));
    // The program and the context serve both commands (from the pack of what every send loads first): each kind of
    // run has its own cache of them.
    const kinds = (file: string) =>
      [...cacheFiles(root).keys()]
        .map((f) => path.basename(f))
        .filter((f) => f.startsWith(`chunks_${file}-`))
        .map((f) => /@(.+)-\d+-\d+\.v8$/.exec(f)?.[1]);
    expect(kinds('pack-start').sort()).toEqual(['account', 'send-queue']);
    expect(made.every((f) => path.basename(f).includes('@send-queue-'))).toBe(true);
    // The same kind of run again reads its own: nothing new is written.
    const again = await run(['send', '-t', '--queue-only'], parent);
    expect(again.code).toBe(0);
    expect(cacheFiles(root).size).toBe(afterAdd.length + made.length);
  });

  it('neither reads nor writes a cache folder that others can write', async () => {
    const parent = path.join(cacheParent, 'open');
    const root = path.join(parent, `outbox-compile-cache-${uid}`);
    mkdirSync(root, { recursive: true });
    chmodSync(root, 0o777);
    const r = await run(['--version'], parent);
    expect(r).toMatchObject({ code: 0, stdout: `outbox ${packageJson.version}\n` });
    expect(cacheFiles(root).size).toBe(0);
  });

  it('does not follow a cache folder replaced by a symlink', async () => {
    const parent = path.join(cacheParent, 'link');
    const elsewhere = path.join(cacheParent, 'elsewhere');
    mkdirSync(parent);
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, path.join(parent, `outbox-compile-cache-${uid}`));
    const r = await run(['--version'], parent);
    expect(r.code).toBe(0);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('is off with NODE_DISABLE_COMPILE_CACHE, and a queue-only send still queues the message', async () => {
    const parent = path.join(cacheParent, 'disabled');
    mkdirSync(parent);
    const add = await run([...relayAccountArgs('Ann', 'ann@example.com', '127.0.0.1', '9')], parent, {
      NODE_DISABLE_COMPILE_CACHE: '1',
    });
    expect(add.code, add.stderr).toBe(0);
    const sent = await run(['send', '-t', '--queue-only'], parent, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(sent.code, sent.stderr).toBe(0);
    const id = sent.stdout.trim();
    const show = await run(['show', id, '--json'], parent, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(JSON.parse(show.stdout)).toMatchObject({ id, state: 'queued' });
    expect(existsSync(path.join(parent, `outbox-compile-cache-${uid}`))).toBe(false);
  });
});
