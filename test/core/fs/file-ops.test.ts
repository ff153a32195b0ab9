// core/fs/file-ops.ts: the same file operations on the thread pool (the app) or inline (a one-shot command). Whatever
// sequence of operations runs, both ways give the same values, the same errors and the same files on disk; an open
// file's stream that closed its descriptor never lets close() close another file that got the same number.
import fc from 'fast-check';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileOps, fileOpsFor, runFileOpsInline, type FileOps } from '../../../electron/core/fs/file-ops';
import { writeFileDurable } from '../../../electron/core/fs/durable-write';
import { appendAll } from '../../../electron/core/fs/write-all';

const roots: string[] = [];
afterEach(async () => {
  await Promise.all(roots.splice(0).map((r) => fs.rm(r, { recursive: true, force: true })));
});

async function tempRoot(): Promise<string> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-file-ops-'));
  roots.push(root);
  return root;
}

const NAMES = ['a', 'b', 'd', 'd/x', 'd/e', 'd/e/y', 'l'] as const;
const name = fc.constantFrom(...NAMES);
const text = fc.string({ maxLength: 40 });
const mode = fc.constantFrom(0o600, 0o644, 0o700, 0o755);

/** One operation, run against a root with one FileOps. */
type Op = { label: string; run: (ops: FileOps, root: string) => Promise<unknown> };

const at = (root: string, p: string) => path.join(root, p);

/** What a Stats says that both ways must agree on (times and inode numbers differ between two folders). */
function statView(s: fsSync.Stats) {
  return { size: s.size, mode: s.mode & 0o7777, file: s.isFile(), dir: s.isDirectory(), link: s.isSymbolicLink() };
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(name, text, mode).map(([p, t, m]) => ({
    label: `writeFile ${p}`,
    run: (ops: FileOps, r: string) => ops.writeFile(at(r, p), t, { mode: m }),
  })),
  name.map((p) => ({ label: `readFile ${p}`, run: (ops: FileOps, r: string) => ops.readFile(at(r, p), 'utf8') })),
  name.map((p) => ({ label: `readFile bytes ${p}`, run: async (ops: FileOps, r: string) => [...(await ops.readFile(at(r, p)))] })),
  name.map((p) => ({ label: `stat ${p}`, run: async (ops: FileOps, r: string) => statView(await ops.stat(at(r, p))) })),
  name.map((p) => ({ label: `lstat ${p}`, run: async (ops: FileOps, r: string) => statView(await ops.lstat(at(r, p))) })),
  name.map((p) => ({ label: `readdir ${p}`, run: async (ops: FileOps, r: string) => (await ops.readdir(at(r, p))).sort() })),
  name.map((p) => ({
    label: `readdir types ${p}`,
    run: async (ops: FileOps, r: string) =>
      (await ops.readdir(at(r, p), { withFileTypes: true })).map((d) => [d.name, d.isFile(), d.isDirectory()]).sort(),
  })),
  fc.tuple(name, fc.boolean(), mode).map(([p, recursive, m]) => ({
    label: `mkdir ${p} ${recursive}`,
    run: async (ops: FileOps, r: string) => {
      const made = await ops.mkdir(at(r, p), { recursive, mode: m });
      return made === undefined ? made : path.relative(r, made);
    },
  })),
  fc.tuple(name, name).map(([p, q]) => ({ label: `rename ${p} ${q}`, run: (ops: FileOps, r: string) => ops.rename(at(r, p), at(r, q)) })),
  name.map((p) => ({ label: `unlink ${p}`, run: (ops: FileOps, r: string) => ops.unlink(at(r, p)) })),
  fc.tuple(name, fc.boolean(), fc.boolean()).map(([p, recursive, force]) => ({
    label: `rm ${p} ${recursive} ${force}`,
    run: (ops: FileOps, r: string) => ops.rm(at(r, p), { recursive, force }),
  })),
  name.map((p) => ({ label: `access ${p}`, run: (ops: FileOps, r: string) => ops.access(at(r, p)) })),
  fc.tuple(name, mode).map(([p, m]) => ({ label: `chmod ${p}`, run: (ops: FileOps, r: string) => ops.chmod(at(r, p), m) })),
  fc.tuple(name, name).map(([target, p]) => ({
    label: `symlink ${target} ${p}`,
    run: (ops: FileOps, r: string) => ops.symlink(target, at(r, p)),
  })),
  name.map((p) => ({ label: `readlink ${p}`, run: (ops: FileOps, r: string) => ops.readlink(at(r, p)) })),
  fc
    .tuple(name, name)
    .map(([p, q]) => ({ label: `copyFile ${p} ${q}`, run: (ops: FileOps, r: string) => ops.copyFile(at(r, p), at(r, q)) })),
  name.map((p) => ({
    label: `utimes ${p}`,
    run: async (ops: FileOps, r: string) => {
      await ops.utimes(at(r, p), 1_000_000, 1_000_000);
      return (await ops.stat(at(r, p))).mtimeMs;
    },
  })),
  fc
    .tuple(
      name,
      fc.constantFrom('w', 'wx', 'a', 'r', 'r+', 'w+', 'a+'),
      fc.array(fc.uint8Array({ maxLength: 30 }), { maxLength: 3 }),
      fc.nat(40),
    )
    .map(([p, flags, chunks, cut]) => ({
      label: `open ${p} ${flags}`,
      run: async (ops: FileOps, r: string) => {
        const file = await ops.open(at(r, p), flags, 0o600);
        const seen: unknown[] = [];
        const step = async (f: () => Promise<unknown>) =>
          seen.push(
            await f().then(
              (v) => ({ v }),
              (e: NodeJS.ErrnoException) => ({ e: e.code }),
            ),
          );
        try {
          await step(async () => (await file.writev(chunks)).bytesWritten);
          await step(() => file.writeFile('tail', 'utf8'));
          await step(() => file.sync());
          await step(async () => statView(await file.stat()));
          await step(() => file.truncate(cut));
          await step(async () => {
            const buffer = Buffer.alloc(64);
            const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
            return [...buffer.subarray(0, bytesRead)];
          });
          await step(() => file.chmod(0o640));
          await step(() => ops.fdatasync(file.fd));
          await step(() => appendAll(file.fd, Buffer.from('more'), ops.write));
        } finally {
          await file.close();
          await file.close();
        }
        return seen;
      },
    })),
);

/** A value or an error as both ways must give it: errors by their code. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await run() };
  } catch (error) {
    return { error: (error as NodeJS.ErrnoException).code ?? String(error) };
  }
}

/** Every entry under root: its kind, mode and bytes (or link target). */
function snapshot(root: string): unknown[] {
  const found: unknown[] = [];
  const walk = (dir: string) => {
    for (const entry of fsSync.readdirSync(dir, { withFileTypes: true }).sort((x, y) => x.name.localeCompare(y.name))) {
      const full = path.join(dir, entry.name);
      const rel = path.relative(root, full);
      const s = fsSync.lstatSync(full);
      if (entry.isSymbolicLink()) found.push([rel, 'link', fsSync.readlinkSync(full)]);
      else if (entry.isDirectory()) {
        found.push([rel, 'dir', s.mode & 0o7777]);
        walk(full);
      } else found.push([rel, 'file', s.mode & 0o7777, fsSync.readFileSync(full).toString('hex')]);
    }
  };
  walk(root);
  return found;
}

describe('file operations, on the thread pool or inline', () => {
  it('give the same values, errors and files for any sequence of operations', async () => {
    const pool = fileOpsFor('pool');
    const inline = fileOpsFor('inline');
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 14 }), async (ops) => {
        const [a, b] = [await tempRoot(), await tempRoot()];
        for (const op of ops) {
          const [viaPool, viaInline] = [await outcome(() => op.run(pool, a)), await outcome(() => op.run(inline, b))];
          expect(viaInline, op.label).toEqual(viaPool);
        }
        expect(snapshot(b)).toEqual(snapshot(a));
      }),
      { numRuns: 150 },
    );
  });

  it.each(['pool', 'inline'] as const)(
    '%s: a stream that closed its file leaves a later file with the same descriptor open',
    async (way) => {
      const ops = fileOpsFor(way);
      const root = await tempRoot();
      await fs.writeFile(path.join(root, 'first'), 'first file');
      await fs.writeFile(path.join(root, 'second'), 'second file');
      const first = await ops.open(path.join(root, 'first'), 'r');
      const read: Buffer[] = [];
      for await (const chunk of first.createReadStream()) read.push(chunk as Buffer);
      expect(Buffer.concat(read).toString()).toBe('first file');
      await new Promise((resolve) => setImmediate(resolve));
      const second = await ops.open(path.join(root, 'second'), 'r');
      await first.close();
      const buffer = Buffer.alloc(32);
      const { bytesRead } = await second.read(buffer, 0, buffer.length, 0);
      expect(buffer.subarray(0, bytesRead).toString()).toBe('second file');
      await second.close();
    },
  );

  it('inline: close() before a stream is read closes the file through the stream', async () => {
    const root = await tempRoot();
    await fs.writeFile(path.join(root, 'f'), 'x'.repeat(100));
    const file = await fileOpsFor('inline').open(path.join(root, 'f'), 'r');
    const stream = file.createReadStream();
    await file.close();
    expect(stream.destroyed).toBe(true);
    expect(() => fsSync.fstatSync(file.fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('core takes its operations from the module at each call, so runFileOpsInline() moves all of it off the pool', async () => {
    const root = await tempRoot();
    const open = vi.spyOn(fsSync.promises, 'open');
    await writeFileDurable(path.join(root, 'before.json'), '{}');
    expect(open).toHaveBeenCalled();
    open.mockClear();
    runFileOpsInline();
    await writeFileDurable(path.join(root, 'after.json'), '{"a":1}');
    expect(open).not.toHaveBeenCalled();
    expect(await fs.readFile(path.join(root, 'after.json'), 'utf8')).toBe('{"a":1}');
    expect(fileOps.open).not.toBe(fileOpsFor('pool').open);
    open.mockRestore();
  });

  it('is the only way core/ reaches node:fs/promises (a direct import would never run inline)', () => {
    const core = path.resolve(__dirname, '../../../electron/core');
    const offenders = (fsSync.readdirSync(core, { recursive: true }) as string[])
      .filter((f) => /\.tsx?$/.test(f) && !f.endsWith(path.join('fs', 'file-ops.ts')))
      .filter((f) =>
        fsSync
          .readFileSync(path.join(core, f), 'utf8')
          .split('\n')
          .some((line) => /from 'node:fs\/promises'|require\('node:fs\/promises'\)/.test(line) && !line.trim().startsWith('import type ')),
      );
    expect(offenders).toEqual([]);
  });
});
