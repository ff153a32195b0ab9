// Composition root of the desktop app: the one place services are built and wired — keychain, accounts, SMTP
// sender, connectivity, outbox engine, IPC, the window and the OS integration. Nothing here lives at module level.
import { app, BrowserWindow, dialog, Menu, nativeImage, net, Notification, powerMonitor, protocol, screen, shell, Tray, type NativeImage } from 'electron';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { formatErrorLine, toErrorInfo } from '../shared/errors';
import { OUTBOX_EVENT_CHANNEL, type AppCommand } from '../shared/ipc-contract';
import { writeFileDurable } from '../core/fs/durable-write';
import { AttachmentStaging } from '../core/compose/attachment-staging';
import { ComposeService } from '../core/compose/compose-service';
import { DraftStore } from '../core/compose/draft-store';
import { PreferencesStore } from '../core/preferences/preferences-store';
import type { OutboxEvent } from '../shared/message';
import type { Logger } from '../core/ports';
import { createLogging, redactingSecrets, type Logging } from '../core/logging';
import { AccountStore } from '../core/accounts/account-store';
import { KeychainSecretStore } from '../core/secrets/keychain';
import { OAuthTokenStore } from '../core/oauth/token-store';
import { SmtpSender } from '../core/smtp/smtp-sender';
import { createEngineAccounts } from '../core/outbox/account-adapter';
import { createOutboxEngine } from '../core/outbox';
import { createSentCopyWriter } from '../core/imap/sent-copy-writer';
import { createChannelHandlers } from './channels';
import { createOAuthSignIn } from './oauth';
import { DetectionService } from '../core/autodetect/detection-service';
import { createAccountDiagnostics } from '../core/diagnostics/account-check';
import { ConnectivityMonitor, listenForWakeSignals } from './connectivity';
import { buildMenuTemplate } from './app-menu';
import { CommandRouter } from './commands';
import { installMailtoHandoff, offerMailtoHandler, type MailtoChoice, type RegistrationMemory } from './mailto-handoff';
import { SendNotifier } from './notifications';
import { UndoNotifier } from './undo-notifications';
import { QueuedCount } from './queued-count';
import { QueueIndicator } from './tray';
import { loadWindowState, placeWindow, trackWindowState, type Rect, type WindowStateTracker } from './window-state';
import { pushEvent, registerIpcHandlers } from './ipc-handlers';
import { installQuitHandler } from './lifecycle';
import { CONTENT_SECURITY_POLICY, createMainWindow, guardAllWebContents } from './window';
import { processCliMode, runCliModeIfRequested } from './cli-mode';
import { installCommandLineTool, processCliInstallDeps, resultMessage } from './cli-install';
import { registerAppScheme, RENDERER_URL, serveRenderer } from './app-protocol';
import { UpdateService } from './updater';

/** electron-builder's appId: notifications and the mailto: registration hang on it. */
const APP_ID = 'app.outbox.desktop';

/** How long sends in flight may take to finish when the app quits. */
const STOP_GRACE_MS = 10_000;

/** Remembers the answer to "use Outbox for email links?", so it is asked once. */
function registrationMemory(dataDir: string): RegistrationMemory {
  const file = path.join(dataDir, 'mailto-handler.json');
  return {
    read: async () => {
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || !('executable' in parsed) || typeof parsed.executable !== 'string') return undefined;
        const choice = 'choice' in parsed && (parsed.choice === 'yes' || parsed.choice === 'no') ? parsed.choice : undefined;
        return { executable: parsed.executable, ...(choice ? { choice } : {}) } satisfies MailtoChoice;
      } catch {
        return undefined;
      }
    },
    write: (record) => writeFileDurable(file, `${JSON.stringify(record)}\n`),
  };
}

async function start(logging: Logging, commands: CommandRouter): Promise<{ showWindow: () => void }> {
  const logger = logging.createLogger('app');
  const dataDir = app.getPath('userData');
  logger.info(`data folder ${dataDir}`);
  // Every password and token the keychain hands out is known to the log, which then never writes it.
  const secrets = redactingSecrets(new KeychainSecretStore({ logger }), logging.redactor);
  const accounts = new AccountStore({ dataDir, secrets, logger, oauthTokens: new OAuthTokenStore({ secrets, logger }) });
  // An unreadable accounts file is kept aside and reported on every account call, where the window shows it.
  await accounts.load().catch((error: unknown) => logger.error(formatErrorLine(toErrorInfo(error))));
  const sender = new SmtpSender({ logger });
  const connectivity = new ConnectivityMonitor({ probe: () => net.isOnline(), logger });
  const sentCopy = createSentCopyWriter(accounts, secrets, logger);
  const preferences = new PreferencesStore(dataDir, logger);
  await preferences.load();
  const engine = createOutboxEngine({
    dataDir,
    accounts: createEngineAccounts(accounts),
    sender,
    connectivity,
    logger,
    sentCopy,
    lifetimeMs: () => preferences.retryLifetimeMs(),
  });

  // dist/main/index.cjs sits beside dist/preload and dist/renderer; the renderer is served as app://outbox/.
  const preloadPath = path.join(__dirname, '../preload/index.cjs');
  serveRenderer(protocol, path.join(__dirname, '../renderer'), CONTENT_SECURITY_POLICY);
  const windows = new Map<number, BrowserWindow>();

  const staging = new AttachmentStaging(path.join(dataDir, 'attachments'));
  const drafts = new DraftStore(path.join(dataDir, 'drafts'), staging);
  // Files staged for a Compose that was closed without a draft: gone after a day.
  void drafts
    .attachmentsInUse()
    .then((inUse) => staging.sweep(inUse))
    .catch((error: unknown) => logger.warn(`could not tidy staged attachments: ${String(error)}`));
  const focusedWindow = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? windows.values().next().value;

  const unregisterIpc = registerIpcHandlers({
    handlers: createChannelHandlers({
      engine,
      accounts,
      connectivity,
      diagnostics: createAccountDiagnostics({ accounts, secrets }),
      oauth: createOAuthSignIn(accounts, secrets, logger),
      detection: new DetectionService(),
      compose: new ComposeService({ engine, drafts, staging, sendDelaySeconds: () => preferences.get().undoSendSeconds }),
      drafts,
      staging,
      preferences,
      pickFiles: async () => {
        const parent = focusedWindow();
        const options = { title: 'Attach files', properties: ['openFile', 'multiSelections'] as Array<'openFile' | 'multiSelections'> };
        const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
        return result.canceled ? [] : result.filePaths;
      },
      onDetectStep: (event) => {
        for (const win of windows.values()) pushEvent(win.webContents, 'settings:step', event);
      },
      pollConnectivity: () => connectivity.poll(),
      takeCommands: () => commands.take(),
      restartToUpdate: () => updates?.restartToUpdate() ?? 'no-update',
    }),
    trusted: { url: RENDERER_URL, isTrustedWebContents: (id) => windows.has(id) },
    logger,
  });
  const queued = new QueuedCount({
    list: (filter) => engine.list(filter),
    onCount: ({ waiting, sending }) => {
      indicator.show(waiting);
      updates?.sendsChanged(sending);
    },
    logger,
  });
  // Only where the build wrote a feed (electron-builder's publish config → app-update.yml) and the app is packaged.
  const updates = createUpdates(logger, () => queued.counts.sending > 0, (version) => command({ type: 'update-ready', version }, false));
  const notifier = new SendNotifier({
    isSupported: () => Notification.isSupported(),
    create: (spec) => keepAlive(new Notification({ title: spec.title, body: spec.body })),
    isWindowFocused: () => BrowserWindow.getFocusedWindow() !== null,
    notifyOnSent: () => preferences.get().notifyOnSent,
    onClick: (id) => command(id === undefined ? { type: 'show', screen: 'outbox' } : { type: 'open-message', id }),
  });
  // Undo send: Electron shows notification buttons on macOS only; elsewhere the notification's click undoes.
  const undoNotifier = new UndoNotifier({
    isSupported: () => Notification.isSupported(),
    supportsActions: process.platform === 'darwin',
    create: (spec) => {
      const notification = keepAlive(new Notification({ title: spec.title, body: spec.body, actions: spec.actions.map((text) => ({ type: 'button' as const, text })) }));
      return {
        on: (event: 'click' | 'action', listener: (index: number) => void) =>
          event === 'click' ? notification.on('click', () => listener(0)) : notification.on('action', (_e, index) => listener(index)),
        show: () => notification.show(),
        close: () => notification.close(),
      };
    },
    onUndo: (id) => command({ type: 'undo', id }),
    onOpen: (id) => command({ type: 'open-message', id }),
  });
  // Electron drops a notification's click handler once the object is garbage-collected: hold the recent ones.
  const liveNotifications = new Set<Notification>();
  const keepAlive = (notification: Notification): Notification => {
    liveNotifications.add(notification);
    if (liveNotifications.size > 20) liveNotifications.delete(liveNotifications.values().next().value!);
    notification.on('close', () => liveNotifications.delete(notification));
    return notification;
  };
  const broadcast = (event: OutboxEvent): void => {
    for (const win of windows.values()) pushEvent(win.webContents, OUTBOX_EVENT_CHANNEL, event);
    notifier.handle(event);
    undoNotifier.handle(event);
    queued.handle(event);
  };
  // The engine forwards connectivity changes as events too, so the window hears everything from one source.
  const unsubscribe = engine.on(broadcast);
  const stopWakeSignals = listenForWakeSignals(powerMonitor, connectivity);

  const sendAll = (): void => {
    engine.flush().catch((error: unknown) => logger.warn(`send all failed: ${formatErrorLine(toErrorInfo(error))}`));
  };
  const indicator = new QueueIndicator({
    platform: process.platform,
    dock: app.dock,
    setBadgeCount: (count) => app.setBadgeCount(count),
    createTray: () => new Tray(trayImage()),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    actions: { open: () => void showWindow(), compose: () => command({ type: 'compose' }), sendAll, quit: () => app.quit() },
    logger,
  });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate(process.platform, app.isPackaged, {
        command,
        sendAll,
        showDataFolder: () => void shell.openPath(dataDir),
        showLogs: () => void shell.openPath(logging.dir),
        installCommandLineTool: () =>
          void installCommandLineTool(processCliInstallDeps(app)).then((result) => {
            const box = resultMessage(result);
            if (box) void dialog.showMessageBox({ ...box, buttons: ['OK'] });
          }),
      }),
    ),
  );

  const windowStateFile = path.join(dataDir, 'window-state.json');
  const screenAreas = (): { all: Rect[]; primary: Rect } => ({ all: screen.getAllDisplays().map((d) => d.workArea), primary: screen.getPrimaryDisplay().workArea });
  let placement = placeWindow(await loadWindowState(windowStateFile, logger), screenAreas().all, screenAreas().primary);
  const trackers = new Set<WindowStateTracker>();

  const quit = installQuitHandler(app, {
    logger,
    system: powerMonitor,
    // The live count (recounted a moment after each engine event): a quit is held only while it is above zero.
    sendsInFlight: () => queued.counts.sending,
    onWaitingForSends: (sending) => {
      // Quit from the tray or the Dock may come with the window minimized: bring it up so the note is seen.
      const win = windows.values().next().value;
      if (win) {
        if (win.isMinimized()) win.restore();
        win.show();
      }
      commands.deliver({ type: 'quitting', sending });
    },
    stop: async () => {
      // An update downloaded earlier is installed on the way out, unless a send is in flight or the system is ending.
      updates?.prepareQuit(quit.systemIsEnding());
      updates?.dispose();
      stopWakeSignals();
      // Still listening while sends finish: the window shows them land, and their notifications go out.
      await engine.stop({ graceMs: STOP_GRACE_MS });
      unsubscribe();
      notifier.flush();
      notifier.dispose();
      undoNotifier.dispose();
      queued.dispose();
      await Promise.all([...trackers].map((tracker) => tracker.flush()));
      indicator.dispose();
      connectivity.dispose();
      unregisterIpc();
    },
  });

  await engine.start();
  logger.info(`outbox started as ${engine.role}`);
  // Anything still queued from the last session is sent by the engine now; the count and notifier start from it.
  notifier.seed(await engine.list());
  void queued.refresh();

  function openWindow(): BrowserWindow {
    const { all, primary } = screenAreas();
    const win = createMainWindow({ preloadPath, state: placeWindow(placement, all, primary), logger, onLoadFailed: cannotLoad });
    const id = win.webContents.id;
    windows.set(id, win);
    // Windows reports a shutdown, restart or log-off to the windows; quitting must then hold nothing.
    win.on('query-session-end', () => quit.systemEnding());
    win.on('session-end', () => quit.systemEnding());
    const tracker = trackWindowState(win, { file: windowStateFile, logger });
    trackers.add(tracker);
    commands.attach(win.webContents);
    win.on('close', (event) => {
      // Stays open while quitting waits for sends, so the note stays readable (never while the system shuts down).
      if (quit.holdsWindows()) {
        event.preventDefault();
        return;
      }
      // Closing the last window quits on Windows and Linux: with a send in flight, quit with the window still up.
      if (quit.phase() === 'running' && process.platform !== 'darwin' && windows.size === 1 && queued.counts.sending > 0) {
        event.preventDefault();
        app.quit();
        return;
      }
      placement = { bounds: win.getNormalBounds(), maximized: win.isMaximized(), fullScreen: win.isFullScreen() };
    });
    win.on('closed', () => {
      windows.delete(id);
      void tracker.flush().finally(() => trackers.delete(tracker));
    });
    return win;
  }
  function showWindow(): BrowserWindow {
    const existing = windows.values().next().value;
    // A new window shows itself once painted (ready-to-show), so it never flashes blank.
    if (!existing) return openWindow();
    const win = existing;
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
    return win;
  }
  function command(cmd: AppCommand, bringForward = true): void {
    if (bringForward) showWindow();
    commands.deliver(cmd);
  }
  /** A damaged install: without its page the window would never appear, so say so and quit. */
  function cannotLoad(error: unknown): void {
    dialog.showErrorBox('Outbox could not open its window', `${error instanceof Error ? error.message : String(error)}\n\nReinstalling Outbox should fix this. Your outbox and accounts are kept.`);
    app.exit(1);
  }
  function trayImage(): NativeImage {
    // build/icon.png ships as an extra resource when packaged; from the source tree otherwise.
    const file = app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(app.getAppPath(), 'build', 'icon.png');
    const source = nativeImage.createFromPath(file);
    if (source.isEmpty()) {
      logger.warn(`tray icon not found at ${file}`);
      return source;
    }
    // The 1024-pixel app icon, scaled once per screen density so the tray picks a sharp one (16 pt on Windows, 24 on Linux).
    const size = process.platform === 'win32' ? 16 : 24;
    const image = nativeImage.createEmpty();
    for (const scaleFactor of [1, 2]) {
      const scaled = source.resize({ width: size * scaleFactor, height: size * scaleFactor, quality: 'best' });
      image.addRepresentation({ scaleFactor, width: size * scaleFactor, height: size * scaleFactor, buffer: scaled.toPNG() });
    }
    return image;
  }

  const first = openWindow();
  // Asked once, over the window once it shows: never silently, never for bare Electron in development.
  first.once('ready-to-show', () => {
    void offerMailtoHandler(
      app,
      { defaultApp: process.defaultApp, execPath: process.execPath, platform: process.platform, appImage: process.env.APPIMAGE, programFiles: [process.env.ProgramFiles, process.env.ProgramW6432] },
      registrationMemory(dataDir),
      { ask: (platform) => askToHandleMailto(first, platform), openSettings: (url) => shell.openExternal(url) }, // eng-disable OPEN_EXTERNAL_JS_CHECK: our own ms-settings: URL
      logger,
    ).catch((error: unknown) => logger.warn(`could not offer Outbox for email links: ${String(error)}`));
  });
  updates?.start();
  app.on('activate', () => void showWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  return { showWindow };
}

/** The question behind offerMailtoHandler, as a dialog over the window. */
async function askToHandleMailto(parent: BrowserWindow, platform: NodeJS.Platform): Promise<boolean> {
  const detail =
    platform === 'win32'
      ? 'Windows lets you choose the app for email links yourself: Outbox opens Settings ▸ Default apps, where you pick Outbox for email (MAILTO).'
      : 'Links to email addresses in your browser and other apps will open a new message in Outbox. You can change this later in your system settings.';
  const options = { type: 'question' as const, buttons: ['Use Outbox', 'Not Now'], defaultId: 0, cancelId: 1, noLink: true, message: 'Open email links with Outbox?', detail };
  const answer = parent.isDestroyed() ? await dialog.showMessageBox(options) : await dialog.showMessageBox(parent, options);
  return answer.response === 0;
}

/** electron-updater's platform updater, when this build has a feed; undefined in development and unconfigured builds. */
function createUpdates(logger: Logger, isSending: () => boolean, onReady: (version: string) => void): UpdateService | undefined {
  if (!app.isPackaged || !existsSync(path.join(process.resourcesPath, 'app-update.yml'))) return undefined;
  // Loaded only here: it picks the platform's updater (NSIS, DMG/zip, AppImage, deb) when first touched.
  const { autoUpdater } = require('electron-updater') as typeof import('electron-updater');
  return new UpdateService({ updater: autoUpdater, isSending, onReady, logger });
}

function main(logging: Logging): void {
  const logger = logging.createLogger('app');
  // One app process per user: the engine's sender lock would otherwise turn a second window into a mere producer.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  // The window's own `sandbox: true` is the sandbox; app.enableSandbox() would also strip the AppImage's --no-sandbox.
  // Before 'ready': the renderer's own scheme, privileged (standard, secure) so the page behaves as on https.
  registerAppScheme(protocol);
  // Before 'ready', so every webContents ever created gets the same fences as the main window.
  guardAllWebContents(app, logger);
  // The identity Windows shows notifications under; the same id electron-builder gives the installed app.
  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  const commands = new CommandRouter();
  let started: { showWindow: () => void } | undefined;
  // Before ready: macOS delivers the link that launched the app through open-url, before 'ready'. A link that
  // comes while starting waits in the router; the window opens anyway once started.
  installMailtoHandoff(app, process.argv, {
    onActivate: () => started?.showWindow(),
    onPrefill: (prefill) => commands.deliver({ type: 'compose', prefill }),
    logger,
  });
  app
    .whenReady()
    .then(() => start(logging, commands))
    .then((shellApi) => {
      started = shellApi;
    })
    .catch((error: unknown) => {
      const line = formatErrorLine(toErrorInfo(error));
      logger.error(`could not start: ${line}`);
      dialog.showErrorBox('Outbox could not start', line);
      app.exit(1);
    });
}

// `Outbox --outbox-cli -- …` (the installers' `outbox` command) runs the CLI instead: no window, no single-instance lock.
// The log lives in the data folder; OUTBOX_DEBUG=1 mirrors it to the terminal.
if (!runCliModeIfRequested(processCliMode(app))) main(createLogging({ dataDir: app.getPath('userData'), file: 'outbox', env: process.env }));
