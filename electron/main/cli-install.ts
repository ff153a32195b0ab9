// Outbox ▸ Install Command Line Tool… (macOS): links `outbox` to the app's launcher (Contents/Resources/bin/outbox,
// which runs the app's executable in CLI mode), in a folder on the PATH the user can write, or in /usr/local/bin
// through the system's administrator prompt. Refuses a translocated or unmoved app: the link would die with it.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';

export const COMMAND_NAME = 'outbox';
/** On every Mac's PATH (/etc/paths); the folder the administrator prompt writes to. */
export const SYSTEM_BIN = '/usr/local/bin';

export type CliInstallResult =
  | { kind: 'installed'; link: string; already: boolean }
  | { kind: 'refused'; message: string; next: string }
  | { kind: 'cancelled' }
  | { kind: 'failed'; message: string; next: string };

export interface CliInstallDeps {
  /** app.isInApplicationsFolder(). */
  isInApplicationsFolder: () => boolean;
  /** process.execPath: …/Outbox.app/Contents/MacOS/Outbox. */
  execPath: string;
  /** process.resourcesPath: …/Outbox.app/Contents/Resources. */
  resourcesPath: string;
  /** Folders on the user's PATH to try before the administrator prompt, in order; those not writable are skipped. */
  userBinDirs: string[];
  /** The folder the administrator prompt writes to: /usr/local/bin. */
  systemBinDir: string;
  /** Runs an AppleScript (osascript -e); rejects with the script's error text, "-128" when the user cancelled. */
  runAppleScript: (script: string) => Promise<void>;
}

/** macOS runs a quarantined app that was not moved from a read-only, randomised copy (App Translocation). */
export function isTranslocated(execPath: string): boolean {
  return /\/AppTranslocation\//.test(execPath) || execPath.startsWith('/private/var/folders/');
}

/** An AppleScript string literal. */
function appleScriptString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The AppleScript that makes the link in /usr/local/bin as administrator (paths quoted by the shell's own rules). */
export function adminLinkScript(target: string, dir = SYSTEM_BIN): string {
  const link = path.posix.join(dir, COMMAND_NAME);
  return (
    `do shell script "/bin/mkdir -p " & quoted form of ${appleScriptString(dir)} & " && /bin/ln -sfn " & ` +
    `quoted form of ${appleScriptString(target)} & " " & quoted form of ${appleScriptString(link)} with administrator privileges`
  );
}

/** What is at `link` now: nothing, our link (to this or another copy of Outbox), or something else. */
async function existing(link: string, target: string): Promise<'none' | 'ours' | 'outbox' | 'other'> {
  let stat;
  try {
    stat = await fs.lstat(link);
  } catch {
    return 'none';
  }
  if (!stat.isSymbolicLink()) return 'other';
  const points = await fs.readlink(link);
  if (points === target) return 'ours';
  return points.endsWith('.app/Contents/Resources/bin/outbox') ? 'outbox' : 'other';
}

async function writable(dir: string): Promise<boolean> {
  try {
    const stat = await fs.stat(dir);
    if (!stat.isDirectory()) return false;
    await fs.access(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export async function installCommandLineTool(deps: CliInstallDeps): Promise<CliInstallResult> {
  if (isTranslocated(deps.execPath) || !deps.isInApplicationsFolder()) {
    return {
      kind: 'refused',
      message:
        'Outbox is not running from the Applications folder, so the outbox command would stop working as soon as this copy goes away.',
      next: 'Drag Outbox into Applications, open it from there, and choose Install Command Line Tool again.',
    };
  }
  const target = path.posix.join(deps.resourcesPath, 'bin', COMMAND_NAME);
  try {
    await fs.access(target, fs.constants.X_OK);
  } catch {
    return {
      kind: 'failed',
      message: `This copy of Outbox has no command line tool at ${target}.`,
      next: 'Download Outbox again and replace this copy.',
    };
  }
  const systemBin = deps.systemBinDir;
  for (const dir of [...deps.userBinDirs, systemBin]) {
    const link = path.posix.join(dir, COMMAND_NAME);
    const found = await existing(link, target);
    if (found === 'ours') return { kind: 'installed', link, already: true };
    if (found === 'other') {
      return {
        kind: 'refused',
        message: `${link} already exists and is not Outbox's.`,
        next: `Remove or rename ${link} if you want Outbox's outbox command there, then try again.`,
      };
    }
    if (!(await writable(dir))) continue;
    try {
      // Replacing a link to another copy of Outbox (a moved or renamed app) in one step.
      const temporary = `${link}.outbox-${process.pid}`;
      await fs.symlink(target, temporary);
      await fs.rename(temporary, link);
      return { kind: 'installed', link, already: false };
    } catch (error) {
      return {
        kind: 'failed',
        message: `The link ${link} could not be made: ${(error as Error).message}.`,
        next: "Check the folder's permissions and try again.",
      };
    }
  }
  try {
    await deps.runAppleScript(adminLinkScript(target, systemBin));
    return { kind: 'installed', link: path.posix.join(systemBin, COMMAND_NAME), already: false };
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/-128\b/.test(text)) return { kind: 'cancelled' };
    return {
      kind: 'failed',
      message: `The link in ${systemBin} could not be made: ${text.trim()}.`,
      next: `Run: sudo ln -sfn '${target}' ${systemBin}/${COMMAND_NAME}`,
    };
  }
}

/** Folders to try before the administrator prompt: Homebrew's, when present and the user's own. */
export function defaultUserBinDirs(arch: string): string[] {
  return arch === 'arm64' ? ['/opt/homebrew/bin'] : [];
}

/** The dialog that reports the result; none when the user cancelled the administrator prompt. */
export function resultMessage(
  result: CliInstallResult,
): { type: 'info' | 'warning' | 'error'; message: string; detail: string } | undefined {
  switch (result.kind) {
    case 'installed':
      return {
        type: 'info',
        message: result.already ? 'The outbox command is already installed.' : 'The outbox command is installed.',
        detail: `${result.link} runs this copy of Outbox with its accounts and outbox. Open a new Terminal window and try: outbox --help`,
      };
    case 'refused':
      return { type: 'warning', message: result.message, detail: result.next };
    case 'failed':
      return { type: 'error', message: result.message, detail: result.next };
    case 'cancelled':
      return undefined;
  }
}

/** The real process's wiring (macOS): osascript for the administrator prompt. */
export function processCliInstallDeps(app: { isInApplicationsFolder(): boolean }): CliInstallDeps {
  return {
    isInApplicationsFolder: () => app.isInApplicationsFolder(),
    execPath: process.execPath,
    resourcesPath: process.resourcesPath,
    userBinDirs: defaultUserBinDirs(process.arch),
    systemBinDir: SYSTEM_BIN,
    runAppleScript: (script) =>
      new Promise((resolve, reject) => {
        execFile('/usr/bin/osascript', ['-e', script], (error, _stdout, stderr) =>
          error ? reject(new Error(stderr || error.message)) : resolve(),
        );
      }),
  };
}
