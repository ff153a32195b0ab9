// Packs the app with electron-builder and electron-builder.config.cjs for linux x64 ('dir' target), using a
// stand-in Electron distribution (test/build/stand-in-electron.ts), since no Electron binary can be downloaded here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { Arch, Platform, type Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode, buildRenderer } from '../../scripts/build.mjs';
import { builderConfig, ELECTRON_45_WIRE, standInElectron, standInPackager } from './stand-in-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const config = builderConfig();

const BUNDLES = ['dist/main/index.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'dist/cli/outbox.cjs'];
/** What main loads at run time besides its bundle: keytar's JavaScript and its native module. */
const KEYTAR_FILES = [
  'node_modules/keytar/package.json',
  'node_modules/keytar/lib/keytar.js',
  'node_modules/keytar/build/Release/keytar.node',
];

let tmp: string;
let appOutDir: string;
let asarPath: string;
let asarFiles: string[];
let effective: Configuration;
let productFilename: string;
let executableName: string;

beforeAll(async () => {
  if (BUNDLES.some((file) => !existsSync(path.join(root, file)))) {
    await buildNode(['main', 'preload', 'cli']);
    buildRenderer();
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-pack-'));
  const electronDist = path.join(tmp, 'electron-dist');
  standInElectron(electronDist, 'linux');
  // Packager rather than build(): it returns the effective configuration, and it never publishes.
  const packager = standInPackager({
    root,
    electronDist,
    out: path.join(tmp, 'out'),
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
  });
  const result = await packager.build();
  effective = result.configuration;
  productFilename = packager.appInfo.productFilename;
  const linux = readdirSync(result.outDir).find((name) => name === 'linux-unpacked');
  if (!linux) throw new Error(`electron-builder wrote no linux-unpacked folder to ${result.outDir}`);
  appOutDir = path.join(result.outDir, linux);
  executableName = readdirSync(appOutDir).find((name) => name.toLowerCase() === 'outbox') ?? '';
  asarPath = path.join(appOutDir, 'resources', 'app.asar');
  asarFiles = listPackage(asarPath, { isPack: false }).map((file) => file.replace(/\\/g, '/').replace(/^\//, ''));
}, 120_000);

/** An entry's size and kind inside app.asar. */
function statOf(file: string): { size: number; isFile: boolean; unpacked: boolean } {
  const entry = statFile(asarPath, file, false) as { size?: number; files?: unknown; unpacked?: boolean };
  return { size: entry.size ?? 0, isFile: entry.files === undefined, unpacked: entry.unpacked === true };
}

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed app (linux x64, stand-in Electron)', () => {
  it('holds the built main, preload, renderer and CLI bundles in app.asar, without sourcemaps or sources', () => {
    for (const file of BUNDLES) expect(asarFiles).toContain(file);
    expect(asarFiles.some((file) => file.startsWith('dist/renderer/assets/') && file.endsWith('.js'))).toBe(true);
    expect(asarFiles.filter((file) => file.endsWith('.map'))).toEqual([]);
    expect(asarFiles.some((file) => file.startsWith('electron/') || file.startsWith('test/') || file.startsWith('build/'))).toBe(false);
  });

  it("holds the whole CLI bundle the outbox command loads, and none of the older builds' chunks", () => {
    // Follow the entry's require()s inside the archive itself: each must be there for `outbox` to run.
    const reachable = new Set<string>();
    const queue = ['dist/cli/outbox.cjs'];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reachable.has(file)) continue;
      expect(asarFiles, `${file}, which the CLI requires`).toContain(file);
      reachable.add(file);
      for (const match of extractFile(asarPath, file)
        .toString('utf8')
        .matchAll(/require\("(\.{1,2}\/[^"]+\.cjs)"\)/g)) {
        queue.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)));
      }
    }
    expect(reachable.size).toBeGreaterThan(1);
    expect(asarFiles.filter((file) => file.startsWith('dist/cli/') && file.endsWith('.cjs') && !reachable.has(file))).toEqual([]);
  });

  it('ships the package.json the app reads at run time', () => {
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'outbox', productName: 'Outbox', main: 'dist/main/index.cjs' });
    expect(pkg).not.toHaveProperty('devDependencies');
  });

  it('ships only what main loads at run time: the bundles and keytar, none of the dependencies esbuild bundled', () => {
    const files = asarFiles.filter((file) => statOf(file).isFile);
    const outside = files.filter((file) => !file.startsWith('dist/') && file !== 'package.json' && !KEYTAR_FILES.includes(file));
    expect(outside).toEqual([]);
    for (const file of KEYTAR_FILES) expect(files).toContain(file);
    // Each of these is inside main's bundle; shipping them again is what made app.asar 20 MB.
    for (const bundled of ['nodemailer', 'imapflow', 'zod', 'electron-updater', 'tldts', 'react']) {
      expect(
        asarFiles.some((file) => file.startsWith(`node_modules/${bundled}/`)),
        bundled,
      ).toBe(false);
    }
  });

  it('keeps app.asar to the size of the bundles it holds', () => {
    const packed = (prefix: string): number =>
      asarFiles
        .filter((file) => file.startsWith(prefix) && statOf(file).isFile && !statOf(file).unpacked)
        .reduce((sum, file) => sum + statOf(file).size, 0);
    const asarSize = statSync(asarPath).size;
    // keytar's JavaScript and package.json: a few kilobytes (its .node lies unpacked beside the archive).
    expect(packed('node_modules/')).toBeLessThan(64 * 1024);
    // Besides the bundles: package.json, keytar's JavaScript and the archive's index, well under half a megabyte.
    expect(asarSize - packed('dist/')).toBeLessThan(512 * 1024);
    expect(packed('dist/main/')).toBeGreaterThan(0);
  });

  it('flips the fuses on the packed executable: no Node mode, no NODE_OPTIONS, no inspector, the app only from its asar', async () => {
    const wire = await getCurrentFuseWire(path.join(appOutDir, executableName));
    const state = (option: FuseV1Options): string => String.fromCharCode(wire[option] as number);
    expect(state(FuseV1Options.RunAsNode)).toBe('0');
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe('1');
    // The renderer is served from app://outbox/ (electron/main/app-protocol.ts), never from file://.
    expect(state(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('0');
    expect(readFileSync(path.join(root, 'electron/main/window.ts'), 'utf8')).not.toMatch(/\.loadFile\(|file:\/\//);
    // Linux has no asar integrity data: the fuse keeps Electron's default there.
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(
      ELECTRON_45_WIRE[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
    );
    expect(state(FuseV1Options.WasmTrapHandlers)).toBe(ELECTRON_45_WIRE[FuseV1Options.WasmTrapHandlers]);
  });

  it('ships the `outbox` command, which runs the app executable in CLI mode with the arguments, input and exit code intact', () => {
    const launcher = path.join(appOutDir, 'resources', 'bin', 'outbox');
    expect(statSync(launcher).mode & 0o111).not.toBe(0);
    // As the .deb installs it: a link on the PATH, resolved back to the app.
    const binDir = path.join(tmp, 'usr-bin');
    mkdirSync(binDir, { recursive: true });
    symlinkSync(launcher, path.join(binDir, 'outbox'));
    const args = ['send', '-t', 'two words', "it's", '--data-dir', '/tmp/x y', '-'];
    const run = spawnSync(path.join(binDir, 'outbox'), args, {
      cwd: os.tmpdir(),
      input: 'Subject: hi\n\nbody\n',
      env: { PATH: process.env.PATH, STANDIN_EXIT: '75', STANDIN_READ_STDIN: '1' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(75);
    const [argLines, stdin] = run.stdout.split('stdin:');
    expect(argLines?.trimEnd().split('\n')).toEqual(['--ozone-platform=headless', '--disable-gpu', '--outbox-cli', '--', ...args]);
    expect(stdin).toBe('Subject: hi\n\nbody\n');
  });

  it("lays keytar's native module unpacked beside the asar", () => {
    const unpacked = path.join(appOutDir, 'resources', 'app.asar.unpacked', 'node_modules', 'keytar', 'build', 'Release', 'keytar.node');
    expect(statSync(unpacked).size).toBeGreaterThan(0);
    // The asar keeps an entry pointing at the unpacked copy, so require() inside Electron finds it.
    expect(asarFiles).toContain('node_modules/keytar/build/Release/keytar.node');
  });

  it('ships the tray icon outside the asar, where the tray reads it at run time', () => {
    const icon = readFileSync(path.join(appOutDir, 'resources', 'icon.png'));
    expect(icon.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(icon.equals(readFileSync(path.join(root, 'build', 'icon.png')))).toBe(true);
  });

  it('renames the Electron executable after the app', () => {
    // Linux names the executable after the package (lowercase, as Linux commands are); Windows and macOS
    // use the product file name, checked here through electron-builder's own AppInfo.
    expect(executableName).toBe('outbox');
    expect(statSync(path.join(appOutDir, executableName)).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(appOutDir, 'electron'))).toBe(false);
    expect(productFilename).toBe('Outbox');
  });

  it('keeps the identity and mailto: registration in the effective configuration', () => {
    // Under CI electron-builder does not write builder-effective-config.yaml; read it when a local run did.
    const yamlPath = path.join(tmp, 'out', 'builder-effective-config.yaml');
    const yaml = existsSync(yamlPath) ? readFileSync(yamlPath, 'utf8') : null;
    for (const source of [config, effective]) {
      expect(source.appId).toBe('app.outbox.desktop');
      expect(source.productName).toBe('Outbox');
      expect(source.mac?.protocols).toEqual([{ name: 'Email', schemes: ['mailto'] }]);
      expect(source.asarUnpack).toContain('**/*.node');
      expect(source.linux?.mimeTypes).toEqual(['x-scheme-handler/mailto']);
      // electron-builder writes MimeType from mimeTypes (test/build/targets.test.ts reads the entry it makes).
      expect(source.linux?.desktop).toBeUndefined();
      expect(source.linux?.target).toEqual(['AppImage', 'deb']);
      expect(source.win?.target).toEqual(['nsis']);
      expect(source.mac).toMatchObject({ target: ['dmg', 'zip'], hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
    }
    if (yaml) {
      expect(yaml).toContain('appId: app.outbox.desktop');
      expect(yaml).toContain('x-scheme-handler/mailto');
    }
  });

  it('finds its resources in build/', () => {
    expect(config.directories?.buildResources).toBe('build');
    const icon = readFileSync(path.join(root, 'build', 'icon.png'));
    expect(icon.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect([icon.readUInt32BE(16), icon.readUInt32BE(20)]).toEqual([1024, 1024]);
    expect(readFileSync(path.join(root, 'build', 'entitlements.mac.plist'), 'utf8')).toContain('com.apple.security.cs.allow-jit');
  });
});
