// KeychainSecretStore against the real gnome-keyring that `npm test` starts, and against no keychain at all:
// then every call fails with KEYCHAIN_UNAVAILABLE and no password lands anywhere else.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../../electron/core/ports';
import { KeychainSecretStore, keychainServiceFor } from '../../../electron/core/secrets/keychain';
import { describeKeyring, filesContaining } from '../../peers/keyring';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const testId = () => `test-${randomUUID().slice(0, 8)}`;

describeKeyring('KeychainSecretStore with gnome-keyring', () => {
  const store = new KeychainSecretStore();

  it('stores, reads back and deletes a password', async () => {
    const id = testId();
    const password = 'pä$$ wörd 🔑 "quoted"';
    await store.set(id, password);
    expect(await new KeychainSecretStore().get(id)).toBe(password);
    expect(await store.delete(id)).toBe(true);
    expect(await store.get(id)).toBeNull();
  });

  it('replaces a password instead of keeping both', async () => {
    const id = testId();
    await store.set(id, 'first');
    await store.set(id, 'second');
    expect(await store.get(id)).toBe('second');
    expect(await store.delete(id)).toBe(true);
    expect(await store.delete(id)).toBe(false);
  });

  it('answers null for an account that has no password', async () => {
    expect(await store.get(testId())).toBeNull();
  });
});

describe('KeychainSecretStore without a keychain', () => {
  let dir: string;
  let probe: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'outbox-nokeychain-'));
    probe = path.join(dir, 'probe.cjs');
    // The store as the app bundles it (keytar external), run in a child whose environment has no usable bus.
    await build({
      stdin: {
        contents: `
          import { KeychainSecretStore } from ${JSON.stringify(path.join(root, 'electron/core/secrets/keychain'))};
          new KeychainSecretStore().set('probe-account', 'never-stored-secret').then(
            () => console.log(JSON.stringify({ stored: true })),
            (e) => console.log(JSON.stringify({ code: e.code, detail: e.detail })));`,
        resolveDir: root,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: ['keytar'],
      outfile: probe,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['the session bus address points at a dead socket', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/outbox-test-bus' }],
    ['there is no session bus and no display', {}],
  ])('fails with KEYCHAIN_UNAVAILABLE when %s, and stores nothing elsewhere', async (_case, busEnv) => {
    const home = await mkdtemp(path.join(dir, 'home-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      // An empty runtime dir, so GDBus cannot fall back to a systemd user bus either.
      XDG_RUNTIME_DIR: home,
      NODE_PATH: path.join(root, 'node_modules'),
      ...busEnv,
    };
    const output = await runNode(probe, env, home);
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { code?: string; detail?: string };
    expect(result.code).toBe('KEYCHAIN_UNAVAILABLE');
    // The reason comes from libsecret/D-Bus, not from a module that failed to load.
    expect(result.detail).toMatch(/D-Bus|connect|autolaunch|secrets/i);
    expect(await filesContaining(home, 'never-stored-secret')).toEqual([]);
  });

  it('fails with KEYCHAIN_UNAVAILABLE when the native module cannot load, and never logs the password', async () => {
    const lines: string[] = [];
    const logger: Logger = { info: (m) => lines.push(m), warn: (m) => lines.push(m), error: (m) => lines.push(m) };
    const store = new KeychainSecretStore({
      logger,
      loadKeytar: () => Promise.reject(new Error("Cannot find module '../build/Release/keytar.node'")),
    });
    await expect(store.set('ann-example-com', 'hunter2-secret')).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
      detail: expect.stringContaining('keytar.node'),
    });
    await expect(store.get('ann-example-com')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('hunter2-secret');
  });

  it('refuses an empty password instead of storing it', async () => {
    const store = new KeychainSecretStore({ loadKeytar: () => Promise.reject(new Error('must not be loaded')) });
    await expect(store.set('ann-example-com', '')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

function runNode(script: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`probe exited with ${code}: ${err}`));
    });
  });
}

describe('keychainServiceFor', () => {
  it("keeps the app's own folder on the plain service and gives every other folder its own", () => {
    const app = '/home/ann/.config/Outbox';
    expect(keychainServiceFor(app, app, 'linux')).toBe('Outbox');
    expect(keychainServiceFor('/home/ann/.config/Outbox/', app, 'linux')).toBe('Outbox');
    const other = keychainServiceFor('/tmp/script-outbox', app, 'linux');
    expect(other).toMatch(/^Outbox [0-9a-f]{12}$/);
    expect(keychainServiceFor('/tmp/another', app, 'linux')).not.toBe(other);
    // Case does not tell folders apart on Windows and macOS.
    expect(keychainServiceFor('C:\\Users\\Ann\\AppData\\Roaming\\OUTBOX', 'C:\\Users\\Ann\\AppData\\Roaming\\Outbox', 'win32')).toBe(
      'Outbox',
    );
  });
});
