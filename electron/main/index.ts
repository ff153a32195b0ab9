// Composition root of the desktop app: the one place services are built and wired — the core services (keychain,
// accounts, preferences, engine), connectivity, IPC, the windows, tray, notifications and menu, and quitting.
// The policies live in their modules (app-windows, app-notifications, tray, lifecycle, mailto-handoff, updater).
// Nothing here lives at module level.
import { app, BrowserWindow, dialog, Menu, nativeImage, net, powerMonitor, protocol, screen, shell, Tray } from 'electron';
import path from 'node:path';
import { formatErrorLine, toErrorInfo } from '../shared/errors';
import { OUTBOX_EVENT_CHANNEL, type AppCommand } from '../shared/ipc-contract';
import type { OutboxEvent } from '../shared/message';
import { AttachmentStaging } from '../core/compose/attachment-staging';
import { ComposeService } from '../core/compose/compose-service';
import { DraftStore } from '../core/compose/draft-store';
import { createLogging, type Logging } from '../core/logging';
import { CoreServices } from '../core/services';
import { DetectionService } from '../core/autodetect/detection-service';
import { createAccountDiagnostics } from '../core/diagnostics/account-check';
import { createChannelHandlers } from './channels';
import { createOAuthSignIn } from './oauth';
import { ConnectivityMonitor, listenForWakeSignals } from './connectivity';
import { buildMenuTemplate } from './app-menu';
import { AppNotifications } from './app-notifications';
import { AppWindows } from './app-windows';
import { CommandRouter } from './commands';
import { askToHandleMailto, fileRegistrationMemory, installMailtoHandoff, offerMailtoHandler, protocolRuntime } from './mailto-handoff';
import { QueuedCount } from './queued-count';
import { QueueIndicator, trayIconFile, trayImage } from './tray';
import { loadWindowState } from './window-state';
import { pushEvent, registerIpcHandlers } from './ipc-handlers';
import { installQuitHandler, quitWhenWindowsClose } from './lifecycle';
import { CONTENT_SECURITY_POLICY, createMainWindow, guardAllWebContents } from './window';
import { processCliMode, runCliModeIfRequested } from './cli-mode';
import { installCommandLineTool, processCliInstallDeps, resultMessage } from './cli-install';
import { registerAppScheme, RENDERER_URL, serveRenderer } from './app-protocol';
import { createUpdateService } from './updater';

/** electron-builder's appId: notifications and the mailto: registration hang on it. */
const APP_ID = 'app.outbox.desktop';

/** How long sends in flight may take to finish when the app quits. */
const STOP_GRACE_MS = 10_000;

async function start(logging: Logging, commands: CommandRouter): Promise<{ showWindow: () => void }> {
  const dataDir = app.getPath('userData');
  // The keychain (its secrets known to the log, which never writes them), accounts, preferences and the engine,
  // built as the `outbox` command builds them.
  const services = new CoreServices({ dataDir, logging, name: 'app' });
  const { logger } = services;
  logger.info(`data folder ${dataDir}`);
  const secrets = services.secrets();
  const accounts = services.accounts();
  // An unreadable accounts file is kept aside and reported on every account call, where the window shows it.
  await accounts.load().catch((error: unknown) => logger.error(formatErrorLine(toErrorInfo(error))));
  const connectivity = new ConnectivityMonitor({ probe: () => net.isOnline(), logger });
  const preferences = await services.preferences();
  const engine = await services.createEngine({ connectivity });

  // dist/main/index.cjs sits beside dist/preload and dist/renderer; the renderer is served as app://outbox/.
  const preloadPath = path.join(__dirname, '../preload/index.cjs');
  serveRenderer(protocol, path.join(__dirname, '../renderer'), CONTENT_SECURITY_POLICY);

  const staging = new AttachmentStaging(path.join(dataDir, 'attachments'));
  const drafts = new DraftStore(path.join(dataDir, 'drafts'), staging);
  // Files staged for a Compose that was closed without a draft: gone after a day.
  void drafts
    .attachmentsInUse()
    .then((inUse) => staging.sweep(inUse))
    .catch((error: unknown) => logger.warn(`could not tidy staged attachments: ${String(error)}`));

  const queued = new QueuedCount({
    list: (filter) => engine.list(filter),
    onCount: ({ waiting, sending }) => {
      indicator.show(waiting);
      updates?.sendsChanged(sending);
    },
    logger,
  });
  const updates = createUpdateService(app, process.resourcesPath, {
    isSending: () => queued.counts.sending > 0,
    onReady: (version) => command({ type: 'update-ready', version }, false),
    logger,
  });
  const notifications = new AppNotifications({
    platform: process.platform,
    isWindowFocused: () => windows.anyFocused(),
    notifyOnSent: () => preferences.get().notifyOnSent,
    command: (cmd) => command(cmd),
  });
  const broadcast = (event: OutboxEvent): void => {
    for (const win of windows.all()) pushEvent(win.webContents, OUTBOX_EVENT_CHANNEL, event);
    notifications.handle(event);
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
    createTray: () => new Tray(trayImage(nativeImage, trayIconFile(app, process.resourcesPath), process.platform, logger)),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    actions: { open: () => void windows.show(), compose: () => command({ type: 'compose' }), sendAll, quit: () => app.quit() },
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
  const savedWindowState = await loadWindowState(windowStateFile, logger);
  const quit = installQuitHandler(app, {
    logger,
    system: powerMonitor,
    // The live count (recounted a moment after each engine event): a quit is held only while it is above zero.
    sendsInFlight: () => queued.counts.sending,
    onWaitingForSends: (sending) => {
      // Quit from the tray or the Dock may come with the window minimized: bring it up so the note is seen.
      windows.reveal();
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
      notifications.stop();
      queued.dispose();
      await windows.flush();
      indicator.dispose();
      connectivity.dispose();
      unregisterIpc();
    },
  });
  const windows = new AppWindows({
    create: (state, onLoadFailed) => createMainWindow({ preloadPath, state, logger, onLoadFailed }),
    screens: () => ({ all: screen.getAllDisplays().map((d) => d.workArea), primary: screen.getPrimaryDisplay().workArea }),
    saved: savedWindowState,
    stateFile: windowStateFile,
    platform: process.platform,
    quit,
    sendsInFlight: () => queued.counts.sending,
    requestQuit: () => app.quit(),
    exit: (code) => app.exit(code),
    focusedWindow: () => BrowserWindow.getFocusedWindow(),
    dialog,
    onOpen: (win) => commands.attach(win.webContents),
    logger,
  });

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
      pickFiles: () => windows.pickFiles(),
      onDetectStep: (event) => {
        for (const win of windows.all()) pushEvent(win.webContents, 'settings:step', event);
      },
      pollConnectivity: () => connectivity.poll(),
      takeCommands: () => commands.take(),
      restartToUpdate: () => updates?.restartToUpdate() ?? 'no-update',
    }),
    trusted: { url: RENDERER_URL, isTrustedWebContents: (id) => windows.has(id) },
    logger,
  });

  await engine.start();
  logger.info(`outbox started as ${engine.role}`);
  // Anything still queued from the last session is sent by the engine now; the count and notifications start from it.
  notifications.seed(await engine.list());
  void queued.refresh();

  function command(cmd: AppCommand, bringForward = true): void {
    if (bringForward) windows.show();
    commands.deliver(cmd);
  }

  const first = windows.open();
  // Asked once, over the window once it shows: never silently, never for bare Electron in development.
  first.once('ready-to-show', () => {
    void offerMailtoHandler(
      app,
      protocolRuntime(process),
      fileRegistrationMemory(dataDir),
      { ask: (platform) => askToHandleMailto(dialog, first, platform), openSettings: (url) => shell.openExternal(url) }, // eng-disable OPEN_EXTERNAL_JS_CHECK: our own ms-settings: URL
      logger,
    ).catch((error: unknown) => logger.warn(`could not offer Outbox for email links: ${String(error)}`));
  });
  updates?.start();
  app.on('activate', () => void windows.show());
  quitWhenWindowsClose(app, process.platform);
  return { showWindow: () => void windows.show() };
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
if (!runCliModeIfRequested(processCliMode(app)))
  main(createLogging({ dataDir: app.getPath('userData'), file: 'outbox', env: process.env }));
