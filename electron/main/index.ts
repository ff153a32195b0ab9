// Composition root of the desktop app: the one place services are built and wired — keychain, accounts,
// SMTP sender, connectivity, outbox engine, IPC and the window. Nothing here lives at module level.
import { app, BrowserWindow, dialog, net, powerMonitor } from 'electron';
import path from 'node:path';
import { formatErrorLine, toErrorInfo } from '../shared/errors';
import { OUTBOX_EVENT_CHANNEL } from '../shared/ipc-contract';
import { AttachmentStaging } from '../core/compose/attachment-staging';
import { ComposeService } from '../core/compose/compose-service';
import { DraftStore } from '../core/compose/draft-store';
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
import { ConnectivityMonitor } from './connectivity';
import { pushEvent, registerIpcHandlers } from './ipc-handlers';
import { installQuitHandler } from './lifecycle';
import { createMainWindow, rendererUrl } from './window';

/** How long sends in flight may take to finish when the app quits. */
const STOP_GRACE_MS = 10_000;

const consoleLogger: Logger = {
  info: (message) => console.log(message),
  warn: (message) => console.warn(message),
  error: (message) => console.error(message),
};

async function start(logger: Logger): Promise<void> {
  const dataDir = app.getPath('userData');
  logger.info(`[app] data folder ${dataDir}`);
  const secrets = new KeychainSecretStore({ logger });
  const accounts = new AccountStore({ dataDir, secrets, logger, oauthTokens: new OAuthTokenStore({ secrets, logger }) });
  // An unreadable accounts file is kept aside and reported on every account call, where the window shows it.
  await accounts.load().catch((error: unknown) => logger.error(`[app] ${formatErrorLine(toErrorInfo(error))}`));
  const sender = new SmtpSender({ logger });
  const connectivity = new ConnectivityMonitor({ probe: () => net.isOnline(), logger });
  const sentCopy = createSentCopyWriter(accounts, secrets, logger);
  const engine = createOutboxEngine({ dataDir, accounts: createEngineAccounts(accounts), sender, connectivity, logger, sentCopy });

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
    }),
    trusted: { url: rendererUrl(rendererFile), isTrustedWebContents: (id) => windows.has(id) },
    logger,
  });
  const broadcast = (event: OutboxEvent): void => {
    for (const win of windows.values()) pushEvent(win.webContents, OUTBOX_EVENT_CHANNEL, event);
  };
  // The engine forwards connectivity changes as events too, so the window hears everything from one source.
  const unsubscribe = engine.on(broadcast);
  const onResume = (): void => connectivity.poll();
  powerMonitor.on('resume', onResume);

  installQuitHandler(app, {
    logger,
    stop: async () => {
      unsubscribe();
      powerMonitor.off('resume', onResume);
      await engine.stop({ graceMs: STOP_GRACE_MS });
      connectivity.dispose();
      unregisterIpc();
    },
  });

  await engine.start();
  logger.info(`[app] outbox started as ${engine.role}`);

  const openWindow = (): BrowserWindow => {
    const win = createMainWindow({ preloadPath, rendererFile, logger });
    const id = win.webContents.id;
    windows.set(id, win);
    win.on('closed', () => windows.delete(id));
    return win;
  };
  openWindow();

  app.on('second-instance', () => {
    const win = windows.values().next().value ?? openWindow();
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('activate', () => {
    if (windows.size === 0) openWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

function main(logger: Logger): void {
  // One app process per user: the engine's sender lock would otherwise turn a second window into a mere producer.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.enableSandbox();
  app
    .whenReady()
    .then(() => start(logger))
    .catch((error: unknown) => {
      const line = formatErrorLine(toErrorInfo(error));
      logger.error(`[app] could not start: ${line}`);
      dialog.showErrorBox('Outbox could not start', line);
      app.exit(1);
    });
}

main(consoleLogger);
