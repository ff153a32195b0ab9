// The `outbox` command run by the app's executable (electron/main/cli-mode.ts): with the mocked Electron app for
// what it does to the app, and with the real CLI bundle in a child process that, like Electron's main process,
// never ends by itself, compared with `node dist/cli/outbox.cjs` for the same command lines.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildNode } from '../../scripts/build.mjs';
import { app } from './fake-electron';
import { CLI_EXIT_HOOK, CLI_MARKER, cliArguments, runCliModeIfRequested, type CliModeDeps } from '../../electron/main/cli-mode';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cliEntry = path.join(root, 'dist', 'cli', 'outbox.cjs');

function deps(argv: string[], overrides: Partial<CliModeDeps> = {}): CliModeDeps & { hooks: Record<string, unknown> } {
  const fakeApp = Object.assign(app, { disableHardwareAcceleration: vi.fn(), dock: { hide: vi.fn() } });
  app.exit.mockClear();
  return {
    app: fakeApp,
    argv,
    env: {},
    target: { argv: [...argv], execPath: '/opt/Outbox/outbox' },
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    cliEntry: '/opt/Outbox/resources/app.asar/dist/cli/outbox.cjs',
    load: vi.fn(),
    hooks: {},
    ...overrides,
  };
}

describe('CLI mode in the app process (mocked Electron)', () => {
  it('reads the command line after the marker and one `--`, whatever Chromium switches come before', () => {
    expect(
      cliArguments(['/opt/Outbox/outbox', '--ozone-platform=headless', '--disable-gpu', CLI_MARKER, '--', 'send', '-t', '--', 'x']),
    ).toEqual(['send', '-t', '--', 'x']);
    expect(cliArguments(['electron', '.', CLI_MARKER, 'queue'])).toEqual(['queue']);
    expect(cliArguments(['/opt/Outbox/outbox', 'mailto:ann@example.com'])).toBeUndefined();
    expect(cliArguments(['/opt/Outbox/outbox', '--outbox-cli=1'])).toBeUndefined();
  });

  it('leaves a normal start alone', () => {
    const d = deps(['/opt/Outbox/outbox', 'mailto:ann@example.com']);
    expect(runCliModeIfRequested(d)).toBe(false);
    expect(d.load).not.toHaveBeenCalled();
    expect(d.env).toEqual({});
    expect(d.hooks).toEqual({});
  });

  it("runs the CLI with the app's data folder, the command line as its argv, and no Dock icon or GPU", () => {
    app.userData = '/home/ann/.config/Outbox';
    const d = deps(['/opt/Outbox/outbox', '--ozone-platform=headless', CLI_MARKER, '--', 'queue', '--json']);
    expect(runCliModeIfRequested(d)).toBe(true);
    expect(d.load).toHaveBeenCalledWith(d.cliEntry);
    expect(d.env.OUTBOX_DATA_DIR).toBe('/home/ann/.config/Outbox');
    expect(d.target.argv).toEqual(['/opt/Outbox/outbox', 'outbox', 'queue', '--json']);
    expect(d.app.dock?.hide).toHaveBeenCalled();
    expect(d.app.disableHardwareAcceleration).toHaveBeenCalled();
  });

  it("keeps the user's own OUTBOX_DATA_DIR", () => {
    const d = deps(['/opt/Outbox/outbox', CLI_MARKER, '--', 'queue'], { env: { OUTBOX_DATA_DIR: '/srv/mail' } });
    runCliModeIfRequested(d);
    expect(d.env.OUTBOX_DATA_DIR).toBe('/srv/mail');
  });

  it('exits with the exit code the CLI reports, once, after its output is written', async () => {
    const stdout = new PassThrough();
    const d = deps(['/opt/Outbox/outbox', CLI_MARKER, '--', 'queue'], { stdout });
    runCliModeIfRequested(d);
    const exit = d.hooks[CLI_EXIT_HOOK] as (code: number) => void;
    stdout.write('queued\n');
    exit(75);
    exit(0);
    await vi.waitFor(() => expect(app.exit).toHaveBeenCalled());
    expect(app.exit.mock.calls).toEqual([[75]]);
  });

  it('says why and exits with EX_SOFTWARE when the CLI bundle cannot be loaded', () => {
    const stderr = new PassThrough();
    const d = deps(['/opt/Outbox/outbox', CLI_MARKER, '--', 'queue'], {
      stderr,
      load: () => {
        throw new Error('Cannot find module dist/cli/outbox.cjs');
      },
    });
    runCliModeIfRequested(d);
    expect(String(stderr.read())).toBe('outbox: the command could not start: Cannot find module dist/cli/outbox.cjs\n');
    expect(app.exit.mock.calls).toEqual([[70]]);
  });
});

describe('CLI mode with the real CLI bundle, in a process that never ends by itself', () => {
  let tmp: string;
  let harness: string;

  beforeAll(async () => {
    if (!existsSync(cliEntry)) await buildNode(['cli']);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-cli-mode-'));
    const bundle = path.join(tmp, 'cli-mode.cjs');
    await build({
      entryPoints: [path.join(root, 'electron/main/cli-mode.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'error',
    });
    harness = path.join(tmp, 'harness.cjs');
    // Electron's app, as far as CLI mode uses it; the interval stands for Chromium's message loop.
    writeFileSync(
      harness,
      `const { runCliModeIfRequested } = require(${JSON.stringify(bundle)});
setInterval(() => {}, 60_000);
// app.exit leaves a note, so the test knows the CLI ended through the hook and not a timer of its own.
const app = { exit: (code) => { require('node:fs').writeFileSync(process.env.HARNESS_EXIT_NOTE, 'app.exit ' + code); process.exit(code); }, getPath: () => process.env.HARNESS_USER_DATA, disableHardwareAcceleration() {}, dock: undefined };
const started = runCliModeIfRequested({ app, argv: process.argv, env: process.env, target: process, stdout: process.stdout, stderr: process.stderr,
  cliEntry: ${JSON.stringify(cliEntry)}, load: (file) => require(file), hooks: globalThis });
if (!started) { console.log('app start'); process.exit(0); }
`,
    );
  }, 60_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const run = (argv: string[], options: { input?: string; env?: Record<string, string> } = {}) => {
    const result = spawnSync(process.execPath, argv, {
      cwd: tmp,
      input: options.input ?? '',
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, HOME: tmp, OUTBOX_OFFLINE: '1', ...options.env },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  const message = 'From: ann@example.com\nTo: bob@example.org\nSubject: hi\n\nbody\n';
  const commandLines: Array<{ args: string[]; input?: string }> = [
    { args: ['--version'] },
    { args: ['queue', '--json'] },
    { args: ['send', '-t', '--queue-only'], input: message },
    { args: ['frobnicate', 'Re: hello', 'two words'] },
  ];

  for (const { args, input } of commandLines) {
    it(`answers \`outbox ${args.join(' ')}\` exactly as the command run by Node does`, () => {
      const dataDir = mkdtempSync(path.join(tmp, 'data-'));
      const direct = run([cliEntry, ...args], { ...(input ? { input } : {}), env: { OUTBOX_DATA_DIR: dataDir } });
      const embeddedData = mkdtempSync(path.join(tmp, 'user-data-'));
      const exitNote = path.join(tmp, `exit-${path.basename(embeddedData)}`);
      const embedded = run([harness, '--ozone-platform=headless', '--disable-gpu', CLI_MARKER, '--', ...args], {
        ...(input ? { input } : {}),
        env: { HARNESS_USER_DATA: embeddedData, HARNESS_EXIT_NOTE: exitNote },
      });
      expect(embedded.status).not.toBeNull();
      expect(readFileSync(exitNote, 'utf8')).toBe(`app.exit ${embedded.status}`);
      expect(embedded).toEqual({ ...direct, stderr: direct.stderr.replaceAll(dataDir, embeddedData) });
      // The command worked in the app's data folder (what app.getPath('userData') answered), not elsewhere.
      expect(readdirSync(embeddedData).sort()).toEqual(readdirSync(dataDir).sort());
    }, 60_000);
  }

  it('starts the app when the marker is not there', () => {
    expect(run([harness, 'mailto:ann@example.com']).stdout).toBe('app start\n');
  });
});
