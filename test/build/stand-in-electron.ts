// Stand-in Electron distributions for packing without the real binary (none can be downloaded here): the files
// electron-builder copies and renames, with Electron 45's fuse wire inside so @electron/fuses can flip it.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { Packager, type Configuration, type PackagerOptions } from 'electron-builder';

export const ELECTRON_VERSION = '45.5.0';

/** @electron/fuses' sentinel, then wire version 1, its length, and one byte per fuse ('0' off, '1' on). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron 45's defaults: RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyLoadAppFromAsar, BrowserV8Snapshot, FileProtocolPrivileges, WasmTrapHandlers. */
export const ELECTRON_45_WIRE = '101100011';

function fuseWire(): string {
  return `${FUSE_SENTINEL}\x01${String.fromCharCode(ELECTRON_45_WIRE.length)}${ELECTRON_45_WIRE}`;
}

/**
 * The Linux `electron` executable: a shell script that prints its arguments one per line (then `stdin:` and
 * what it read when STANDIN_READ_STDIN=1) and exits with STANDIN_EXIT, so launchers can be run against it.
 * The fuse wire sits in a comment line, where the shell never reads it.
 */
function linuxExecutable(): string {
  return [
    '#!/bin/sh',
    `# ${fuseWire()}`,
    'for arg in "$@"; do printf "%s\\n" "$arg"; done',
    'if [ "$STANDIN_READ_STDIN" = 1 ]; then printf "stdin:"; cat; fi',
    'exit "${STANDIN_EXIT:-0}"',
    '',
  ].join('\n');
}

export type StandInPlatform = 'linux' | 'win32';

/** An unpacked "Electron" as electron-builder copies it for the platform (x64). */
export function standInElectron(dir: string, platform: StandInPlatform): void {
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  writeFileSync(path.join(dir, 'LICENSE'), 'stand-in for the Electron license\n');
  writeFileSync(path.join(dir, 'version'), `${ELECTRON_VERSION}\n`);
  if (platform === 'linux') {
    writeFileSync(path.join(dir, 'electron'), linuxExecutable(), { mode: 0o755 });
    writeFileSync(path.join(dir, 'chrome-sandbox'), '', { mode: 0o755 });
  } else {
    writeFileSync(path.join(dir, 'electron.exe'), windowsExecutable());
  }
}

// resedit is what electron-builder edits the .exe with; resolved from app-builder-lib, which depends on it.
const resedit = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'))(
  'resedit',
) as typeof import('resedit');

/**
 * A Windows executable that runs nothing: an empty PE image with the version resource electron-builder adds the
 * asar integrity hash to, and the fuse wire after the image, where @electron/fuses finds it.
 */
function windowsExecutable(): Buffer {
  const exe = resedit.NtExecutable.createEmpty(false, false);
  const resources = resedit.NtExecutableResource.from(exe);
  const version = resedit.Resource.VersionInfo.createEmpty();
  version.lang = 1033;
  version.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron' });
  version.setFileVersion(45, 5, 0, 0);
  version.outputToResourceEntries(resources.entries);
  resources.outputResource(exe);
  exe.setExtraData(Buffer.from(fuseWire(), 'latin1'));
  return Buffer.from(exe.generate());
}

/** The resource electron-builder writes into the Windows executable: the asar's header hash, which Electron checks. */
export function windowsAsarIntegrity(file: string): Array<{ file: string; alg: string; value: string }> | undefined {
  const exe = resedit.NtExecutable.from(readFileSync(file));
  const entry = resedit.NtExecutableResource.from(exe).entries.find((item) => item.type === 'INTEGRITY' && item.id === 'ELECTRONASAR');
  return entry ? (JSON.parse(Buffer.from(entry.bin).toString('utf8')) as Array<{ file: string; alg: string; value: string }>) : undefined;
}

const require = createRequire(import.meta.url);
type ConfigModule = {
  createConfig: (env: Record<string, string | undefined>) => Configuration;
  fusesFor: (platform: string) => Record<string, boolean>;
};

/** electron-builder.config.cjs's factory: the configuration for a given environment (no signing env by default). */
export function builderConfig(env: Record<string, string | undefined> = {}): Configuration {
  return (require('../../electron-builder.config.cjs') as ConfigModule).createConfig(env);
}

export function fusesFor(platform: string): Record<string, boolean> {
  return (require('../../electron-builder.config.cjs') as ConfigModule).fusesFor(platform);
}

/** A Packager over the project with the stand-in Electron and output in `out`; never downloads Electron. */
export function standInPackager(options: {
  root: string;
  electronDist: string;
  out: string;
  targets: PackagerOptions['targets'];
  config?: Configuration;
  effectiveOptionComputed?: PackagerOptions['effectiveOptionComputed'];
}): Packager {
  const config = options.config ?? builderConfig();
  return new Packager({
    projectDir: options.root,
    targets: options.targets,
    ...(options.effectiveOptionComputed ? { effectiveOptionComputed: options.effectiveOptionComputed } : {}),
    config: {
      ...config,
      electronDist: options.electronDist,
      electronVersion: ELECTRON_VERSION,
      // Any attempt to fetch Electron would hit a closed loopback port and fail at once, not hang on the network.
      electronDownload: { mirror: 'http://127.0.0.1:9/' },
      directories: { ...config.directories, output: options.out },
    },
  });
}

/** A 256×256 Windows icon holding one PNG (what electron-builder otherwise converts build/icon.png to, with a download). */
export function standInIco(): Buffer {
  const size = 256;
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer): number =>
    (bytes.reduce((c, byte) => crcTable[(c ^ byte) & 0xff]! ^ (c >>> 8), 0xffffffff) ^ 0xffffffff) >>> 0;
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 4, 0x80)]);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  const ico = Buffer.alloc(22);
  ico.writeUInt16LE(1, 2); // type: icon
  ico.writeUInt16LE(1, 4); // one image
  ico.writeUInt16LE(1, 10); // planes ([6] and [7] are 0: 256 pixels)
  ico.writeUInt16LE(32, 12); // bits per pixel
  ico.writeUInt32LE(png.length, 14);
  ico.writeUInt32LE(22, 18);
  return Buffer.concat([ico, png]);
}
