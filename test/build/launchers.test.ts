// The `outbox` launchers the installers ship (build/mac, build/win; the Linux one runs in pack.test.ts): each starts
// the app's own executable with --outbox-cli and `--`, from wherever the link to it lives.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { builderConfig } from './stand-in-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'outbox-launchers-'));

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('the macOS launcher (Outbox.app/Contents/Resources/bin/outbox)', () => {
  it('is shipped where Install Command Line Tool… links to', () => {
    expect(builderConfig().mac?.extraResources).toEqual([{ from: 'build/mac/outbox-cli.sh', to: 'bin/outbox' }]);
    expect(readFileSync(path.join(root, 'electron/main/cli-install.ts'), 'utf8')).toContain(
      "path.posix.join(deps.resourcesPath, 'bin', COMMAND_NAME)",
    );
  });

  it('runs the app executable in CLI mode through a chain of links, with spaces in every path', () => {
    // An app in a folder with a space, linked from a bin folder through a relative link and then an absolute one.
    const app = path.join(tmp, 'My Apps', 'Outbox.app', 'Contents');
    mkdirSync(path.join(app, 'MacOS'), { recursive: true });
    mkdirSync(path.join(app, 'Resources', 'bin'), { recursive: true });
    writeFileSync(path.join(app, 'MacOS', 'Outbox'), '#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\nexit 75\n', { mode: 0o755 });
    writeFileSync(path.join(app, 'Resources', 'bin', 'outbox'), readFileSync(path.join(root, 'build/mac/outbox-cli.sh')), { mode: 0o755 });
    const bin = path.join(tmp, 'usr local', 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(path.join(app, 'Resources', 'bin', 'outbox'), path.join(bin, 'outbox-abs'));
    symlinkSync('outbox-abs', path.join(bin, 'outbox'));
    const run = spawnSync(path.join(bin, 'outbox'), ['compose', '--subject', 'Re: two words'], { cwd: os.tmpdir(), encoding: 'utf8' });
    expect(run.status).toBe(75);
    expect(run.stdout.trimEnd().split('\n')).toEqual(['--outbox-cli', '--', 'compose', '--subject', 'Re: two words']);
  });
});

describe('the Windows launcher (bin\\outbox.cmd)', () => {
  const text = readFileSync(path.join(root, 'build/win/outbox.cmd'), 'utf8');

  it('is shipped in bin\\ beside the app, the only folder the installer puts on the PATH', () => {
    expect(builderConfig().win?.extraFiles).toEqual([{ from: 'build/win/outbox.cmd', to: 'bin/outbox.cmd' }]);
    expect(readFileSync(path.join(root, 'build/installer.nsh'), 'utf8')).toContain('!define OUTBOX_BIN_DIR "$INSTDIR\\bin"');
  });

  it('runs the app executable in CLI mode with every argument and passes its exit code on, in CRLF lines cmd.exe reads', () => {
    const lines = text.split('\r\n');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(lines[0]).toBe('@echo off');
    expect(lines).toContain('"%~dp0..\\Outbox.exe" --outbox-cli -- %*');
    expect(lines).toContain('exit /b %ERRORLEVEL%');
    // No ELECTRON_RUN_AS_NODE: the RunAsNode fuse is off in every build.
    expect(lines.filter((line) => !line.startsWith('rem ')).join('\n')).not.toContain('ELECTRON_RUN_AS_NODE');
  });
});
