// Finds the Electron binary without downloading it (require('electron') would try to), builds the app once, and
// launches it with Playwright's _electron in its own data folder. Where no binary exists the suite skips with the
// reason "no Electron binary"; with OUTBOX_REQUIRE_ELECTRON=1 that is an error instead, so CI cannot pass by skipping.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const NO_ELECTRON = 'no Electron binary';

/** The path require('electron') would answer, if the binary is really there (never downloads). */
export function electronBinary(): string | null {
  const pkg = path.join(ROOT, 'node_modules', 'electron');
  const pathFile = path.join(pkg, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override ? path.join(override, relative || 'electron') : relative ? path.join(pkg, 'dist', relative) : '';
  return candidate && existsSync(candidate) ? candidate : null;
}

/** The binary, or null to skip; throws when OUTBOX_REQUIRE_ELECTRON=1 asks that the suite really run. */
export function electronOrSkip(): string | null {
  const binary = electronBinary();
  if (!binary && process.env.OUTBOX_REQUIRE_ELECTRON === '1') {
    throw new Error(
      `OUTBOX_REQUIRE_ELECTRON=1 but ${NO_ELECTRON} was found (node_modules/electron/path.txt and its dist/): install Electron's binary`,
    );
  }
  return binary;
}

let built: Promise<void> | undefined;
/** dist/ as `npm start` builds it (main, preload, renderer), once per run. */
export function buildApp(): Promise<void> {
  built ??= (async () => {
    const build = (await import('../../scripts/build.mjs')) as { buildNode(names?: string[]): Promise<void>; buildRenderer(): void };
    await build.buildNode(['main', 'preload']);
    build.buildRenderer();
  })();
  return built;
}

export interface RunningApp {
  app: ElectronApplication;
  window: Page;
  /** The app's stderr and stdout, for failure messages. */
  output: string[];
  close(): Promise<void>;
}

/** A data folder for one test's app (its userData): kept across launches of that test, removed at the end. */
export async function dataFolder(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-electron-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function launch(binary: string, dataDir: string, extraArgs: string[] = []): Promise<RunningApp> {
  const output: string[] = [];
  const app = await _electron.launch({
    executablePath: binary,
    // `electron . --user-data-dir=…` as npm start runs it, in a data folder of its own; OUTBOX_DEBUG mirrors the log.
    args: [ROOT, `--user-data-dir=${dataDir}`, ...(process.platform === 'linux' && process.env.CI ? ['--disable-gpu'] : []), ...extraArgs],
    env: { ...process.env, OUTBOX_DEBUG: '1', ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
    timeout: 60_000,
  });
  app.process().stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  app.process().stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const window = await app.firstWindow({ timeout: 60_000 });
  return {
    app,
    window,
    output,
    close: async () => {
      await app.close().catch(() => undefined);
    },
  };
}
