// `npm run setup` (scripts/setup.mjs): the system packages keytar needs come before `npm install`, installed
// where the script can and named where it cannot; and the Node versions it and README state match what
// Electron's tooling declares in node_modules.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without declarations
import { NODE_REQUIRED, NODE_TOLERATED, parseOsRelease, plan } from '../../scripts/setup.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const UBUNTU = parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"\n');
const FEDORA = parseOsRelease('NAME="Fedora Linux"\nID=fedora\nVERSION_ID=41\n');

type Plan = { commands: string[][]; manual: string[]; notes: string[] };
const planFor = (options: Record<string, unknown>): Plan => plan({ nodeVersion: 'v22.12.0', ...options }) as Plan;

describe('npm run setup', () => {
  it('installs libsecret-1-dev with sudo on Debian and Ubuntu, and the test tools with --tests', () => {
    const app = planFor({ platform: 'linux', osRelease: UBUNTU, isRoot: false, hasSudo: true });
    expect(app.commands).toEqual([
      ['sudo', 'apt-get', 'update'],
      ['sudo', 'apt-get', 'install', '-y', 'libsecret-1-dev', 'build-essential', 'python3'],
    ]);
    expect(app.manual).toEqual([]);
    const tests = planFor({ platform: 'linux', osRelease: UBUNTU, isRoot: true, withTests: true });
    const install = tests.commands.findIndex((argv) => argv[0] === 'apt-get' && argv[1] === 'install');
    expect(tests.commands[install]).toEqual(
      expect.arrayContaining(['libsecret-1-dev', 'gnome-keyring', 'dbus-x11', 'dovecot-imapd', 'chromium']),
    );
    // Postfix goes in unconfigured, as in CI: the preseed comes before the install.
    const preseed = tests.commands.findIndex((argv) => argv.join(' ').includes('postfix/main_mailer_type select No configuration'));
    expect(preseed).toBeGreaterThanOrEqual(0);
    expect(preseed).toBeLessThan(install);
  });

  it('--tests installs every package CI installs for npm test (.ci/run), so the README is true of it', () => {
    const ci =
      /^packages=\(([^)]*)\)/m
        .exec(readFileSync(path.join(root, '.ci/run'), 'utf8'))?.[1]
        ?.trim()
        .split(/\s+/) ?? [];
    expect(ci).toContain('postfix');
    const tests = planFor({ platform: 'linux', osRelease: UBUNTU, isRoot: true, withTests: true });
    const installed = tests.commands.find((argv) => argv[0] === 'apt-get' && argv[1] === 'install') ?? [];
    for (const pkg of ci) expect(installed, pkg).toContain(pkg);
  });

  it('uses dnf on Fedora, and says what to run as root when there is no sudo', () => {
    expect(planFor({ platform: 'linux', osRelease: FEDORA, isRoot: true }).commands).toEqual([
      ['dnf', 'install', '-y', 'libsecret-devel', 'gcc-c++', 'make', 'python3'],
    ]);
    const noSudo = planFor({ platform: 'linux', osRelease: UBUNTU, isRoot: false, hasSudo: false });
    expect(noSudo.commands).toEqual([]);
    expect(noSudo.manual).toContain('As root: apt-get install -y libsecret-1-dev build-essential python3');
  });

  it('names the packages on other Linux systems, and needs nothing on macOS and Windows', () => {
    const arch = planFor({ platform: 'linux', osRelease: parseOsRelease('ID=arch\n') });
    expect(arch.commands).toEqual([]);
    expect(arch.manual.join(' ')).toMatch(/libsecret/);
    for (const platform of ['darwin', 'win32']) {
      const result = planFor({ platform });
      expect(result.commands, platform).toEqual([]);
      expect(result.manual, platform).toEqual([]);
    }
  });

  it("requires the Node version Electron's tooling declares, tolerates 20.19 with a note, refuses older", () => {
    // The floor the tooling itself declares in node_modules.
    for (const name of ['electron', '@electron/get', '@electron/fuses', '@electron/rebuild']) {
      const engines =
        (JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines
          ?.node ?? '';
      const floor = /(\d+)\.(\d+)/.exec(engines);
      expect(floor && [Number(floor[1]), Number(floor[2])], name).toEqual(NODE_REQUIRED);
    }
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${NODE_REQUIRED.join('.')}`);
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(`Node.js ${NODE_REQUIRED.join('.')} or newer`);
    expect(readme).toContain(`${NODE_TOLERATED.join('.')}`);
    expect(planFor({ platform: 'darwin', nodeVersion: 'v20.20.2' }).notes.join(' ')).toMatch(/EBADENGINE/);
    expect(planFor({ platform: 'darwin', nodeVersion: 'v18.20.0' }).manual.join(' ')).toMatch(/too old/);
  });

  it('puts the system packages before npm install in README', () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const setUp = readme.slice(readme.indexOf('## Set up'), readme.indexOf('\n## ', readme.indexOf('## Set up') + 1));
    const install = setUp.search(/^npm install\b/m);
    expect(install).toBeGreaterThan(-1);
    expect(setUp.indexOf('libsecret-1-dev')).toBeGreaterThan(-1);
    expect(setUp.indexOf('libsecret-1-dev')).toBeLessThan(install);
    expect(setUp.indexOf('npm run setup')).toBeLessThan(install);
    expect(setUp).toContain('npm run setup');
  });

  it('runs as a script and only prints with --dry-run', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/setup.mjs'), '--dry-run'], { encoding: 'utf8' });
    expect(run.stdout).toMatch(/^setup: /m);
    expect(run.stderr).toBe('');
  });
});
