// Packs the app with electron-builder and electron-builder.config.cjs for linux x64 ('dir' target), using a
// stand-in Electron distribution (a stub executable), since no Electron binary can be downloaded here.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile, listPackage } from '@electron/asar';
import { Arch, Packager, Platform, type Configuration } from 'electron-builder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNode, buildRenderer } from '../../scripts/build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const config = require('../../electron-builder.config.cjs') as Configuration;

const ELECTRON_VERSION = '45.5.0';
const BUNDLES = ['dist/main/index.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html'];

let tmp: string;
let appOutDir: string;
let asarPath: string;
let asarFiles: string[];
let effective: Configuration;
let productFilename: string;
let executableName: string;

/** An unpacked "Electron" for linux x64 as electron-builder copies it: the `electron` executable it renames, and a LICENSE. */
function standInElectron(dir: string): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  writeFileSync(path.join(dir, 'electron'), '#!/bin/sh\necho "stand-in Electron: cannot run the app"; exit 1\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'LICENSE'), 'stand-in for the Electron license\n');
  writeFileSync(path.join(dir, 'version'), `${ELECTRON_VERSION}\n`);
}

beforeAll(async () => {
  if (BUNDLES.some((file) => !existsSync(path.join(root, file)))) {
    await buildNode(['main', 'preload']);
    buildRenderer();
  }
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-pack-'));
  const electronDist = path.join(tmp, 'electron-dist');
  standInElectron(electronDist);
  // Packager rather than build(): it returns the effective configuration, and it never publishes.
  const packager = new Packager({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir', Arch.x64),
    config: {
      ...config,
      electronDist,
      electronVersion: ELECTRON_VERSION,
      // Any attempt to fetch Electron would hit a closed loopback port and fail at once, not hang on the network.
      electronDownload: { mirror: 'http://127.0.0.1:9/' },
      directories: { ...config.directories, output: path.join(tmp, 'out') },
    },
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
}, 90_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed app (linux x64, stand-in Electron)', () => {
  it('holds the built main, preload and renderer in app.asar, without the CLI or sourcemaps', () => {
    for (const file of BUNDLES) expect(asarFiles).toContain(file);
    expect(asarFiles.some((file) => file.startsWith('dist/renderer/assets/') && file.endsWith('.js'))).toBe(true);
    expect(asarFiles.filter((file) => file.startsWith('dist/cli/') || file.endsWith('.map'))).toEqual([]);
    expect(asarFiles.some((file) => file.startsWith('electron/') || file.startsWith('test/') || file.startsWith('build/'))).toBe(false);
  });

  it('ships the package.json the app reads at run time', () => {
    const pkg = JSON.parse(extractFile(asarPath, 'package.json').toString('utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({ name: 'outbox', productName: 'Outbox', main: 'dist/main/index.cjs' });
    expect(pkg).not.toHaveProperty('devDependencies');
  });

  it('bundles production dependencies only', () => {
    expect(asarFiles).toContain('node_modules/keytar/package.json');
    expect(asarFiles.some((file) => file.startsWith('node_modules/electron/'))).toBe(false);
    expect(asarFiles.some((file) => file.startsWith('node_modules/vitest/'))).toBe(false);
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
      expect(source.protocols).toEqual([{ name: 'Email', schemes: ['mailto'] }]);
      expect(source.asarUnpack).toContain('**/*.node');
      expect(source.linux?.mimeTypes).toEqual(['x-scheme-handler/mailto']);
      expect(source.linux?.desktop).toMatchObject({ entry: { MimeType: 'x-scheme-handler/mailto;' } });
      expect(source.linux?.target).toEqual(['AppImage', 'deb']);
      expect(source.win?.target).toEqual(['nsis']);
      expect(source.mac).toMatchObject({ target: ['dmg'], hardenedRuntime: true, entitlements: 'build/entitlements.mac.plist' });
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
