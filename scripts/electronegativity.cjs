// Runs Doyensec's Electronegativity (Electron security linter) so that it works here and never hangs:
// `node scripts/electronegativity.cjs <its own CLI arguments>`, or `--project` to scan Outbox's sources and fail on HIGH/MEDIUM.
'use strict';

const Module = require('node:module');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const PKG_DIR = path.dirname(require.resolve('@doyensec/electronegativity/package.json', { paths: [ROOT] }));
/** What an Outbox build ships to Electron: main, preload, the renderer's code and page, and the manifest (for the Electron version). */
const PROJECT_SOURCES = ['package.json', 'electron', 'renderer/index.html', 'renderer/src'];
const SCANNED_EXTENSIONS = /\.(?:[cm]?[jt]sx?|html?)$/i;
const NETWORK_TIMEOUT_MS = 5_000;
const SCAN_TIMEOUT_MS = Number(process.env.ELECTRONEGATIVITY_TIMEOUT_MS) || 180_000;
const FAILING_SEVERITIES = new Set(['HIGH', 'MEDIUM']);

/**
 * Makes Electronegativity's own CLI run in this process.
 * Its parser, @typescript-eslint/typescript-estree, is hoisted to the top node_modules and so `require('typescript')`
 * from it finds the project's TypeScript 7, the native compiler without the JS API it needs; Electronegativity ships
 * the TypeScript 4 that parser was built for in its own node_modules. Only that one request from that one package is
 * redirected, so nothing else in the process sees a different TypeScript.
 */
function runCli(args) {
  const nestedTypescript = require.resolve('typescript', { paths: [PKG_DIR] });
  const estreeDir = `${path.sep}@typescript-eslint${path.sep}typescript-estree${path.sep}`;
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request === 'typescript' && parent && typeof parent.filename === 'string' && parent.filename.includes(estreeDir))
      return nestedTypescript;
    return resolveFilename.call(this, request, parent, ...rest);
  };
  boundNetworkCalls();
  serializeReportWrites(args);
  reportParseErrors();
  // Last resort if something else waits forever: the scan fails loudly rather than stalling CI.
  setTimeout(() => {
    console.error(`[electronegativity] gave up after ${SCAN_TIMEOUT_MS} ms`);
    process.exit(124);
  }, SCAN_TIMEOUT_MS).unref();
  const pkg = require(path.join(PKG_DIR, 'package.json'));
  process.argv = [process.argv[0], 'electronegativity', ...args];
  require(path.join(PKG_DIR, pkg.bin.electronegativity));
}

/**
 * Electronegativity fetches translations and Electron's release list with `got`, the latter with no timeout at all;
 * behind a firewall that drops packets it would wait forever. It carries on without either, so give each request
 * a few seconds and no retries.
 */
function boundNetworkCalls() {
  let gotPath;
  try {
    gotPath = require.resolve('got', { paths: [PKG_DIR] });
  } catch {
    return;
  }
  const original = require(gotPath);
  const bounded = original.extend({ timeout: { request: NETWORK_TIMEOUT_MS }, retry: { limit: 0 } });
  const exported = Object.assign(bounded, { default: bounded });
  Object.defineProperty(exported, '__esModule', { value: true });
  require.cache[gotPath].exports = exported;
}

/**
 * Electronegativity writes the CSV header and the rows with two fs.writeFile calls it does not wait for ('w', then 'a');
 * when they overlap the header lands over the first row. Writes to the report file are queued, one after the other.
 */
function serializeReportWrites(args) {
  const at = args.findIndex((arg) => arg === '-o' || arg === '--output');
  if (at < 0 || !args[at + 1]) return;
  const report = path.resolve(args[at + 1]);
  const writeFile = fs.writeFile;
  let queue = Promise.resolve();
  fs.writeFile = function (file, data, options, callback) {
    if (typeof file !== 'string' || path.resolve(file) !== report) return writeFile.apply(this, arguments);
    const done = typeof options === 'function' ? options : callback;
    const opts = typeof options === 'function' ? undefined : options;
    queue = queue.then(
      () =>
        new Promise((resolve) => {
          writeFile.call(fs, file, data, opts, (error) => {
            resolve();
            if (done) done(error);
          });
        }),
    );
  };
}

/**
 * With -o, Electronegativity reports nothing about files it could not parse (newer TypeScript syntax than its
 * parser knows, say): they are silently left unscanned. Its runner returns them, so print them for the caller.
 */
function reportParseErrors() {
  const runnerPath = require.resolve(path.join(PKG_DIR, 'dist/runner.js'));
  const run = require(runnerPath);
  require.cache[runnerPath].exports = async function (options, forCli) {
    const result = await run(options, forCli);
    for (const error of (result && result.errors) || []) {
      console.error(`[electronegativity] ${error.tolerable ? 'partly parsed' : 'could not parse'} ${error.file}: ${error.message}`);
    }
    return result;
  };
}

/** Copies exactly the shipped sources to a temp folder, so node_modules, dist, tests and scratch files are never scanned. */
function stageProject(root, into) {
  const copy = (from, to) => {
    const stat = fs.statSync(from);
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(from)) copy(path.join(from, entry), path.join(to, entry));
    } else if (path.basename(from) === 'package.json' || SCANNED_EXTENSIONS.test(from)) {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  };
  for (const source of PROJECT_SOURCES) {
    const from = path.join(root, source);
    if (fs.existsSync(from)) copy(from, path.join(into, source));
  }
}

/** Parses Electronegativity's CSV (quoted fields, "" for a quote, newlines allowed inside quotes). */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  row.push(field);
  if (row.some((f) => f !== '')) rows.push(row);
  return rows;
}

const COLUMNS = ['issue', 'severity', 'confidence', 'file', 'location', 'sample', 'description', 'url'];

function findingsFromCsv(text) {
  // The header is written by a separate asynchronous write, so it is recognised wherever it lands rather than assumed first.
  return parseCsv(text)
    .filter((row) => row[0] !== 'issue')
    .map((row) => {
      if (row.length !== COLUMNS.length || !/^[A-Z0-9_]+$/.test(row[0])) throw new Error(`unreadable CSV row: ${JSON.stringify(row)}`);
      return Object.fromEntries(COLUMNS.map((name, i) => [name, row[i].trim()]));
    });
}

/** Scans the project's shipped sources; resolves the findings or throws when the scan itself failed. */
function scanProject(root = ROOT) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'outbox-eneg-'));
  try {
    const input = path.join(work, 'app');
    const csv = path.join(work, 'findings.csv');
    stageProject(root, input);
    const child = spawnSync(process.execPath, [__filename, '-i', input, '-o', csv, '-r'], {
      cwd: work,
      encoding: 'utf8',
      // A locale whose strings ship inside the package, whatever this machine's LANG says.
      env: { ...process.env, LANG: 'en-US', FORCE_COLOR: '0' },
      timeout: SCAN_TIMEOUT_MS + 10_000,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    const log = `${child.stdout ?? ''}${child.stderr ?? ''}`;
    if (child.error) throw new Error(`Electronegativity did not finish: ${child.error.message}\n${log}`);
    if (child.status !== 0) throw new Error(`Electronegativity exited with ${child.status ?? child.signal}\n${log}`);
    if (!fs.existsSync(csv)) throw new Error(`Electronegativity wrote no report\n${log}`);
    if (log.includes('[electronegativity] could not parse'))
      throw new Error(`Electronegativity could not parse some files, so it did not scan them\n${log}`);
    return { findings: findingsFromCsv(fs.readFileSync(csv, 'utf8')), log };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function isFailing(finding) {
  return FAILING_SEVERITIES.has(finding.severity.toUpperCase());
}

function formatFindings(findings) {
  if (findings.length === 0) return 'no findings';
  return findings
    .map((f) => `${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.issue.padEnd(40)} ${f.file}:${f.location}  ${f.sample}`)
    .join('\n');
}

module.exports = { scanProject, stageProject, findingsFromCsv, formatFindings, isFailing, PROJECT_SOURCES };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] !== '--project') runCli(args);
  else {
    const { findings } = scanProject();
    const failing = findings.filter(isFailing);
    if (args.includes('--json')) console.log(JSON.stringify(findings, null, 2));
    else console.log(formatFindings(findings));
    console.log(`[electronegativity] ${findings.length} findings, ${failing.length} high or medium`);
    process.exitCode = failing.length > 0 ? 1 : 0;
  }
}
