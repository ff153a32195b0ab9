// Outbox ▸ Install Command Line Tool… (electron/main/cli-install.ts): links on a real file system in a temp
// folder standing in for the Mac's; the administrator prompt is a recorded AppleScript runner, and the script it
// gets is run through a shell to prove its quoting.
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  adminLinkScript,
  installCommandLineTool,
  isTranslocated,
  resultMessage,
  type CliInstallDeps,
} from '../../electron/main/cli-install';
import { buildMenuTemplate } from '../../electron/main/app-menu';

let tmp: string;
let app: string;
let launcher: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), "outbox-cli-install-it's "));
  app = path.join(tmp, 'Applications', 'Outbox.app');
  launcher = path.join(app, 'Contents', 'Resources', 'bin', 'outbox');
  mkdirSync(path.dirname(launcher), { recursive: true });
  writeFileSync(launcher, '#!/bin/sh\n', { mode: 0o755 });
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

function deps(overrides: Partial<CliInstallDeps> = {}): CliInstallDeps {
  return {
    isInApplicationsFolder: () => true,
    execPath: path.join(app, 'Contents', 'MacOS', 'Outbox'),
    resourcesPath: path.join(app, 'Contents', 'Resources'),
    userBinDirs: [],
    // Stands for /usr/local/bin: absent, so only the administrator prompt can make it.
    systemBinDir: path.join(tmp, 'usr-local-bin'),
    runAppleScript: vi.fn(async () => {
      throw new Error('no administrator prompt expected');
    }),
    ...overrides,
  };
}

describe('Install Command Line Tool…', () => {
  it('refuses a translocated or unmoved app, and says to move it to Applications', async () => {
    const translocated = '/private/var/folders/xy/abc/T/AppTranslocation/1234-5678/d/Outbox.app/Contents/MacOS/Outbox';
    expect(isTranslocated(translocated)).toBe(true);
    expect(isTranslocated('/Applications/Outbox.app/Contents/MacOS/Outbox')).toBe(false);
    for (const d of [deps({ execPath: translocated }), deps({ isInApplicationsFolder: () => false })]) {
      const result = await installCommandLineTool(d);
      expect(result).toMatchObject({ kind: 'refused', next: expect.stringMatching(/Applications/) });
      expect(d.runAppleScript).not.toHaveBeenCalled();
    }
  });

  it('links in the first writable folder given, without a prompt, and says so once it is there', async () => {
    const locked = path.join(tmp, 'locked-bin');
    const bin = path.join(tmp, 'homebrew-bin');
    mkdirSync(locked, { mode: 0o500 });
    mkdirSync(bin);
    const d = deps({ userBinDirs: [path.join(tmp, 'missing'), ...(process.getuid?.() === 0 ? [] : [locked]), bin] });
    expect(await installCommandLineTool(d)).toEqual({ kind: 'installed', link: path.join(bin, 'outbox'), already: false });
    expect(readlinkSync(path.join(bin, 'outbox'))).toBe(launcher);
    expect(await installCommandLineTool(d)).toEqual({ kind: 'installed', link: path.join(bin, 'outbox'), already: true });
    expect(d.runAppleScript).not.toHaveBeenCalled();
    chmodSync(locked, 0o700);
  });

  it("replaces a link to another copy of Outbox, but never someone else's file", async () => {
    const bin = path.join(tmp, 'bin');
    mkdirSync(bin);
    symlinkSync('/Volumes/Outbox/Outbox.app/Contents/Resources/bin/outbox', path.join(bin, 'outbox'));
    expect(await installCommandLineTool(deps({ userBinDirs: [bin] }))).toMatchObject({ kind: 'installed', already: false });
    expect(readlinkSync(path.join(bin, 'outbox'))).toBe(launcher);
    rmSync(path.join(bin, 'outbox'));
    writeFileSync(path.join(bin, 'outbox'), 'another outbox\n');
    expect(await installCommandLineTool(deps({ userBinDirs: [bin] }))).toMatchObject({
      kind: 'refused',
      message: expect.stringContaining('not Outbox'),
    });
    expect(lstatSync(path.join(bin, 'outbox')).isSymbolicLink()).toBe(false);
  });

  it('asks for an administrator to link in /usr/local/bin, with the paths quoted for the shell', async () => {
    const run = vi.fn(async (_script: string) => undefined);
    const result = await installCommandLineTool(deps({ runAppleScript: run }));
    expect(result).toEqual({ kind: 'installed', link: path.join(tmp, 'usr-local-bin', 'outbox'), already: false });
    expect(run.mock.calls[0]?.[0]).toBe(adminLinkScript(launcher, path.join(tmp, 'usr-local-bin')));
    expect(run.mock.calls[0]?.[0]).toMatch(/with administrator privileges$/);
  });

  it('builds a script whose shell command makes exactly that link, quotes and spaces included', () => {
    const script = adminLinkScript(launcher, path.join(tmp, 'usr local bin'));
    // AppleScript's `quoted form of` is POSIX single quoting; evaluate the script's string the same way.
    const literal = (text: string): string => text.replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    const pieces = [...script.matchAll(/quoted form of "((?:[^"\\]|\\.)*)"|"((?:[^"\\]|\\.)*)"/g)].map((m) =>
      m[1] !== undefined ? `'${literal(m[1]).replace(/'/g, "'\\''")}'` : literal(m[2]!),
    );
    const shell = spawnSync('/bin/sh', ['-c', pieces.join('')], { encoding: 'utf8' });
    expect(shell.status, shell.stderr).toBe(0);
    expect(readlinkSync(path.join(tmp, 'usr local bin', 'outbox'))).toBe(launcher);
  });

  it('treats a cancelled prompt as nothing done, and a failed one with the command to run', async () => {
    const cancelled = await installCommandLineTool(
      deps({ userBinDirs: [], runAppleScript: async () => Promise.reject(new Error('execution error: User canceled. (-128)')) }),
    );
    const failed = await installCommandLineTool(
      deps({ userBinDirs: [], runAppleScript: async () => Promise.reject(new Error('execution error: ln: Operation not permitted (1)')) }),
    );
    expect(cancelled).toEqual({ kind: 'cancelled' });
    expect(resultMessage(cancelled)).toBeUndefined();
    expect(failed).toMatchObject({ kind: 'failed', next: `Run: sudo ln -sfn '${launcher}' ${path.join(tmp, 'usr-local-bin')}/outbox` });
    expect(resultMessage(failed)).toMatchObject({ type: 'error' });
  });

  it('is in the macOS app menu of the packaged app only', () => {
    const installCommandLineTool = vi.fn();
    const actions = { command: vi.fn(), sendAll: vi.fn(), showDataFolder: vi.fn(), showLogs: vi.fn(), installCommandLineTool };
    const labels = (platform: NodeJS.Platform, packaged: boolean): string[] =>
      buildMenuTemplate(platform, packaged, actions)
        .flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []))
        .map((item) => item.label ?? '');
    expect(labels('darwin', true)).toContain('Install Command Line Tool…');
    expect(labels('darwin', false)).not.toContain('Install Command Line Tool…');
    expect(labels('linux', true)).not.toContain('Install Command Line Tool…');
    const item = buildMenuTemplate('darwin', true, actions)
      .flatMap((menu) => (Array.isArray(menu.submenu) ? menu.submenu : []))
      .find((entry) => entry.label === 'Install Command Line Tool…');
    (item!.click as () => void)();
    expect(installCommandLineTool).toHaveBeenCalledOnce();
  });
});
