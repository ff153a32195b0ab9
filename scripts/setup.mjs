// `npm run setup`: installs the system packages Outbox needs before `npm install`, where it can (apt-get or dnf,
// through sudo when not root), and says what to run where it cannot. keytar compiles against libsecret on Linux
// when no prebuilt binary fits, so without libsecret-1-dev `npm install` fails on a fresh Debian or Ubuntu.
// `npm run setup -- --tests` adds what `npm test` uses; `--dry-run` only prints the commands.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/** What Electron's tooling (electron, @electron/get, @electron/rebuild, @electron/fuses) declares in engines. */
export const NODE_REQUIRED = [22, 12];
/** Older, but still enough to build, test and package: npm warns (EBADENGINE) and carries on. */
export const NODE_TOLERATED = [20, 19];

const PACKAGES = {
  apt: {
    app: ['libsecret-1-dev', 'build-essential', 'python3'],
    tests: ['gnome-keyring', 'dbus', 'dbus-x11', 'openssl', 'dovecot-imapd', 'chromium', 'postfix', 'msmtp', 'swaks', 'nsis'],
  },
  dnf: {
    app: ['libsecret-devel', 'gcc-c++', 'make', 'python3'],
    tests: ['gnome-keyring', 'dbus-daemon', 'dbus-x11', 'openssl', 'dovecot', 'chromium', 'postfix', 'msmtp', 'swaks', 'mingw32-nsis'],
  },
};

/** The fields of /etc/os-release. */
export function parseOsRelease(text) {
  const fields = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

function compareVersion(version, [major, minor]) {
  const [a = 0, b = 0] = version.replace(/^v/, '').split('.').map(Number);
  return a !== major ? a - major : b - minor;
}

/**
 * What to run on this machine: `commands` to run (argv arrays), `manual` lines to show the user instead, and
 * `notes`. Pure, so the test can ask for any system.
 */
export function plan({ platform, osRelease = {}, isRoot = false, hasSudo = true, nodeVersion, withTests = false }) {
  const notes = [];
  const manual = [];
  const commands = [];
  if (compareVersion(nodeVersion, NODE_REQUIRED) < 0) {
    const required = `${NODE_REQUIRED[0]}.${NODE_REQUIRED[1]}`;
    if (compareVersion(nodeVersion, NODE_TOLERATED) < 0)
      manual.push(`Node.js ${nodeVersion} is too old: install Node.js ${required} or newer (https://nodejs.org).`);
    else notes.push(`Node.js ${nodeVersion} works, but Electron's tooling asks for ${required} or newer: npm will warn (EBADENGINE).`);
  }
  if (platform === 'darwin') {
    notes.push(
      'macOS: nothing to install; keytar comes prebuilt (Xcode Command Line Tools only if it must be compiled: xcode-select --install).',
    );
    return { commands, manual, notes };
  }
  if (platform === 'win32') {
    notes.push('Windows: nothing to install; keytar comes prebuilt.');
    return { commands, manual, notes };
  }
  const family = `${osRelease.ID ?? ''} ${osRelease.ID_LIKE ?? ''}`;
  const manager = /\b(debian|ubuntu)\b/.test(family) ? 'apt' : /\b(fedora|rhel|centos)\b/.test(family) ? 'dnf' : undefined;
  if (!manager) {
    manual.push('Install with your package manager: the libsecret development files (libsecret-1-dev, libsecret-devel or libsecret),');
    manual.push(
      'a C++ compiler, make and python3' +
        (withTests ? '; for `npm test` also gnome-keyring, dbus, openssl, dovecot, chromium, postfix, msmtp, swaks and nsis.' : '.'),
    );
    return { commands, manual, notes };
  }
  const packages = [...PACKAGES[manager].app, ...(withTests ? PACKAGES[manager].tests : [])];
  // The tests start Postfix from their own configuration: on Debian it is installed unconfigured (as .ci/run does),
  // so no system mail server starts listening.
  const preseed =
    withTests && manager === 'apt'
      ? [['sh', '-c', "echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections"]]
      : [];
  const install =
    manager === 'apt'
      ? [...preseed, ['apt-get', 'update'], ['apt-get', 'install', '-y', ...packages]]
      : [['dnf', 'install', '-y', ...packages]];
  if (isRoot) commands.push(...install);
  else if (hasSudo) commands.push(...install.map((argv) => ['sudo', ...argv]));
  else manual.push(...install.map((argv) => `As root: ${argv.join(' ')}`));
  return { commands, manual, notes };
}

function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function main(args) {
  const dryRun = args.includes('--dry-run');
  const osRelease = existsSync('/etc/os-release') ? parseOsRelease(readFileSync('/etc/os-release', 'utf8')) : {};
  const steps = plan({
    platform: process.platform,
    osRelease,
    isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
    hasSudo: process.platform !== 'win32' && onPath('sudo'),
    nodeVersion: process.version,
    withTests: args.includes('--tests'),
  });
  for (const note of steps.notes) console.log(`setup: ${note}`);
  for (const argv of steps.commands) {
    console.log(`setup: ${argv.join(' ')}`);
    if (dryRun) continue;
    const run = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (run.status !== 0) {
      console.error(`setup: that failed (${run.error?.message ?? `exit ${run.status}`}); run it yourself, then npm install.`);
      return 1;
    }
  }
  for (const line of steps.manual) console.log(`setup: ${line}`);
  if (steps.manual.length > 0) return 1;
  console.log('setup: done; now run npm install');
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = main(process.argv.slice(2));
