// Electronegativity (Doyensec's Electron security linter) over the sources Outbox ships: no HIGH or MEDIUM finding.
// Runs scripts/electronegativity.cjs, the same scan as `npm run security`; a seeded bad app proves the scan can fail.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

interface Finding {
  issue: string;
  severity: string;
  confidence: string;
  file: string;
  location: string;
  sample: string;
  description: string;
}

interface Scanner {
  scanProject(root?: string): { findings: Finding[]; log: string };
  findingsFromCsv(text: string): Finding[];
  formatFindings(findings: Finding[]): string;
  isFailing(finding: Finding): boolean;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scanner = createRequire(import.meta.url)(path.join(root, 'scripts/electronegativity.cjs')) as Scanner;
// The scan bounds its own network calls and run time (scripts/electronegativity.cjs); this only outlasts those bounds.
const SCAN_TIMEOUT = 240_000;

const temp = mkdtempSync(path.join(os.tmpdir(), 'outbox-eneg-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('Electronegativity', () => {
  it('finds no high or medium risk in the app', { timeout: SCAN_TIMEOUT }, () => {
    const { findings } = scanner.scanProject(root);
    const failing = findings.filter((finding) => scanner.isFailing(finding));
    expect(failing, `Electronegativity findings:\n${scanner.formatFindings(findings)}`).toEqual([]);
  });

  it('does flag an app that turns the fences off, so a clean report means something', { timeout: SCAN_TIMEOUT }, () => {
    const app = path.join(temp, 'bad-app');
    mkdirSync(path.join(app, 'electron/main'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'bad', devDependencies: { electron: '~45.5.0' } }));
    writeFileSync(
      path.join(app, 'electron/main/index.ts'),
      [
        "import { BrowserWindow, shell } from 'electron';",
        'export function open(url: string): void {',
        '  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });',
        '  void win.loadURL(url);',
        '  void shell.openExternal(url);',
        '}',
      ].join('\n'),
    );
    const { findings } = scanner.scanProject(app);
    const failing = new Set(findings.filter((finding) => scanner.isFailing(finding)).map((finding) => finding.issue));
    expect([...failing]).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'WEB_SECURITY_JS_CHECK',
        'OPEN_EXTERNAL_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
        'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK',
      ]),
    );
  });

  it('fails rather than pass a file it could not parse, which it would otherwise leave unscanned', { timeout: SCAN_TIMEOUT }, () => {
    const app = path.join(temp, 'unparsable-app');
    mkdirSync(path.join(app, 'electron'), { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'unparsable', devDependencies: { electron: '~45.5.0' } }));
    writeFileSync(path.join(app, 'electron/broken.ts'), 'const window = ;\n');
    expect(() => scanner.scanProject(app)).toThrow(/could not parse .*broken\.ts/);
  });

  it('reads its CSV report wherever the header lands and with quotes and commas inside fields', () => {
    const csv = [
      'OPEN_EXTERNAL_JS_CHECK,"MEDIUM","TENTATIVE","electron/main/a.ts","3:2","shell.openExternal(""x, y"");","Review the use of openExternal",https://github.com/doyensec/electronegativity/wiki/OPEN_EXTERNAL_JS_CHECK',
      'issue, severity, confidence, filename, location, sample, description, url',
      'CSP_GLOBAL_CHECK,"LOW","TENTATIVE","N/A","0:0",N/A,"Failed to parse CSP, it may not be valid.",https://github.com/doyensec/electronegativity/wiki/CSP_GLOBAL_CHECK',
      '',
    ].join('\n');
    const findings = scanner.findingsFromCsv(csv);
    expect(findings.map((f) => [f.issue, f.severity, f.sample])).toEqual([
      ['OPEN_EXTERNAL_JS_CHECK', 'MEDIUM', 'shell.openExternal("x, y");'],
      ['CSP_GLOBAL_CHECK', 'LOW', 'N/A'],
    ]);
    expect(findings.filter((finding) => scanner.isFailing(finding))).toHaveLength(1);
    expect(() => scanner.findingsFromCsv('"Failed to parse CSP", it may not be valid.,https://x\n')).toThrow(/unreadable CSV row/);
  });
});
