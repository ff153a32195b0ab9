// Builds the `outbox` command as small CommonJS files that load on demand: dist/cli/outbox.cjs (the entry:
// argument parsing, help, the compile cache) and dist/cli/chunks/*.cjs, the code each command imports
// dynamically (the spool writer for `send --queue-only`, the SMTP path only when a send is attempted,
// IMAP, OAuth, autodetection and the XML parser only for the commands that use them).
//
// esbuild splits code only for ESM output, and ESM files cannot use the module compile cache of Node 20
// (bin/outbox.cjs's own cache works on CommonJS), so the build runs twice: a split, minified ESM build in
// memory, then each of its files turned into CommonJS (import() becomes require()), chunks written before
// the entry, each file written whole and renamed in place, so a command started meanwhile never reads half a build.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

const OUT = 'dist/cli';

/**
 * libmime (under mailsplit's Headers, which `send` uses to read the header block) loads iconv-lite with all
 * its encodings, builds the GBK tables, and loads encoding-japanese and its own table of MIME types when it
 * loads: about 20 ms of every run, for what is needed only when a header in a charset other than UTF-8 is
 * decoded or a type is looked up. These rewrites make each of those values the same value, made at its first
 * use. If libmime changes so that one does not apply, the build says so and leaves that file as it is.
 */
const LIBMIME_LAZY = {
  'charset.js': [
    {
      eager: 'const iconv_lite_1 = __importDefault(require("iconv-lite"));',
      lazy: 'let iconvLite; const iconv_lite_1 = { get default() { return (iconvLite ??= __importDefault(__outboxVendorRequire("iconv-lite"))).default; } };',
    },
    {
      eager: 'const encoding_japanese_1 = __importDefault(require("encoding-japanese"));',
      lazy: 'let encodingJapanese; const encoding_japanese_1 = { get default() { return (encodingJapanese ??= __importDefault(__outboxVendorRequire("encoding-japanese"))).default; } };',
    },
    {
      eager: "const UNSUPPORTED_CODECS = new Set(['utf7', 'utf7imap', 'base64', 'hex'].map(name => iconv_lite_1.default.getCodec(name)));",
      lazy: "let unsupportedCodecs; const unsupportedCodecsOf = () => (unsupportedCodecs ??= new Set(['utf7', 'utf7imap', 'base64', 'hex'].map(name => iconv_lite_1.default.getCodec(name))));",
      use: ['UNSUPPORTED_CODECS.has(', 'unsupportedCodecsOf().has('],
    },
    {
      eager: "const DBCS_DECODER = iconv_lite_1.default.getCodec('gbk').decoder;",
      lazy: "let dbcsDecoder; const dbcsDecoderOf = () => (dbcsDecoder ??= iconv_lite_1.default.getCodec('gbk').decoder);",
      use: ['=== DBCS_DECODER', '=== dbcsDecoderOf()'],
    },
    {
      // The Map literal's closing "]);" gets one more ")" for the arrow function's parenthesis.
      eager:
        "const BYTE_ORDER_GUESSING = new Map([\n    [iconv_lite_1.default.getCodec('utf-16'), 200],\n    [iconv_lite_1.default.getCodec('utf-32'), 400]\n]);",
      lazy: "let byteOrderGuessing; const byteOrderGuessingOf = () => (byteOrderGuessing ??= new Map([\n    [iconv_lite_1.default.getCodec('utf-16'), 200],\n    [iconv_lite_1.default.getCodec('utf-32'), 400]\n]));",
      use: ['BYTE_ORDER_GUESSING.get(', 'byteOrderGuessingOf().get('],
    },
  ],
  'libmime.js': [
    {
      eager: 'const mimetypes = __importStar(require("./mimetypes.js"));',
      lazy: 'let mimetypesLoaded; const mimetypes = new Proxy({}, { get: (_, key) => (mimetypesLoaded ??= __importStar(require("./mimetypes.js")))[key] });',
    },
  ],
};

/**
 * nodemailer's entry loads every transport (sendmail's child_process, SES, stream, JSON) and its HTTP fetch
 * (node:http, node:https, node:zlib, for attachments given as URLs, OAuth2 token refresh and Ethereal) when it
 * loads, and its tables (MIME types, well-known services): about 7 ms and 1.7 MB of every send, which uses the
 * SMTP pool with a message already built, hands over its own access tokens and names its servers. Each rewrite
 * below makes the same module, required at its first use.
 */
const lazyDefault = (name, request) => ({
  eager: `const ${name} = __importDefault(require("${request}"));`,
  lazy: `let ${name}Loaded; const ${name} = { get default() { return (${name}Loaded ??= __importDefault(require("${request}"))).default; } };`,
});
/** A namespace import (`__importStar`) made on its first property read, for tables such as MIME types. */
const lazyNamespace = (name, request) => ({
  eager: `const ${name} = __importStar(require("${request}"));`,
  lazy: `let ${name}Loaded; const ${name} = new Proxy({}, { get: (_, key) => (${name}Loaded ??= __importStar(require("${request}")))[key] });`,
});
const NODEMAILER_LAZY = {
  'nodemailer.js': [
    lazyDefault('index_js_3', './smtp-transport/index.js'),
    lazyDefault('index_js_4', './sendmail-transport/index.js'),
    lazyDefault('index_js_5', './stream-transport/index.js'),
    lazyDefault('index_js_6', './json-transport/index.js'),
    lazyDefault('index_js_7', './ses-transport/index.js'),
    lazyDefault('index_js_8', './fetch/index.js'),
  ],
  // DNS and TLS: for a server named by its address, or reached without TLS (a local relay).
  'shared/index.js': [lazyDefault('index_js_1', '../fetch/index.js'), lazyDefault('node_dns_1', 'node:dns')],
  'smtp-connection/index.js': [lazyDefault('node_tls_1', 'node:tls')],
  // The MIME type table (about 75 KB), DKIM signing and the HTTP proxy client: for attachments by name, DKIM keys, proxies.
  'mime-funcs/index.js': [lazyNamespace('mimeTypes', './mime-types.js')],
  'mailer/index.js': [
    lazyNamespace('mimeTypes', '../mime-funcs/mime-types.js'),
    lazyDefault('node_dns_1', 'node:dns'),
    lazyDefault('index_js_2', '../dkim/index.js'),
    lazyDefault('http_proxy_client_js_1', '../smtp-connection/http-proxy-client.js'),
  ],
  // Well-known services (Gmail, …) by name: Outbox gives host and port itself.
  'smtp-pool/index.js': [lazyDefault('index_js_2', '../well-known/index.js')],
  // nodemailer's own OAuth2 client: only for OAuth2 accounts, whose token Outbox hands over.
  'smtp-pool/pool-resource.js': [lazyDefault('index_js_3', '../xoauth2/index.js')],
  'smtp-transport/index.js': [lazyDefault('index_js_2', '../well-known/index.js')],
  'mime-node/index.js': [lazyDefault('index_js_2', '../fetch/index.js')],
  'xoauth2/index.js': [lazyDefault('index_js_1', '../fetch/index.js')],
};

/** Applies `rewrites` ({ eager, lazy, use? }) to `source`, or returns null when one no longer matches exactly once. */
function rewriteOnce(source, rewrites) {
  const once = (text, part) => text.split(part).length === 2;
  let out = source;
  for (const { eager, lazy, use } of rewrites) {
    if (!once(out, eager) || (use && !once(out, use[0]))) return null;
    out = out.replace(eager, () => lazy);
    if (use) out = out.replace(use[0], () => use[1]);
  }
  return out;
}

const lazyNodemailerModules = {
  name: 'lazy-nodemailer-modules',
  setup(b) {
    // nodemailer's CommonJS build, whose requires can wait for their first use (its ESM build imports everything at
    // once). Only for static imports: an import() of a CommonJS module would not see its named exports.
    b.onResolve({ filter: /^nodemailer(\/|$)/ }, (args) =>
      args.kind === 'import-statement'
        ? b.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir, importer: args.importer })
        : undefined,
    );
    b.onLoad({ filter: /[\\/]nodemailer[\\/]dist[\\/]cjs[\\/].*\.js$/ }, async (args) => {
      const key = args.path
        .split(/[\\/]dist[\\/]cjs[\\/]/)[1]
        .split(path.sep)
        .join('/');
      const rewrites = NODEMAILER_LAZY[key];
      if (!rewrites) return undefined;
      const source = await fs.readFile(args.path, 'utf8');
      const out = rewriteOnce(source, rewrites);
      if (out === null)
        return {
          contents: source,
          loader: 'js',
          warnings: [{ text: `nodemailer changed: ${key} loads its modules at once again (scripts/build-cli.mjs)` }],
        };
      return { contents: out, loader: 'js' };
    });
  },
};

/**
 * Large JSON data (the bundled providers, about 80 KB, read at a send's first sending-limits lookup) as one
 * JSON.parse of a string rather than an object literal: V8 parses JSON several times faster than it compiles and
 * runs the same literal, and the code cache then holds a string instead of the literal's bytecode. Same value.
 */
const JSON_AS_STRING_MIN_BYTES = 8 * 1024;

const largeJsonAsString = {
  name: 'large-json-as-string',
  setup(b) {
    b.onLoad({ filter: /\.json$/ }, async (args) => {
      const text = await fs.readFile(args.path, 'utf8');
      if (text.length < JSON_AS_STRING_MIN_BYTES) return undefined;
      // Parsed here first: a file that is not JSON fails the build as it would without this plugin. CommonJS, as
      // esbuild's own JSON modules are: a require() (iconv-lite's code tables, under imapflow) gets the data, an import its default.
      return { contents: `module.exports = JSON.parse(${JSON.stringify(JSON.stringify(JSON.parse(text)))});`, loader: 'js' };
    });
  },
};

/**
 * zod is loaded when it is first used rather than when the command starts: building a schema is what uses it, and
 * a command that validates nothing (a queue-only send whose accounts file was checked before, see
 * core/accounts/accounts-checked.ts) never does. It is built into a file of its own (chunks/vendor-zod.cjs, see
 * VENDOR below) holding just the members the sources use, and each `import * as z from 'zod'` of the sources
 * becomes a namespace whose members are read from that file at their first use. Any other form of importing zod
 * fails the build rather than load a second copy at start.
 */
const ZOD_IMPORT = "import * as z from 'zod';";

function zodImportIn(file, source) {
  if (!source.includes("from 'zod")) return false;
  const other = source.split('\n').find((line) => /from 'zod/.test(line) && line.trim() !== ZOD_IMPORT && !line.startsWith('import type '));
  if (other !== undefined) throw new Error(`build-cli: ${file} imports zod as "${other.trim()}"; the CLI build expects "${ZOD_IMPORT}"`);
  return source.includes(ZOD_IMPORT);
}

/** The zod members (values, not types such as z.infer) that the sources under electron/ use. */
async function zodMembersUsed(root) {
  const values = new Set(Object.keys(await import('zod')));
  const used = new Set();
  for (const file of await fs.readdir(path.join(root, 'electron'), { recursive: true })) {
    if (!/\.tsx?$/.test(file)) continue;
    const source = await fs.readFile(path.join(root, 'electron', file), 'utf8');
    if (!zodImportIn(file, source)) continue;
    for (const m of source.matchAll(/\bz\.([A-Za-z_$][\w$]*)/g)) if (values.has(m[1])) used.add(m[1]);
  }
  return [...used].sort();
}

const lazyZod = {
  name: 'lazy-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]electron[\\/].*\.tsx?$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      if (!zodImportIn(args.path, source)) return undefined;
      const lazy = 'const z = new Proxy({} as typeof import(\'zod\'), { get: (_, key) => __outboxVendorRequire("zod")[key] });';
      return { contents: source.replace(ZOD_IMPORT, () => lazy), loader: args.path.endsWith('x') ? 'tsx' : 'ts' };
    });
  },
};

const lazyLibmimeTables = {
  name: 'lazy-libmime-tables',
  setup(b) {
    b.onLoad({ filter: /[\\/]libmime[\\/]dist[\\/]cjs[\\/](charset|libmime)\.js$/ }, async (args) => {
      const source = await fs.readFile(args.path, 'utf8');
      const once = (text, part) => text.split(part).length === 2;
      let out = source;
      for (const { eager, lazy, use } of LIBMIME_LAZY[path.basename(args.path)]) {
        if (!once(out, eager) || (use && !once(out, use[0]))) {
          return {
            contents: source,
            loader: 'js',
            warnings: [{ text: `libmime changed: ${path.basename(args.path)} loads its tables at once again (scripts/build-cli.mjs)` }],
          };
        }
        out = out.replace(eager, lazy);
        if (use) out = out.replace(use[0], use[1]);
      }
      return { contents: out, loader: 'js' };
    });
  },
};

/**
 * iconv-lite's codec tables and encoding-japanese are about 600 KB of the chunk every `send` loads (3.5 MB of
 * memory), for headers in a charset other than UTF-8; zod is needed only where something is validated. Each is built
 * into a file of its own beside the chunks (chunks/vendor-NAME.cjs) that libmime's lazy getters above and the lazy zod
 * namespace require at their first use: the getters call
 * __outboxVendorRequire (a free name the minifier keeps), which the last step turns into require("./vendor-NAME.cjs"),
 * the form the packaging's file list (electron-builder.config.cjs) follows.
 */
const VENDOR = ['iconv-lite', 'encoding-japanese', 'zod', 'providers'];

/**
 * The bundled provider data (electron/core/autodetect/data/providers.json, 87 KB) is read by autodetection and, at a
 * send's first look at its sending limits, only when the account's server is Gmail's (to tell Gmail's own addresses
 * from a Google Workspace domain): about 1 ms of every other send for the chunk that held it. It is built into a
 * vendor file of its own (chunks/vendor-providers.cjs), and each import of it becomes an object whose properties are
 * read from that file at their first read.
 */
const PROVIDERS_JSON = /[\\/]electron[\\/]core[\\/]autodetect[\\/]data[\\/]providers\.json$/;

const lazyProviders = {
  name: 'lazy-providers',
  setup(b) {
    b.onResolve({ filter: /[\\/]providers\.json$/ }, async (args) => {
      const file = path.resolve(args.resolveDir, args.path);
      return PROVIDERS_JSON.test(file) ? { path: file, namespace: 'lazy-providers' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-providers' }, () => ({
      contents:
        'export default new Proxy({}, { get: (_, key) => __outboxVendorRequire("providers")[key], has: (_, key) => key in __outboxVendorRequire("providers") });',
      loader: 'js',
    }));
  },
};

function linkVendors(outdir, file, text) {
  return text.replace(/__outboxVendorRequire\("([a-z-]+)"\)/g, (call, name) => {
    if (!VENDOR.includes(name)) throw new Error(`build-cli: no vendor file for ${name}`);
    const target = path
      .relative(path.dirname(file), path.join(outdir, 'chunks', `vendor-${name}.cjs`))
      .split(path.sep)
      .join('/');
    return `require(${JSON.stringify(target.startsWith('.') ? target : `./${target}`)})`;
  });
}

async function buildVendors(common, outdir, root) {
  const files = [];
  // zod's file holds only the members the sources use (its whole CommonJS build, every locale included, is 560 KB).
  const zodMembers = await zodMembersUsed(root);
  for (const name of VENDOR) {
    const entry =
      name === 'zod'
        ? {
            stdin: {
              contents: `export { ${zodMembers.join(', ')} } from 'zod';`,
              resolveDir: root,
              loader: 'js',
              sourcefile: 'vendor-zod.js',
            },
          }
        : name === 'providers'
          ? { entryPoints: [path.join(root, 'electron/core/autodetect/data/providers.json')], plugins: [largeJsonAsString] }
          : { entryPoints: [name] };
    const result = await build({
      ...common,
      ...entry,
      format: 'cjs',
      minify: true,
      sourcemap: false,
      outfile: path.join(outdir, 'chunks', `vendor-${name}.cjs`),
      write: false,
    });
    for (const out of result.outputFiles) files.push({ path: out.path, text: out.text });
  }
  return files;
}

/**
 * The second pass turns each chunk's imports of Node's modules (and keytar, and the chunks it loads on demand) into
 * `__toESM(require("node:fs"))`, and esbuild's __toESM copies every property of the module onto a new object as a
 * getter: node:fs has about a hundred, every chunk does it again for each module it imports, and a queue-only send
 * spent about 0.5 MB of its allocations (a tenth) on these copies. An object that inherits the module's properties
 * and has it as `default` reads the same (and a chunk compiled from ESM is already its own namespace): the helper is
 * replaced by that, padded to its own length so that the source map's columns stay right. A chunk whose helper no
 * longer has the expected shape keeps it, and the build says so.
 */
const TO_ESM = new RegExp(
  String.raw`var (N)=\((N),(N),(N)\)=>\(\4=\2!=null\?N\(N\(\2\)\):\{\},N\(\3\|\|!\2\|\|!\2\.__esModule\?N\(\4,"default",\{value:\2,enumerable:!0\}\):\4,\2\)\)`.replaceAll(
    'N',
    '[\\w$]+',
  ),
);

export function cheapBuiltinInterop(file, text) {
  const match = TO_ESM.exec(text);
  if (!match) {
    if (/=[\w$]+\(require\("node:/.test(text))
      console.warn(`build-cli: ${path.basename(file)} keeps esbuild's __toESM (its shape changed)`);
    return text;
  }
  const [helper, name, mod, nodeMode] = match;
  // As esbuild's: a module compiled from ESM (__esModule, one of our own chunks loaded on demand) is its own
  // namespace unless Node's rules apply; anything else is the namespace's default, and its properties are the rest.
  const cheap = `var ${name}=(${mod},${nodeMode})=>${mod}==null?{default:${mod}}:${nodeMode}||!${mod}.__esModule?Object.create(${mod},{default:{value:${mod},enumerable:!0}}):${mod}`;
  if (cheap.length > helper.length) return text;
  return text.replace(helper, () => cheap.padEnd(helper.length, ' '));
}

/**
 * What `outbox send` loads, a chunk at a time, is about forty files: each is found, read, checked against its compile
 * cache and made a script of its own, about 0.1 ms apiece on top of what it holds. Packs put the chunks each stage of a
 * send loads into one file (chunks/pack-NAME-HASH.cjs: an object of the chunks' CommonJS wrappers, by file name), and
 * chunks/packs.json names each packed chunk's pack; electron/cli/chunk-packs.ts then takes a packed chunk from its
 * pack instead of from its own file. The stages: what every send loads before it queues, what an attempt adds, what a
 * queue-only send adds. A chunk that two stages share goes in the first, which every send loads first. Each pack is
 * named here by the sources the command imports dynamically (esbuild's entry points); one that no longer exists fails
 * the build. The chunk files stay as they are, for Node >= 22 (the app's runtime), which reads them with its own
 * compile cache.
 */
export const PACKS = [
  { name: 'start', entries: ['electron/cli/program.ts', 'electron/cli/io.ts', 'electron/cli/commands/send.ts', 'electron/cli/context.ts'] },
  {
    name: 'attempt',
    entries: [
      'electron/core/connectivity/reachability.ts',
      'electron/cli/commands/deliver.ts',
      'electron/core/outbox/index.ts',
      'electron/core/providers/sending-profiles.ts',
      'electron/core/smtp/smtp-sender.ts',
    ],
  },
  { name: 'drop', entries: ['electron/core/outbox/queue-drop.ts', 'electron/core/outbox/account-adapter.ts'] },
];

/** The packs of PACKS and their manifest, from the split build's metafile and the CommonJS text of each chunk. */
export function packChunks(outdir, metafile, texts, root) {
  const rel = (file) => path.relative(root, file).split(path.sep).join('/');
  const outputs = metafile.outputs;
  const byEntry = new Map(Object.entries(outputs).flatMap(([out, o]) => (o.entryPoint ? [[o.entryPoint, out]] : [])));
  const closure = (start) => {
    const seen = new Set();
    const visit = (out) => {
      if (seen.has(out)) return;
      seen.add(out);
      for (const i of outputs[out]?.imports ?? []) if (!i.external && i.kind === 'import-statement') visit(i.path);
    };
    visit(start);
    return seen;
  };
  const entry = rel(path.join(outdir, 'outbox.cjs'));
  const loadedFirst = closure(entry);
  const owner = new Map();
  for (const pack of PACKS) {
    for (const source of pack.entries) {
      const out = byEntry.get(source);
      if (!out) throw new Error(`build-cli: pack "${pack.name}" names ${source}, which is no longer imported dynamically`);
      for (const chunk of closure(out)) {
        if (loadedFirst.has(chunk)) continue;
        // Needed by two stages (an attempt and a queue-only send both write the spool): in the first, which both load.
        const other = owner.get(chunk);
        owner.set(chunk, other === undefined || other === pack.name ? pack.name : PACKS[0].name);
      }
    }
  }
  const files = [];
  const manifest = {};
  for (const pack of PACKS) {
    const chunks = [...owner]
      .filter(([, name]) => name === pack.name)
      .map(([chunk]) => chunk)
      .sort();
    const parts = chunks.map((chunk) => {
      const text = texts.get(path.join(root, chunk));
      if (text === undefined) throw new Error(`build-cli: no text for ${chunk}`);
      const body = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
      return `${JSON.stringify(path.basename(chunk))}: function (exports, require, module, __filename, __dirname) {\n${body}},\n`;
    });
    const text = `"use strict";\nmodule.exports = {\n${parts.join('')}};\n`;
    const name = `pack-${pack.name}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}.cjs`;
    files.push({ path: path.join(outdir, 'chunks', name), text });
    for (const chunk of chunks) manifest[path.basename(chunk)] = name;
  }
  files.push({ path: path.join(outdir, 'chunks', 'packs.json'), text: `${JSON.stringify(manifest, null, 1)}\n` });
  return files;
}

/** Chunks of earlier builds are removed once no command started before this build can still need them. */
const STALE_CHUNK_MS = 10 * 60_000;

/** common: the options every Node bundle shares (scripts/build.mjs); root: the project folder. */
export async function buildCli(common, root) {
  const outdir = path.join(root, OUT);
  const minify = process.env.OUTBOX_CLI_MINIFY !== '0';
  const split = await build({
    ...common,
    entryPoints: { outbox: 'electron/cli/main.ts' },
    format: 'esm',
    splitting: true,
    // OUTBOX_CLI_MINIFY=0 keeps names, for reading a CPU profile of the command.
    minify,
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    outExtension: { '.js': '.cjs' },
    plugins: [lazyLibmimeTables, lazyNodemailerModules, lazyProviders, largeJsonAsString, lazyZod],
    // Inline, so that the second pass reads it and its map leads back to the TypeScript sources.
    sourcemap: 'inline',
    write: false,
    metafile: true,
  });
  // OUTBOX_CLI_METAFILE=file: what each chunk holds (esbuild's metafile), to see what a command loads.
  if (process.env.OUTBOX_CLI_METAFILE) await fs.writeFile(process.env.OUTBOX_CLI_METAFILE, JSON.stringify(split.metafile));
  const files = split.outputFiles.filter((f) => f.path.endsWith('.cjs'));
  const written = [];
  for (const file of files) {
    // Second pass: the same code as CommonJS. `supported: dynamic-import false` makes import('./chunk') a require().
    const cjs = await build({
      stdin: { contents: file.text, sourcefile: file.path, resolveDir: path.dirname(file.path), loader: 'js' },
      bundle: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      minify,
      supported: { 'dynamic-import': false },
      sourcemap: 'linked',
      outfile: file.path,
      write: false,
      logLevel: 'warning',
    });
    for (const out of cjs.outputFiles)
      written.push({
        path: out.path,
        text: out.path.endsWith('.cjs')
          ? linkVendors(outdir, out.path, minify ? cheapBuiltinInterop(out.path, out.text) : out.text)
          : out.text,
      });
  }
  // Before the chunks that require them.
  written.unshift(...(await buildVendors(common, outdir, root)));
  // After the chunks they hold, before the entry: a command started meanwhile finds each pack it is told of.
  const texts = new Map(written.map((f) => [f.path, f.text]));
  written.push(...packChunks(outdir, split.metafile, texts, root));
  const entry = path.join(outdir, 'outbox.cjs');
  written.sort((a, b) => (a.path === entry ? 1 : b.path === entry ? -1 : 0));
  for (const file of written) await writeWhole(file.path, file.text);
  await removeStaleChunks(path.join(outdir, 'chunks'), new Set(written.map((f) => f.path)));
}

async function writeWhole(file, text) {
  await fs.mkdir(path.dirname(file), { recursive: true });
  if (existsSync(file) && (await fs.readFile(file, 'utf8')) === text) return;
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, text);
  await fs.rename(temp, file);
}

async function removeStaleChunks(dir, keep) {
  const now = Date.now();
  for (const name of await fs.readdir(dir).catch(() => [])) {
    const file = path.join(dir, name);
    if (keep.has(file)) continue;
    const stat = await fs.stat(file).catch(() => null);
    if (stat && now - stat.mtimeMs > STALE_CHUNK_MS) await fs.rm(file, { force: true });
  }
}
