// `npm test`: runs vitest with a real, throwaway Secret Service (gnome-keyring on a private D-Bus session bus).
// Without those tools vitest still runs; the keychain suites then skip on a laptop and fail under CI=true.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
// Set on the re-executed copy of this script, so it knows it already runs on its own session bus.
const INSIDE_SESSION = 'OUTBOX_TEST_DBUS_SESSION';
// The keyring only ever holds test secrets and lives in a temp folder; the password guards nothing.
const KEYRING_PASSWORD = 'outbox-test-keyring';
const SECRETS = ['--dest=org.freedesktop.secrets', '/org/freedesktop/secrets'];
const LOGIN = '/org/freedesktop/secrets/collection/login';

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

function exitCodeOf(code, signal) {
  return code ?? 128 + (os.constants.signals[signal] ?? 0);
}

/** Runs `child`, passing on Ctrl-C and termination, and resolves with its exit code. */
function supervise(child) {
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) => {
    child.on('error', (error) => {
      console.error(`[test] could not start ${child.spawnfile}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

function dbusSend(...argv) {
  const r = spawnSync('dbus-send', ['--session', '--print-reply', ...argv], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 ? r.stdout : null;
}

function secretsServiceOwned() {
  const reply = dbusSend(
    '--dest=org.freedesktop.DBus',
    '/org/freedesktop/DBus',
    'org.freedesktop.DBus.NameHasOwner',
    'string:org.freedesktop.secrets',
  );
  return reply !== null && /boolean true/.test(reply);
}

/** libsecret stores into the collection with the "default" alias; --unlock creates "login", make sure it is that. */
function ensureDefaultCollection() {
  const alias = dbusSend(...SECRETS, 'org.freedesktop.Secret.Service.ReadAlias', 'string:default');
  if (alias === null) return 'the keyring did not answer ReadAlias';
  if (!/object path "\/"/.test(alias)) return null;
  const set = dbusSend(...SECRETS, 'org.freedesktop.Secret.Service.SetAlias', 'string:default', `objpath:${LOGIN}`);
  return set === null ? 'the keyring has no default collection and the login collection could not be made the default' : null;
}

/** Stores, reads and deletes a secret through keytar itself, as the tests will. Returns an error or null. */
function probeKeytar(env) {
  const script = `
    const keytar = require(${JSON.stringify(path.join(root, 'node_modules/keytar'))});
    (async () => {
      await keytar.setPassword('Outbox probe', 'probe', 'probe-secret');
      const back = await keytar.getPassword('Outbox probe', 'probe');
      await keytar.deletePassword('Outbox probe', 'probe');
      if (back !== 'probe-secret') throw new Error('read back ' + JSON.stringify(back));
    })().catch((e) => { console.error(e && e.message); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8', timeout: 20_000 });
  if (r.status === 0) return null;
  return `keytar could not use the keyring: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`;
}

async function startKeyring() {
  if (!onPath('gnome-keyring-daemon')) return { reason: 'gnome-keyring-daemon is not installed (apt-get install gnome-keyring)' };
  if (!onPath('dbus-send')) return { reason: 'dbus-send is not installed (apt-get install dbus)' };
  // A fresh keyring folder: nothing of the user's own keyrings is read or changed, and --unlock creates "login".
  const home = mkdtempSync(path.join(os.tmpdir(), 'outbox-keyring-'));
  const runtimeDir = path.join(home, 'run');
  mkdirSync(runtimeDir, { mode: 0o700 });
  const daemon = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
    env: { ...process.env, XDG_RUNTIME_DIR: runtimeDir, XDG_DATA_HOME: path.join(home, 'data') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const running = () => daemon.pid !== undefined && daemon.exitCode === null && daemon.signalCode === null;
  let stopping;
  /** Ends the daemon, waits for it (no zombie left behind), then removes its folder. */
  const stop = () =>
    (stopping ??= (async () => {
      if (running()) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        const timer = setTimeout(() => daemon.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(home, { recursive: true, force: true });
    })());
  /** For a synchronous exit path: no waiting possible. */
  const kill = () => {
    if (running()) daemon.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  };
  let output = '';
  let exited = false;
  daemon.stdout.on('data', (chunk) => (output += chunk));
  daemon.stderr.on('data', (chunk) => (output += chunk));
  daemon.on('exit', () => (exited = true));
  daemon.on('error', () => (exited = true));
  daemon.stdin.end(KEYRING_PASSWORD);

  const deadline = Date.now() + 10_000;
  while (!exited && !secretsServiceOwned() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const failed = async (reason) => {
    await stop();
    return { reason: output.trim() ? `${reason} (${output.trim()})` : reason };
  };
  if (exited) return await failed('gnome-keyring-daemon exited');
  if (!secretsServiceOwned()) return await failed('gnome-keyring-daemon did not take org.freedesktop.secrets within 10 s');

  // Some versions print GNOME_KEYRING_CONTROL=… and the like; pass them on.
  const exported = {};
  for (const match of output.matchAll(/^([A-Z_]+)=(.*)$/gm)) exported[match[1]] = match[2];
  const env = { ...process.env, ...exported };
  const problem = ensureDefaultCollection() ?? probeKeytar(env);
  if (problem) return await failed(problem);
  return { env: { ...env, OUTBOX_TEST_KEYRING: '1' }, stop, kill };
}

async function main() {
  if (!process.env[INSIDE_SESSION] && onPath('dbus-run-session')) {
    // Always a private bus, even inside a desktop session, so tests never touch the user's own keychain.
    const child = spawn('dbus-run-session', ['--', process.execPath, fileURLToPath(import.meta.url), ...args], {
      stdio: 'inherit',
      env: { ...process.env, [INSIDE_SESSION]: '1' },
    });
    return supervise(child);
  }

  const keyring = process.env[INSIDE_SESSION]
    ? await startKeyring()
    : { reason: 'dbus-run-session is not installed (apt-get install dbus)' };
  let env;
  if (keyring.env) {
    env = keyring.env;
    console.log('[test] gnome-keyring is up on a private session bus; keychain tests run against it');
  } else {
    env = { ...process.env, OUTBOX_TEST_KEYRING_REASON: keyring.reason };
    delete env.OUTBOX_TEST_KEYRING;
    const ci = process.env.CI !== undefined && !['', '0', 'false'].includes(process.env.CI.toLowerCase());
    const outcome = ci ? 'will FAIL (CI is set)' : 'will be skipped';
    console.warn(`[test] no test keyring: ${keyring.reason}; keychain tests ${outcome}`);
  }
  // A JSON report beside the usual output gives the one plain closing line CI reads ("N passed, N failed").
  const summaryFile = path.join(os.tmpdir(), `outbox-vitest-${process.pid}.json`);
  const ownReporter = args.some((a) => a.startsWith('--reporter'));
  const reporters = ownReporter ? [] : ['--reporter=default', '--reporter=json', `--outputFile.json=${summaryFile}`];
  const vitest = spawn(process.execPath, [path.join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...reporters, ...args], {
    cwd: root,
    stdio: 'inherit',
    env,
  });
  // Kills the daemon even if this script dies before vitest ends.
  process.on('exit', () => keyring.kill?.());
  const code = await supervise(vitest);
  await keyring.stop?.();
  if (!ownReporter) printSummary(summaryFile);
  return code;
}

function printSummary(file) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
    const skipped = report.numPendingTests + report.numTodoTests;
    console.log(`\nvitest: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
  } catch {
    // No report (vitest did not get to run): its own output says why.
  }
}

// Exit explicitly: the daemon's pipes would otherwise keep this process (and `npm test`) alive.
process.exit(await main());
