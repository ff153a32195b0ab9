// Composition root of the desktop app: the one place services are built and wired — keychain, accounts, SMTP
// sender, connectivity, outbox engine, IPC, the window and the OS integration. Nothing here lives at module level.
import { app, BrowserWindow, dialog, Menu, nativeImage, net, Notification, powerMonitor, screen, shell, Tray, type NativeImage } from 'electron';
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
import { installMailtoHandoff, registerMailtoHandler, type RegistrationMemory } from './mailto-handoff';
import { SendNotifier } from './notifications';
import { QueuedCount } from './queued-count';
import { QueueIndicator } from './tray';
import { applyWindowState, loadWindowState, placeWindow, trackWindowState, type Rect, type WindowStateTracker } from './window-state';
import { pushEvent, registerIpcHandlers } from './ipc-handlers';
import { installQuitHandler } from './lifecycle';
import { createMainWindow, guardAllWebContents, rendererUrl } from './window';

/** electron-builder's appId: notifications and the mailto: registration hang on it. */
const APP_ID = 'app.outbox.desktop';

/** How long sends in flight may take to finish when the app quits. */
const STOP_GRACE_MS = 10_000;

/** Remembers which executable we offered as the mailto: handler, so the OS is asked once per install. */
function registrationMemory(dataDir: string): RegistrationMemory {
  const file = path.join(dataDir, 'mailto-handler.json');
  return {
    read: async () => {
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        return typeof parsed === 'object' && parsed !== null && 'executable' in parsed && typeof parsed.executable === 'string' ? parsed.executable : undefined;
      } catch {
        return undefined;
      }
    },
    write: (executable) => writeFileDurable(file, `${JSON.stringify({ executable })}\n`),
  };
}

const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

async function start(logger: Logger, commands: CommandRouter): Promise<{ showWindow: () => void }> {
  const dataDir = app.getPath('userData');
  logger.info(`[app] data folder ${dataDir}`);
  const secrets = new KeychainSecretStore({ logger });
  const accounts = new AccountStore({ dataDir, secrets, logger, oauthTokens: new OAuthTokenStore({ secrets, logger }) });
  // An unreadable accounts file is kept aside and reported on every account call, where the window shows it.
  await accounts.load().catch((error: unknown) => logger.error(`[app] ${formatErrorLine(toErrorInfo(error))}`));
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

  // dist/main/index.cjs sits beside dist/preload and dist/renderer.
  const preloadPath = path.join(__dirname, '../preload/index.cjs');
  const rendererFile = path.join(__dirname, '../renderer/index.html');
  const windows = new Map<number, BrowserWindow>();

  const staging = new AttachmentStaging(path.join(dataDir, 'attachments'));
  const drafts = new DraftStore(path.join(dataDir, 'drafts'), staging);
  // Files staged for a Compose that was closed without a draft: gone after a day.
  void drafts
    .attachmentsInUse()
    .then((inUse) => staging.sweep(inUse))
    .catch((error: unknown) => logger.warn(`[app] could not tidy staged attachments: ${String(error)}`));
  void registerMailtoHandler(app, { defaultApp: process.defaultApp, execPath: process.execPath, argv: process.argv }, registrationMemory(dataDir), logger).catch(
    (error: unknown) => logger.warn(`[mailto] could not register as the mailto: handler: ${String(error)}`),
  );
  const focusedWindow = (): BrowserWindow | undefined => BrowserWindow.getFocusedWindow() ?? windows.values().next().value;

  const unregisterIpc = registerIpcHandlers({
    handlers: createChannelHandlers({
      engine,
      accounts,
      connectivity,
      diagnostics: createAccountDiagnostics({ accounts, secrets }),
      oauth: createOAuthSignIn(accounts, secrets, logger),
      detection: new DetectionService(),
      compose: new ComposeService({ engine, drafts, staging }),
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
    }),
    trusted: { url: rendererUrl(rendererFile), isTrustedWebContents: (id) => windows.has(id) },
    logger,
  });
  const queued = new QueuedCount({
    list: (filter) => engine.list(filter),
    onCount: ({ waiting }) => indicator.show(waiting),
    logger,
  });
  const notifier = new SendNotifier({
    isSupported: () => Notification.isSupported(),
    create: (spec) => keepAlive(new Notification({ title: spec.title, body: spec.body })),
    isWindowFocused: () => BrowserWindow.getFocusedWindow() !== null,
    notifyOnSent: () => preferences.get().notifyOnSent,
    onClick: (id) => command(id === undefined ? { type: 'show', screen: 'outbox' } : { type: 'open-message', id }),
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
    queued.handle(event);
  };
  // The engine forwards connectivity changes as events too, so the window hears everything from one source.
  const unsubscribe = engine.on(broadcast);
  const stopWakeSignals = listenForWakeSignals(powerMonitor, connectivity);

  const sendAll = (): void => {
    engine.flush().catch((error: unknown) => logger.warn(`[app] send all failed: ${formatErrorLine(toErrorInfo(error))}`));
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
      }),
    ),
  );

  const windowStateFile = path.join(dataDir, 'window-state.json');
  const screenAreas = (): { all: Rect[]; primary: Rect } => ({ all: screen.getAllDisplays().map((d) => d.workArea), primary: screen.getPrimaryDisplay().workArea });
  let placement = placeWindow(await loadWindowState(windowStateFile, logger), screenAreas().all, screenAreas().primary);
  const trackers = new Set<WindowStateTracker>();

  const quit = installQuitHandler(app, {
    logger,
    sendsInFlight: async () => (await engine.list({ states: ['sending'] })).length,
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
      stopWakeSignals();
      // Still listening while sends finish: the window shows them land, and their notifications go out.
      await engine.stop({ graceMs: STOP_GRACE_MS });
      unsubscribe();
      notifier.flush();
      notifier.dispose();
      queued.dispose();
      await Promise.all([...trackers].map((tracker) => tracker.flush()));
      indicator.dispose();
      connectivity.dispose();
      unregisterIpc();
    },
  });

  await engine.start();
  logger.info(`[app] outbox started as ${engine.role}`);
  // Anything still queued from the last session is sent by the engine now; the count and notifier start from it.
  notifier.seed(await engine.list());
  void queued.refresh();

  function openWindow(): BrowserWindow {
    const win = createMainWindow({ preloadPath, rendererFile, logger });
    const id = win.webContents.id;
    windows.set(id, win);
    const { all, primary } = screenAreas();
    applyWindowState(win, placeWindow(placement, all, primary));
    const tracker = trackWindowState(win, { file: windowStateFile, logger });
    trackers.add(tracker);
    commands.attach(win.webContents);
    win.on('close', (event) => {
      // Stays open while quitting waits for sends, so the note stays readable.
      if (quit.phase() === 'stopping') {
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
  function command(cmd: AppCommand): void {
    showWindow();
    commands.deliver(cmd);
  }
  function trayImage(): NativeImage {
    // build/icon.png ships as an extra resource when packaged; from the source tree otherwise.
    const file = app.isPackaged ? path.join(process.resourcesPath, 'icon.png') : path.join(app.getAppPath(), 'build', 'icon.png');
    const source = nativeImage.createFromPath(file);
    if (source.isEmpty()) {
      logger.warn(`[tray] icon not found at ${file}`);
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

  openWindow();
  app.on('activate', () => void showWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  return { showWindow };
}

function main(logger: Logger): void {
  // One app process per user: the engine's sender lock would otherwise turn a second window into a mere producer.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
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
    .then(() => start(logger, commands))
    .then((shellApi) => {
      started = shellApi;
    })
    .catch((error: unknown) => {
      const line = formatErrorLine(toErrorInfo(error));
      logger.error(`[app] could not start: ${line}`);
      dialog.showErrorBox('Outbox could not start', line);
      app.exit(1);
    });
}

main(consoleLogger);
