// Runs electron-builder's own checks for every installer target in electron-builder.config.cjs with the stand-in
// Electron: the configuration schema and package.json metadata for all of them, and for the Linux and Windows
// targets the whole build up to the external tool (fpm, appimagetool, makensis), through electron-builder's
// `effectiveOptionComputed` hook, which receives what the tool would get and stops there. `npm run dist` failed at
// the deb target for a missing homepage and author e-mail; that class of error is caught here.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Arch, Platform, type Configuration } from 'electron-builder';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildNode, buildRenderer } from '../../scripts/build.mjs';
import { builderConfig, fusesFor, standInElectron, standInIco, standInPackager, windowsAsarIntegrity } from './stand-in-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let tmp: string;
/** The deb's maintainer scripts as electron-builder rendered them (set by the deb dry run). */
let debScripts: { afterInstall: string; afterRemove: string } | undefined;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-targets-'));
  if (
    ['dist/main/index.cjs', 'dist/preload/index.cjs', 'dist/renderer/index.html', 'dist/cli/outbox.cjs'].some(
      (file) => !existsSync(path.join(root, file)),
    )
  ) {
    await buildNode(['main', 'preload', 'cli']);
    buildRenderer();
  }
}, 120_000);

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

interface DryRun {
  /** What each target handed to electron-builder's test hook, in call order. */
  seen: unknown[];
  /** The text of every file named in what the hook saw (electron-builder deletes its temporary files after the build). */
  files: Map<string, string>;
  /** The unpacked app the installers were to be made from. */
  appOutDir: string;
}

function readNamedFiles(value: unknown, files: Map<string, string>): void {
  if (typeof value === 'string') {
    if (path.isAbsolute(value) && existsSync(value) && statSync(value).isFile() && statSync(value).size < 1_000_000)
      files.set(value, readFileSync(value, 'utf8'));
  } else if (Array.isArray(value)) value.forEach((item) => readNamedFiles(item, files));
}

async function dryRun(platform: Platform, targets: string[], config: Configuration = builderConfig()): Promise<DryRun> {
  const name = `${platform.name}-${targets.join('-')}-${Math.random().toString(36).slice(2)}`;
  const electronDist = path.join(tmp, `${name}-electron`);
  standInElectron(electronDist, platform === Platform.WINDOWS ? 'win32' : 'linux');
  const seen: unknown[] = [];
  const files = new Map<string, string>();
  const packager = standInPackager({
    root,
    electronDist,
    out: path.join(tmp, name),
    targets: platform.createTarget(targets, Arch.x64),
    config,
    effectiveOptionComputed: async (options) => {
      seen.push(options);
      readNamedFiles(options, files);
      return true;
    },
  });
  const result = await packager.build();
  return { seen, files, appOutDir: path.join(result.outDir, platform === Platform.WINDOWS ? 'win-unpacked' : 'linux-unpacked') };
}

function desktopEntries(text: string): Array<[string, string]> {
  return text
    .split('\n')
    .filter((line) => /^[A-Za-z][\w-]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]);
}

describe("electron-builder's checks for every target in the configuration", () => {
  it('lists exactly the targets checked here', () => {
    const config = builderConfig();
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg', 'zip']);
  });

  it('builds the deb and the AppImage up to their tools, with one MimeType in each desktop entry', async () => {
    const { seen, files } = await dryRun(Platform.LINUX, ['AppImage', 'deb']);
    const appImage = seen.find((item): item is { desktop: string } => typeof item === 'object' && item !== null && 'desktop' in item);
    const deb = seen.find(
      (item): item is [string[], string] =>
        Array.isArray(item) && Array.isArray(item[0]) && (item[0] as string[]).includes('--after-install'),
    );
    expect(appImage, 'the AppImage target reached appimagetool').toBeDefined();
    expect(deb, 'the deb target reached fpm').toBeDefined();
    const [fpmArgs, desktopFile] = deb!;
    // What FpmTarget refused before: the project URL and a maintainer with an e-mail address.
    expect(fpmArgs[fpmArgs.indexOf('--url') + 1]).toBe('https://outbox.app');
    expect(fpmArgs[fpmArgs.indexOf('--maintainer') + 1]).toMatch(/^[^<>]+ <[^@\s]+@[^@\s]+>$/);
    // The deb's scripts are ours, with electron-builder's macros filled in.
    for (const option of ['--after-install', '--after-remove']) {
      const script = files.get(fpmArgs[fpmArgs.indexOf(option) + 1]!) ?? '';
      expect(script, option).toContain("APP_DIR='/opt/Outbox'");
      expect(script, option).not.toMatch(/\$\{[a-zA-Z]+\}/);
    }
    // fpm puts the unpacked app at /opt/Outbox, where the scripts look for it.
    expect(fpmArgs.some((arg) => arg.endsWith('-unpacked/=/opt/Outbox'))).toBe(true);
    debScripts = {
      afterInstall: files.get(fpmArgs[fpmArgs.indexOf('--after-install') + 1]!)!,
      afterRemove: files.get(fpmArgs[fpmArgs.indexOf('--after-remove') + 1]!)!,
    };
    for (const [label, text] of [
      ['deb', files.get(desktopFile) ?? ''],
      ['AppImage', appImage!.desktop],
    ] as const) {
      const entries = desktopEntries(text);
      const keys = entries.map(([key]) => key);
      expect(
        keys.filter((key) => key === 'MimeType'),
        label,
      ).toHaveLength(1);
      expect(new Set(keys).size, `${label}: no key twice`).toBe(keys.length);
      expect(Object.fromEntries(entries).MimeType, label).toBe('x-scheme-handler/mailto;');
      expect(Object.fromEntries(entries).Exec, label).toMatch(/ %U$/);
    }
  }, 120_000);

  it("the deb's scripts link /usr/bin/outbox to the installed launcher and remove only that link", () => {
    expect(debScripts, 'the deb dry run above ran').toBeDefined();
    // dpkg's install root ($DPKG_ROOT) stands for /: the app as fpm lays it out, and nothing else.
    const root = mkdtempSync(path.join(tmp, 'dpkg-root-'));
    mkdirSync(path.join(root, 'opt/Outbox/resources/bin'), { recursive: true });
    writeFileSync(path.join(root, 'opt/Outbox/resources/bin/outbox'), '#!/bin/sh\n', { mode: 0o755 });
    writeFileSync(path.join(root, 'opt/Outbox/chrome-sandbox'), '', { mode: 0o755 });
    const run = (script: string, arg: string) => {
      const file = path.join(root, '..', `${path.basename(root)}-script.sh`);
      writeFileSync(file, script, { mode: 0o755 });
      return spawnSync('bash', [file, arg], { env: { PATH: process.env.PATH, DPKG_ROOT: root }, encoding: 'utf8' });
    };
    const command = path.join(root, 'usr/bin/outbox');
    expect(run(debScripts!.afterInstall, 'configure').status).toBe(0);
    expect(readlinkSync(command)).toBe('/opt/Outbox/resources/bin/outbox');
    expect(existsSync(path.join(root, readlinkSync(command)))).toBe(true);
    // An upgrade's old postrm leaves it for the new postinst; rpm's "1" (upgrade) keeps it.
    expect(run(debScripts!.afterRemove, '1').status).toBe(0);
    expect(lstatSync(command).isSymbolicLink()).toBe(true);
    expect(run(debScripts!.afterRemove, 'remove').status).toBe(0);
    expect(lstatSync(command, { throwIfNoEntry: false })).toBeUndefined();
    // Someone else's /usr/bin/outbox is neither replaced on install nor removed on uninstall.
    writeFileSync(command, 'another outbox\n');
    const foreign = run(debScripts!.afterInstall, 'configure');
    expect(foreign.status).toBe(0);
    expect(foreign.stderr).toContain('is not a link');
    expect(readFileSync(command, 'utf8')).toBe('another outbox\n');
    rmSync(command);
    symlinkSync('/usr/local/lib/other/outbox', command);
    expect(run(debScripts!.afterRemove, 'remove').status).toBe(0);
    expect(readlinkSync(command)).toBe('/usr/local/lib/other/outbox');
  });

  it('catches a deb without a homepage, as `npm run dist` would', async () => {
    const config = builderConfig();
    // extraMetadata overrides package.json the way a missing field would look to FpmTarget.
    await expect(dryRun(Platform.LINUX, ['deb'], { ...config, extraMetadata: { homepage: null, repository: null } })).rejects.toThrow(
      /homepage/,
    );
  }, 120_000);

  it('builds the NSIS installer up to makensis, with the mail-client include and the outbox command', async () => {
    // rcedit (icons and version info in the .exe) needs the Windows toolset download: not part of what is checked here.
    const base = builderConfig();
    // elevate.exe comes with the NSIS toolset download; a stand-in folder names one (makensis itself is never reached).
    const nsisDir = path.join(tmp, 'nsis-toolset');
    mkdirSync(nsisDir, { recursive: true });
    writeFileSync(path.join(nsisDir, 'elevate.exe'), 'stand-in elevate.exe\n');
    vi.stubEnv('ELECTRON_BUILDER_NSIS_DIR', nsisDir);
    // And 7-Zip, which packs the app into the installer: a stand-in writes the archive as a list of the files.
    const sevenZip = path.join(nsisDir, '7za');
    writeFileSync(sevenZip, '#!/bin/sh\nfor arg in "$@"; do case "$arg" in *.7z) out=$arg ;; esac; done\nfind . -type f > "$out"\n', {
      mode: 0o755,
    });
    vi.stubEnv('ELECTRON_BUILDER_7ZIP_PATH', sevenZip);
    // Likewise the converter from build/icon.png to .ico: a ready icon stands in for its output.
    const icon = path.join(tmp, 'icon.ico');
    writeFileSync(icon, standInIco());
    const { seen, appOutDir } = await dryRun(Platform.WINDOWS, ['nsis'], {
      ...base,
      win: { ...base.win, signAndEditExecutable: false, icon },
    });
    const nsis = seen.find(
      (item): item is [Record<string, unknown>, Record<string, unknown>] =>
        Array.isArray(item) && typeof item[1] === 'object' && item[1] !== null && 'OutFile' in item[1],
    );
    expect(nsis, 'the nsis target reached makensis').toBeDefined();
    const [defines] = nsis!;
    // common.nsh names the executable "${PRODUCT_FILENAME}.exe", which installer.nsh and outbox.cmd point at.
    const exeName = `${defines.PRODUCT_FILENAME as string}.exe`;
    expect(exeName).toBe('Outbox.exe');
    expect(defines.allowToChangeInstallationDirectory).toBe(null);
    // The include the installer carries, and the launcher it puts on the PATH.
    expect(readFileSync(path.join(root, base.nsis!.include as string), 'utf8')).toContain('!macro customInstall');
    expect(readFileSync(path.join(appOutDir, 'bin', 'outbox.cmd'), 'utf8')).toContain(`"%~dp0..\\${exeName}" --outbox-cli -- %*`);
    // Windows checks the asar against the hash in the executable once the fuse is on: both must be there.
    const exe = path.join(appOutDir, exeName);
    expect(windowsAsarIntegrity(exe)).toEqual([
      { file: 'resources\\app.asar', alg: 'SHA256', value: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
    const wire = await getCurrentFuseWire(exe);
    const on = (option: FuseV1Options): boolean => wire[option] === FuseState.ENABLE;
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(true);
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe(true);
    expect(on(FuseV1Options.RunAsNode)).toBe(false);
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(false);
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe(false);
  }, 120_000);

  it('checks the dmg configuration with the schema and sets every fuse for macOS, integrity included', () => {
    // A dmg needs macOS (hdiutil, codesign): CI's macOS runner builds it; here its options and fuses are checked.
    const config = builderConfig();
    expect(config.dmg).toMatchObject({ title: '${productName} ${version}' });
    expect(fusesFor('darwin')).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(fusesFor('linux')).not.toHaveProperty('enableEmbeddedAsarIntegrityValidation');
  });
});
