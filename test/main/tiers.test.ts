// Enforces the runtime tiers (HOUSE-STYLE §1): reads every .ts/.tsx under electron/ and renderer/, parses its
// imports with the oxc parser Vite ships, and fails on an import that crosses a tier the wrong way.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSync } from 'vite';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

type Tier = 'shared' | 'core' | 'cli' | 'main' | 'preload' | 'renderer' | 'outside';

interface ImportRef {
  specifier: string;
  /** Erased at compile time: `import type`, `export type … from`, `typeof import('…')`. */
  typeOnly: boolean;
}

function importsOf(file: string, source: string): ImportRef[] {
  const result = parseSync(file, source);
  if (result.errors.length > 0) throw new Error(`${file}: ${result.errors[0]?.message}`);
  const found: ImportRef[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    switch (n.type) {
      case 'ImportDeclaration':
        found.push({ specifier: n.source.value, typeOnly: n.importKind === 'type' });
        break;
      case 'ExportNamedDeclaration':
      case 'ExportAllDeclaration':
        if (n.source) found.push({ specifier: n.source.value, typeOnly: n.exportKind === 'type' });
        break;
      case 'ImportExpression':
        if (typeof n.source?.value === 'string') found.push({ specifier: n.source.value, typeOnly: false });
        break;
      case 'TSImportType':
        if (typeof n.source?.value === 'string') found.push({ specifier: n.source.value, typeOnly: true });
        break;
      case 'CallExpression':
        if (n.callee?.type === 'Identifier' && n.callee.name === 'require' && typeof n.arguments[0]?.value === 'string') {
          found.push({ specifier: n.arguments[0].value, typeOnly: false });
        }
        break;
    }
    for (const [key, value] of Object.entries(n)) if (key !== 'parent') visit(value);
  };
  visit(result.program);
  return found;
}

function tierOf(file: string): Tier {
  const rel = path.relative(ROOT, file).split(path.sep);
  if (rel[0] === 'renderer') return 'renderer';
  if (rel[0] === 'electron' && ['shared', 'core', 'cli', 'main', 'preload'].includes(rel[1] ?? '')) return rel[1] as Tier;
  return 'outside';
}

const BUILTINS = new Set(builtinModules);
const isBuiltin = (s: string): boolean => s.startsWith('node:') || BUILTINS.has(s) || BUILTINS.has(s.split('/')[0] ?? '');
const isElectron = (s: string): boolean => s === 'electron' || s.startsWith('electron/');
const isReact = (s: string): boolean => s === 'react' || s.startsWith('react/') || s.startsWith('react-dom');

/** Why `ref` may not appear in `file`, or null when it may. */
function violation(file: string, ref: ImportRef): string | null {
  const from = tierOf(file);
  const { specifier: s } = ref;
  const relative = s.startsWith('./') || s.startsWith('../');
  // JSON (package.json for the version, say) is data, not code: no tier to cross.
  if (relative && s.endsWith('.json')) return null;
  const to: Tier | 'package' = relative ? tierOf(path.resolve(path.dirname(file), s)) : 'package';
  switch (from) {
    case 'shared':
      if (isElectron(s)) return "electron/shared may not import 'electron'";
      if (isBuiltin(s)) return 'electron/shared may not import Node builtins';
      if (isReact(s)) return 'electron/shared may not import React';
      if (relative && to !== 'shared') return 'electron/shared may import only electron/shared';
      return null;
    case 'core':
    case 'cli': {
      if (isElectron(s)) return `electron/${from} may never import 'electron'`;
      if (isReact(s)) return `electron/${from} may not import React`;
      const allowed: Tier[] = from === 'core' ? ['core', 'shared'] : ['cli', 'core', 'shared'];
      if (relative && !allowed.includes(to as Tier))
        return `electron/${from} may import only ${allowed.map((t) => `electron/${t}`).join(', ')}`;
      return null;
    }
    case 'main':
      if (isReact(s)) return 'electron/main may not import React';
      if (relative && !['main', 'core', 'shared'].includes(to)) return 'electron/main may import only electron/main, core and shared';
      return null;
    case 'preload':
      if (s === 'electron') return null;
      if (relative && (to === 'preload' || to === 'shared')) return null;
      return "electron/preload may import only 'electron' and electron/shared";
    case 'renderer':
      if (isElectron(s)) return "the renderer may never import 'electron'";
      if (isBuiltin(s)) return 'the renderer may not import Node builtins';
      if (relative && to !== 'renderer') {
        if (to !== 'shared') return 'the renderer may reach into electron/ only for electron/shared';
        if (!ref.typeOnly) return 'the renderer may import from electron/shared with `import type` only';
      }
      return null;
    default:
      return null;
  }
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The source file a relative specifier names (with or without its extension, or a folder's index). */
function resolveSource(from: string, specifier: string): string | null {
  const base = path.resolve(path.dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')]) {
    if (/\.tsx?$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Every import circle among `graph`'s files (type-only imports count: they tie the modules' meanings together). */
function importCircles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; a component of two or more files is a circle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) circles.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return circles;
}

function importGraph(files: string[], read: (file: string) => string): Map<string, string[]> {
  return new Map(
    files.map((file) => [
      file,
      importsOf(file, read(file))
        .filter((ref) => ref.specifier.startsWith('./') || ref.specifier.startsWith('../'))
        .flatMap((ref) => resolveSource(file, ref.specifier) ?? []),
    ]),
  );
}

// Build configuration runs in Node at build time; it is not renderer code.
const BUILD_CONFIG = /(^|[\\/])vite\.config\.ts$/;

describe('runtime tiers', () => {
  const files = [...sourceFiles(path.join(ROOT, 'electron')), ...sourceFiles(path.join(ROOT, 'renderer'))].filter(
    (file) => !BUILD_CONFIG.test(file),
  );

  it('finds the source of every tier it guards', () => {
    const tiers = new Set(files.map(tierOf));
    for (const tier of ['shared', 'core', 'main', 'preload', 'renderer'] as const) expect(tiers, tier).toContain(tier);
  });

  it('has no import that crosses a tier the wrong way', () => {
    const problems = files.flatMap((file) =>
      importsOf(file, readFileSync(file, 'utf8')).flatMap((ref) => {
        const why = violation(file, ref);
        return why ? [`${path.relative(ROOT, file)}: '${ref.specifier}' — ${why}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('has no import circle anywhere in the sources', () => {
    const circles = importCircles(importGraph(files, (file) => readFileSync(file, 'utf8')));
    expect(circles.map((c) => c.map((file) => path.relative(ROOT, file)).join(' ↔ '))).toEqual([]);
  });

  it('finds a circle, even one closed by a type-only import', () => {
    const a = path.join(ROOT, 'electron/cli/a.ts');
    const b = path.join(ROOT, 'electron/cli/b.ts');
    const c = path.join(ROOT, 'electron/cli/c.ts');
    const graph = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(importCircles(graph)).toEqual([[a, b, c]]);
    // From source text: b imports only a type from a.
    const texts = new Map([
      [a, "import { parseB } from './b';"],
      [b, "import type { A } from './a';\nexport const parseB = 1;"],
    ]);
    const parsed = new Map(
      [...texts.keys()].map((file) => [
        file,
        importsOf(file, texts.get(file)!).map((ref) => path.resolve(path.dirname(file), `${ref.specifier}.ts`)),
      ]),
    );
    expect(importCircles(parsed)).toHaveLength(1);
    expect(
      importCircles(
        new Map([
          [a, [b]],
          [b, []],
        ]),
      ),
    ).toEqual([]);
  });

  describe('catches', () => {
    const at = (rel: string): string => path.join(ROOT, rel);
    const check = (rel: string, source: string): string[] => importsOf(at(rel), source).flatMap((ref) => violation(at(rel), ref) ?? []);
    const cases: Array<[string, string, string]> = [
      ['electron in shared', 'electron/shared/x.ts', "import { app } from 'electron';"],
      ['a Node builtin in shared', 'electron/shared/x.ts', "import { readFile } from 'node:fs/promises';"],
      ['a bare builtin in shared', 'electron/shared/x.ts', "import type { Readable } from 'stream';"],
      ['React in shared', 'electron/shared/x.ts', "import { useState } from 'react';"],
      ['shared reaching into core', 'electron/shared/x.ts', "import { systemClock } from '../core/ports';"],
      ['electron in core, even as a type', 'electron/core/x/y.ts', "import type { App } from 'electron';"],
      ['a dynamic electron import in core', 'electron/core/y.ts', "const e = await import('electron');"],
      ['require of electron in cli', 'electron/cli/y.ts', "const e = require('electron');"],
      ['core reaching into main', 'electron/core/y.ts', "import { createMainWindow } from '../main/window';"],
      ['main reaching into the renderer', 'electron/main/y.ts', "import { App } from '../../renderer/src/app';"],
      ['a package in the preload', 'electron/preload/y.ts', "import { z } from 'zod';"],
      ['a builtin in the preload', 'electron/preload/y.ts', "import path from 'node:path';"],
      ['core in the preload', 'electron/preload/y.ts', "import { systemClock } from '../core/ports';"],
      ['electron in the renderer', 'renderer/src/y.tsx', "import { ipcRenderer } from 'electron';"],
      ['a type from electron in the renderer', 'renderer/src/y.ts', "type E = typeof import('electron');"],
      ['a builtin in the renderer', 'renderer/src/y.ts', "import fs from 'fs';"],
      ['a value import of shared in the renderer', 'renderer/src/y.ts', "import { CATALOGUE } from '../../electron/shared/errors';"],
      [
        'inline type specifiers in the renderer (the import survives)',
        'renderer/src/y.ts',
        "import { type ErrorInfo } from '../../electron/shared/errors';",
      ],
      ['a type from core in the renderer', 'renderer/src/y.ts', "import type { Clock } from '../../electron/core/ports';"],
      ['a re-export of main in shared', 'electron/shared/y.ts', "export * from '../main/window';"],
      ['a type re-export of main in shared', 'electron/shared/y.ts', "export type { WindowOptions } from '../main/window';"],
    ];
    it.each(cases)('%s', (_name, rel, source) => {
      expect(check(rel, source)).toHaveLength(1);
    });

    it('and lets the allowed ones through', () => {
      expect(
        check(
          'renderer/src/y.ts',
          "import type { OutboxApi } from '../../electron/shared/ipc-contract';\nimport { useState } from 'react';",
        ),
      ).toEqual([]);
      expect(
        check(
          'electron/preload/y.ts',
          "import { contextBridge } from 'electron';\nimport type { OutboxApi } from '../shared/ipc-contract';",
        ),
      ).toEqual([]);
      expect(
        check(
          'electron/core/y.ts',
          "import type { Readable } from 'node:stream';\nimport { z } from 'zod';\n// import { app } from 'electron';",
        ),
      ).toEqual([]);
      expect(check('electron/main/y.ts', "import { app } from 'electron';\nimport { AppError } from '../shared/errors';")).toEqual([]);
      expect(check('electron/cli/y.ts', "import pkg from '../../package.json';")).toEqual([]);
    });
  });
});
