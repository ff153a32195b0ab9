// The GitHub Actions workflows, read by GitHub's own parser (@actions/workflow-parser, the one behind the Actions
// language service): no schema error in either file, the jobs and steps the release process depends on, and
// proof that the check fails on a broken copy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as WorkflowParser from '@actions/workflow-parser';
import type { WorkflowTemplate } from '@actions/workflow-parser';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (name: string): string => readFileSync(path.join(root, '.github', 'workflows', name), 'utf8');

let parser: typeof WorkflowParser;
let tmp: string;

beforeAll(async () => {
  // The package imports its JSON schema without an import attribute, which Node refuses: bundled once, it loads.
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-workflow-parser-'));
  const outfile = path.join(tmp, 'workflow-parser.mjs');
  await build({
    stdin: { contents: "export * from '@actions/workflow-parser';", resolveDir: root },
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'error',
  });
  parser = (await import(pathToFileURL(outfile).href)) as typeof WorkflowParser;
}, 60_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The parser's errors for a workflow, and its model when there are none. */
async function check(name: string, content: string): Promise<{ errors: string[]; template?: WorkflowTemplate }> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const errors = result.context.errors.getErrors().map((error) => error.message);
  if (errors.length > 0 || !result.value) return { errors };
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  return { errors: [...errors, ...(template.errors ?? []).map((error) => error.Message)], template };
}

/** Every step's `run` script and `uses` action in a workflow's jobs, as text. */
function stepsOf(template: WorkflowTemplate): string[] {
  return template.jobs
    .flatMap((job) => ('steps' in job ? job.steps : []))
    .map((step) => ('run' in step ? String(step.run) : `uses: ${'uses' in step ? String(step.uses) : ''}`));
}

describe('.github/workflows', () => {
  it('ci.yml parses without an error and runs every check on Linux, Windows and macOS', async () => {
    const content = read('ci.yml');
    const { errors, template } = await check('ci.yml', content);
    expect(errors).toEqual([]);
    expect(content).toMatch(/os: \[ubuntu-24\.04, windows-latest, macos-latest\]/);
    const steps = stepsOf(template!).join('\n');
    for (const command of [
      'npm ci',
      'npm run typecheck',
      'npm run lint',
      'xvfb-run -a npm test',
      'xvfb-run -a npx vitest run test/electron',
      'npm run dist',
      'uses: actions/upload-artifact@v4',
    ]) {
      expect(steps).toContain(command);
    }
    // The real-Electron suite may not skip on CI.
    expect(content).toMatch(/OUTBOX_REQUIRE_ELECTRON: '1'/);
  });

  it('release.yml parses without an error, runs on version tags and publishes with secrets from the repository', async () => {
    const content = read('release.yml');
    const { errors, template } = await check('release.yml', content);
    expect(errors).toEqual([]);
    expect(content).toMatch(/tags: \['v\*\.\*\.\*'\]/);
    expect(stepsOf(template!).filter((step) => step.includes('--publish always'))).toHaveLength(3);
    // Signing material only ever comes from secrets, never from the file.
    for (const name of [
      'CSC_LINK',
      'CSC_KEY_PASSWORD',
      'APPLE_API_KEY_ID',
      'APPLE_API_ISSUER',
      'AZURE_CLIENT_SECRET',
      'WIN_CSC_KEY_PASSWORD',
    ]) {
      expect(content, name).toMatch(new RegExp(`\\b${name}: \\$\\{\\{ secrets\\.\\w+ \\}\\}`));
    }
  });

  it('fails on a broken workflow', async () => {
    const content = read('ci.yml');
    const mutations: Array<[string, string]> = [
      // An unknown key in a job.
      [content.replace('    runs-on: ${{ matrix.os }}', '    runs-on: ${{ matrix.os }}\n    run-on: ubuntu-latest'), 'unknown job key'],
      // A step with neither run nor uses.
      [content.replace('      - run: npm run lint', '      - name: lint'), 'step without run or uses'],
      // An expression that does not parse.
      [content.replace("if: runner.os == 'Linux'", "if: runner.os == 'Linux' &&"), 'broken expression'],
      // YAML that is not YAML.
      [content.replace('jobs:', 'jobs:\n  test: [unclosed'), 'broken YAML'],
    ];
    for (const [broken, what] of mutations) {
      expect(broken, `${what}: the mutation applied`).not.toBe(content);
      expect((await check('ci.yml', broken)).errors.length, what).toBeGreaterThan(0);
    }
  });
});
