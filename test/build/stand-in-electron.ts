// Stand-in Electron distributions for packing without the real binary (none can be downloaded here): the files
// electron-builder copies and renames, with Electron 45's fuse wire inside so @electron/fuses can flip it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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
    // Not a PE file: only what electron-builder copies and what @electron/fuses reads.
    writeFileSync(path.join(dir, 'electron.exe'), `MZ stand-in Electron for Windows\n${fuseWire()}\n`);
  }
}

const require = createRequire(import.meta.url);
type ConfigModule = { createConfig: (env: Record<string, string | undefined>) => Configuration; fusesFor: (platform: string) => Record<string, boolean> };

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
