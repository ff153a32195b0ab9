// The update flow against a real feed on loopback: electron-updater's own provider, download and sha512 check, built
// on a fake Electron `app` (its AppAdapter) and Node's http in place of Electron's net. Nothing else is faked: the
// feed is a latest.yml as electron-builder writes it, the file is served over HTTP, the cache is a real folder.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BaseUpdater, type AppUpdater } from 'electron-updater';
import { findFile } from 'electron-updater/out/providers/Provider';
import type { AppAdapter } from 'electron-updater/out/AppAdapter';
import type { DownloadExecutorResult, DownloadUpdateOptions } from 'electron-updater/out/AppUpdater';
import type { InstallOptions } from 'electron-updater/out/BaseUpdater';
import { configureRequestOptions, configureRequestUrl, HttpExecutor, type DownloadOptions } from 'builder-util-runtime';
import { createUpdateService, UpdateService, UPDATE_CHECK_INTERVAL_MS, type Updater } from '../../electron/main/updater';
import { manualClock } from './manual-clock';

const root = mkdtempSync(path.join(os.tmpdir(), 'outbox-updater-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const release = Buffer.from(`Outbox 2.0.0 ${'payload '.repeat(20_000)}`);
const sha512 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('base64');
const feedFor = (version: string, file: string, bytes: Buffer) =>
  [
    `version: ${version}`,
    'files:',
    `  - url: ${file}`,
    `    sha512: ${sha512(bytes)}`,
    `    size: ${bytes.length}`,
    `path: ${file}`,
    `sha512: ${sha512(bytes)}`,
    `releaseDate: '2030-01-02T03:04:05.000Z'`,
    '',
  ].join('\n');

/** Each feed is a folder: its channel file (latest*.yml, whatever the platform asks) and its files. */
const feeds: Record<string, { yml: string; files: Record<string, Buffer> }> = {
  good: { yml: feedFor('2.0.0', 'Outbox-2.0.0.zip', release), files: { 'Outbox-2.0.0.zip': release } },
  // The feed promises the release's checksum; the server hands out other bytes (a compromised mirror).
  tampered: {
    yml: feedFor('2.0.0', 'Outbox-2.0.0.zip', release),
    files: { 'Outbox-2.0.0.zip': Buffer.concat([release.subarray(0, 1000), Buffer.from('EVIL'), release.subarray(1004)]) },
  },
  malformed: { yml: 'version: [2.0.0\nfiles: {{{\n', files: {} },
  same: { yml: feedFor('1.0.0', 'Outbox-1.0.0.zip', release), files: {} },
};
const requests: string[] = [];
const server = http.createServer((req, res) => {
  const [, feed = '', name = ''] = new URL(req.url ?? '/', 'http://x').pathname.split('/');
  requests.push(`${feed}/${name}`);
  const entry = feeds[feed];
  if (entry && /^latest.*\.yml$/.test(name)) return void res.writeHead(200, { 'content-type': 'text/yaml' }).end(entry.yml);
  const body = entry?.files[name];
  if (body) return void res.writeHead(200, { 'content-type': 'application/zip', 'content-length': body.length }).end(body);
  res.writeHead(404).end();
});
let origin = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Node's http where the app uses Electron's net (the only other stand-in). */
class NodeHttpExecutor extends HttpExecutor<http.ClientRequest> {
  createRequest(options: http.RequestOptions, callback: (response: http.IncomingMessage) => void): http.ClientRequest {
    return http.request(options, callback);
  }
  // As electron-updater's ElectronHttpExecutor downloads: builder-util-runtime's doDownload, which checks the sha512.
  download(url: URL, destination: string, options: DownloadOptions): Promise<string> {
    return options.cancellationToken.createPromise<string>((resolve, reject, onCancel) => {
      const requestOptions: http.RequestOptions = { headers: options.headers ?? undefined };
      configureRequestUrl(url, requestOptions);
      configureRequestOptions(requestOptions);
      this.doDownload(
        requestOptions,
        {
          destination,
          options,
          onCancel,
          callback: (error) => (error == null ? resolve(destination) : reject(error)),
          responseHandler: null,
        },
        0,
      );
    });
  }
}

/** A platform updater whose install step is recorded instead of run (the app would quit into the installer). */
class RecordingUpdater extends BaseUpdater {
  readonly installs: InstallOptions[] = [];
  private readonly executor = new NodeHttpExecutor();
  constructor(app: AppAdapter) {
    super(null, app);
    // Internal to electron-updater (set from Electron's net when it builds its own app adapter).
    (this as unknown as { httpExecutor: NodeHttpExecutor }).httpExecutor = this.executor;
  }
  protected override doDownloadUpdate(options: DownloadUpdateOptions): Promise<DownloadExecutorResult> {
    const provider = options.updateInfoAndProvider.provider;
    const fileInfo = findFile(provider.resolveFiles(options.updateInfoAndProvider.info), 'zip')!;
    return this.executeDownload({
      fileExtension: 'zip',
      fileInfo,
      downloadUpdateOptions: options,
      task: async (destination, downloadOptions) => void (await this.executor.download(fileInfo.url, destination, downloadOptions)),
    });
  }
  protected override doInstall(options: InstallOptions): boolean {
    this.installs.push(options);
    return true;
  }
  // BaseUpdater's own would reach for Electron's autoUpdater and quit the app: install, as it does, and stop there.
  override quitAndInstall(isSilent = false, isForceRunAfter = false): void {
    this.install(isSilent, isForceRunAfter);
  }
}

let n = 0;
/** Electron's `app` as electron-updater sees it: version 1.0.0, packaged, with the app-update.yml the build wrote. */
function fakeApp(feed: string): AppAdapter & { quitHandlers: Array<(code: number) => void> } {
  const dir = path.join(root, `app-${n++}`);
  const config = path.join(root, `app-update-${n}.yml`);
  writeFileSync(config, `provider: generic\nurl: ${origin}/${feed}\nupdaterCacheDirName: outbox-updater-${n}\n`);
  const quitHandlers: Array<(code: number) => void> = [];
  return {
    version: '1.0.0',
    name: 'Outbox',
    isPackaged: true,
    appUpdateConfigPath: config,
    userDataPath: dir,
    baseCachePath: path.join(dir, 'cache'),
    whenReady: async () => undefined,
    relaunch: vi.fn(),
    quit: vi.fn(),
    onQuit: (handler) => void quitHandlers.push(handler),
    quitHandlers,
  };
}

function setup(feed: string, sending = { now: false }) {
  const updater = new RecordingUpdater(fakeApp(feed));
  const lines: string[] = [];
  const logger = {
    info: (m: string) => lines.push(`info ${m}`),
    warn: (m: string) => lines.push(`warn ${m}`),
    error: (m: string) => lines.push(`error ${m}`),
  };
  const onReady = vi.fn();
  const { clock, advance } = manualClock();
  const service = new UpdateService({ updater: updater as unknown as Updater, isSending: () => sending.now, onReady, logger, clock });
  return { updater, service, onReady, lines, advance, sending };
}

describe('updates', () => {
  it('downloads a newer version from the feed, verified, and offers it without installing', async () => {
    const { updater, service, onReady } = setup('good');
    expect(await service.check()).toEqual({ state: 'ready', version: '2.0.0' });
    expect(onReady).toHaveBeenCalledWith('2.0.0');
    const downloaded = (updater as unknown as { installerPath: string | null }).installerPath;
    expect(downloaded && readFileSync(downloaded).equals(release)).toBe(true);
    expect(updater.installs).toEqual([]);
    expect((updater as unknown as AppUpdater).autoInstallOnAppQuit).toBe(false);
  });

  it('restarts to update only once no send is in flight', async () => {
    const sending = { now: true };
    const { updater, service } = setup('good', sending);
    await service.check();
    expect(service.restartToUpdate()).toBe('after-sends');
    service.sendsChanged(1);
    expect(updater.installs).toEqual([]);
    sending.now = false;
    service.sendsChanged(0);
    expect(updater.installs).toHaveLength(1);
  });

  it('installs on quit only when nothing is being sent and the system is not shutting down', async () => {
    const sending = { now: false };
    const { updater, service } = setup('good', sending);
    await service.check();
    const autoInstall = () => (updater as unknown as AppUpdater).autoInstallOnAppQuit;
    sending.now = true;
    service.prepareQuit(false);
    expect(autoInstall()).toBe(false);
    sending.now = false;
    service.prepareQuit(true);
    expect(autoInstall()).toBe(false);
    service.prepareQuit(false);
    expect(autoInstall()).toBe(true);
  });

  it('refuses a newer version whose file does not match the feed’s sha512: nothing offered, nothing to install', async () => {
    const { updater, service, onReady, lines } = setup('tampered');
    expect(await service.check()).toEqual({ state: 'idle' });
    expect(onReady).not.toHaveBeenCalled();
    expect(lines.join('\n')).toMatch(/warn .*(sha512 checksum mismatch|ERR_CHECKSUM_MISMATCH)/);
    expect((updater as unknown as { installerPath: string | null }).installerPath).toBeNull();
    expect(service.restartToUpdate()).toBe('no-update');
    expect(updater.installs).toEqual([]);
    // The bad bytes were fetched and thrown away, not kept for the next start.
    expect(requests).toContain('tampered/Outbox-2.0.0.zip');
  });

  it('treats a malformed feed as a quiet, logged failure and looks again later', async () => {
    const { service, onReady, lines, advance } = setup('malformed');
    expect(await service.check()).toEqual({ state: 'idle' });
    expect(onReady).not.toHaveBeenCalled();
    expect(lines.filter((l) => l.startsWith('warn '))).toContainEqual(expect.stringMatching(/no update this time/));
    const before = requests.filter((r) => r.startsWith('malformed/')).length;
    service.start();
    advance(10_000);
    await vi.waitFor(() => expect(requests.filter((r) => r.startsWith('malformed/')).length).toBe(before + 1));
    advance(UPDATE_CHECK_INTERVAL_MS);
    await vi.waitFor(() => expect(requests.filter((r) => r.startsWith('malformed/')).length).toBe(before + 2));
    service.dispose();
  });

  it('offers nothing when the feed has the running version', async () => {
    const { service, onReady } = setup('same');
    expect(await service.check()).toEqual({ state: 'idle' });
    expect(onReady).not.toHaveBeenCalled();
    expect(service.restartToUpdate()).toBe('no-update');
  });
});

describe('createUpdateService', () => {
  const options = { isSending: () => false, onReady: () => undefined };
  const fakeUpdater = () =>
    ({
      on: vi.fn(),
      checkForUpdates: vi.fn(),
      downloadUpdate: vi.fn(),
      quitAndInstall: vi.fn(),
      autoDownload: true,
      autoInstallOnAppQuit: true,
      logger: null,
    }) as unknown as Updater;

  it('looks for updates only in a packaged app whose build wrote a feed (app-update.yml)', () => {
    const resources = mkdtempSync(path.join(os.tmpdir(), 'outbox-resources-'));
    try {
      const load = vi.fn(fakeUpdater);
      expect(createUpdateService({ isPackaged: false }, resources, options, load)).toBeUndefined();
      expect(createUpdateService({ isPackaged: true }, resources, options, load)).toBeUndefined();
      // electron-updater is not even loaded without a feed.
      expect(load).not.toHaveBeenCalled();
      writeFileSync(path.join(resources, 'app-update.yml'), 'provider: generic\nurl: https://updates.example.com/\n');
      expect(createUpdateService({ isPackaged: false }, resources, options, load)).toBeUndefined();
      const service = createUpdateService({ isPackaged: true }, resources, options, load);
      expect(service).toBeInstanceOf(UpdateService);
      expect(service?.state()).toEqual({ state: 'idle' });
      // Downloads and installs happen only when the service asks.
      expect(load.mock.results[0]?.value).toMatchObject({ autoDownload: false, autoInstallOnAppQuit: false });
    } finally {
      rmSync(resources, { recursive: true, force: true });
    }
  });
});
