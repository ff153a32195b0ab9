// The CLI build replaces esbuild's __toESM in each CommonJS chunk (scripts/build-cli.mjs, cheapBuiltinInterop):
// whatever a chunk imports through it (Node's modules, keytar, a chunk compiled from ESM and loaded on demand, a
// module whose exports are null), the code must read the same values as with esbuild's own helper.
import { transform } from 'esbuild';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without type declarations.
import { cheapBuiltinInterop } from '../../scripts/build-cli.mjs';

const rewrite = cheapBuiltinInterop as (file: string, text: string) => string;

/** ESM that imports `name` every way esbuild routes through __toESM, converted as the build's second pass does. */
async function chunkFor(minify: boolean): Promise<string> {
  const source = [
    "import fsDefault, { readFileSync } from 'node:fs';",
    "import * as pathNs from 'node:path';",
    "import esmDefault, { named as esmNamed } from 'esm-chunk';",
    "import cjsDefault, { named as cjsNamed } from 'cjs-module';",
    "import nullDefault from 'null-module';",
    'export const seen = {',
    '  fsSame: fsDefault === require("node:fs"), readFileSync, join: pathNs.join, pathDefault: pathNs.default,',
    '  esmDefault, esmNamed, cjsDefault, cjsNamed, nullDefault,',
    '  lazy: () => import("esm-chunk").then((ns) => [ns.default, ns.named]),',
    '};',
  ].join('\n');
  const out = await transform(source, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minify,
    supported: { 'dynamic-import': false },
  });
  return out.code;
}

const modules: Record<string, unknown> = {
  'esm-chunk': Object.defineProperties(
    {},
    {
      __esModule: { value: true },
      default: { get: () => 'esm default', enumerable: true },
      named: { get: () => 'esm named', enumerable: true },
    },
  ),
  'cjs-module': Object.assign(() => 'callable', { named: 'cjs named' }),
  'null-module': null,
};

function run(code: string): Record<string, unknown> {
  const real = createRequire(import.meta.url);
  const module = { exports: {} as Record<string, unknown> };
  const require = (id: string) => (id in modules ? modules[id] : real(id));
  new Function('module', 'exports', 'require', code)(module, module.exports, require);
  return module.exports.seen as Record<string, unknown>;
}

describe('the CLI build’s cheaper __toESM', () => {
  // Only the minified build is rewritten (OUTBOX_CLI_MINIFY=0, for reading profiles, keeps esbuild's helper).
  for (const minify of [true]) {
    it('reads every import as esbuild’s own helper does', async () => {
      const original = await chunkFor(minify);
      const cheap = rewrite('test.cjs', original);
      expect(cheap).not.toBe(original);
      // Same length, so the source map's columns stay right.
      expect(cheap.length).toBe(original.length);
      const a = run(original);
      const b = run(cheap);
      const { lazy: lazyA, ...restA } = a;
      const { lazy: lazyB, ...restB } = b;
      expect(restB).toEqual(restA);
      expect(restB).toMatchObject({
        fsSame: true,
        esmDefault: 'esm default',
        esmNamed: 'esm named',
        cjsNamed: 'cjs named',
        nullDefault: null,
      });
      expect(await (lazyB as () => Promise<unknown>)()).toEqual(await (lazyA as () => Promise<unknown>)());
    });
  }
});
