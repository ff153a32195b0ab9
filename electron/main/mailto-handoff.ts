// mailto: links reaching the app: on our own command line, from a second launch (Windows, Linux), or through
// macOS's open-url; each becomes a Compose command. Also offers, once, to make Outbox the app for email links.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import { findMailtoArg, parseMailto } from '../shared/mailto';
import type { ComposePrefill } from '../shared/compose';
import { writeFileDurable } from '../core/fs/durable-write';
import { named, silentLogger } from '../core/logging';
import type { Logger } from '../core/ports';

type Listener = (...args: any[]) => void;

export interface HandoffApp {
  on(event: string, listener: Listener): unknown;
}

export interface HandoffOptions {
  /** A link to open in Compose (the window is brought forward by `onActivate` first). */
  onPrefill: (prefill: ComposePrefill) => void;
  /** Another launch happened, with or without a link: show and focus our window. */
  onActivate: () => void;
  logger?: Logger;
}

/**
 * Listens for links. Call before app 'ready': macOS delivers the link that launched the app through open-url
 * before ready, and it is lost if nobody listens yet.
 */
export function installMailtoHandoff(app: HandoffApp, argv: readonly string[], options: HandoffOptions): void {
  const { onPrefill, onActivate } = options;
  const logger = named(options.logger ?? silentLogger, 'mailto');
  const open = (url: string | null, from: string): void => {
    if (url === null) return;
    const prefill = parseMailto(url);
    if (prefill === null) {
      // Never log the link itself: it holds addresses and maybe a body.
      logger.warn(`ignored a link from ${from} that is not a usable mailto: URL`);
      return;
    }
    onPrefill(prefill);
  };
  app.on('open-url', (event: { preventDefault(): void }, url: string) => {
    event.preventDefault();
    onActivate();
    open(url, 'the OS');
  });
  app.on('second-instance', (_event: unknown, otherArgv: string[]) => {
    onActivate();
    open(findMailtoArg(Array.isArray(otherArgv) ? otherArgv : []), 'another launch');
  });
  open(findMailtoArg(argv), 'the command line');
}

export interface ProtocolApp {
  readonly isPackaged: boolean;
  isDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
  setAsDefaultProtocolClient(protocol: string, path?: string, args?: string[]): boolean;
}

export interface ProtocolRuntime {
  /** process.defaultApp: true when run as `electron .` — bare Electron, never registered as a mail app. */
  defaultApp?: boolean;
  execPath: string;
  platform: NodeJS.Platform;
  /** process.env.APPIMAGE: the AppImage file itself; execPath lies in its mount, a new folder at every start. */
  appImage?: string;
  /** Windows: %ProgramFiles% and %ProgramW6432%, to tell a per-machine install from a per-user one. */
  programFiles?: readonly (string | undefined)[];
}

export interface MailtoChoice {
  /** The executable the choice was made for (the AppImage file, not its mount). */
  executable: string;
  /** What the user answered; absent in records from versions that registered without asking. */
  choice?: 'yes' | 'no';
}

export interface RegistrationMemory {
  /** The remembered answer, if the question was ever asked. */
  read(): Promise<MailtoChoice | undefined>;
  write(record: MailtoChoice): Promise<void>;
}

/** The answer kept in <data folder>/mailto-handler.json; a missing or damaged file means the question was never asked. */
export function fileRegistrationMemory(dataDir: string): RegistrationMemory {
  const file = path.join(dataDir, 'mailto-handler.json');
  return {
    read: async () => {
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        if (typeof parsed !== 'object' || parsed === null || !('executable' in parsed) || typeof parsed.executable !== 'string')
          return undefined;
        const choice = 'choice' in parsed && (parsed.choice === 'yes' || parsed.choice === 'no') ? parsed.choice : undefined;
        return { executable: parsed.executable, ...(choice ? { choice } : {}) } satisfies MailtoChoice;
      } catch {
        return undefined;
      }
    },
    write: (record) => writeFileDurable(file, `${JSON.stringify(record)}\n`),
  };
}

/** What offerMailtoHandler needs to know of this process. */
export function protocolRuntime(proc: Pick<NodeJS.Process, 'defaultApp' | 'execPath' | 'platform' | 'env'>): ProtocolRuntime {
  return {
    defaultApp: proc.defaultApp,
    execPath: proc.execPath,
    platform: proc.platform,
    appImage: proc.env.APPIMAGE,
    programFiles: [proc.env.ProgramFiles, proc.env.ProgramW6432],
  };
}

export interface RegistrationPrompt {
  /** Asks once whether Outbox should open email links; true for yes. */
  ask(platform: NodeJS.Platform): Promise<boolean>;
  /** Opens a system page (Windows: Settings ▸ Default apps), where the user makes the choice Windows keeps for itself. */
  openSettings(url: string): Promise<void>;
}

export type MailtoOffer =
  'development' | 'already-default' | 'declined' | 'asked-before' | 'registered' | 'not-registered' | 'settings-opened';

/** The registered-application name the Windows installer writes under RegisteredApplications (electron-builder's NSIS include). */
export const WINDOWS_REGISTERED_NAME = 'Outbox';

/** Settings ▸ Default apps, on Outbox's own page where Windows 11 supports it (the query is ignored elsewhere). */
export function defaultAppsSettingsUrl(runtime: Pick<ProtocolRuntime, 'execPath' | 'programFiles'>): string {
  const exe = runtime.execPath.toLowerCase();
  const perMachine = (runtime.programFiles ?? []).some(
    (dir) => typeof dir === 'string' && dir !== '' && exe.startsWith(`${dir.toLowerCase()}\\`),
  );
  return `ms-settings:defaultapps?${perMachine ? 'registeredAppMachine' : 'registeredAppUser'}=${encodeURIComponent(WINDOWS_REGISTERED_NAME)}`;
}

/**
 * Offers to make Outbox the app for email links: asked once (the answer is remembered), never done silently, never
 * for bare Electron in development. Windows lets no app make itself the default (and its HKCU key would read back
 * as success while Windows ignores it): there the answer leads to Settings ▸ Default apps instead.
 */
export async function offerMailtoHandler(
  app: ProtocolApp,
  runtime: ProtocolRuntime,
  memory: RegistrationMemory,
  prompt: RegistrationPrompt,
  baseLogger: Logger = silentLogger,
): Promise<MailtoOffer> {
  const logger = named(baseLogger, 'mailto');
  if (runtime.defaultApp || !app.isPackaged) return 'development';
  const windows = runtime.platform === 'win32';
  // macOS and Linux answer truthfully for the current default; Windows would only read back our own key.
  if (!windows && app.isDefaultProtocolClient('mailto')) return 'already-default';
  const executable = runtime.appImage || runtime.execPath;
  const remembered = await memory.read();
  if (remembered && remembered.choice !== 'yes') return remembered.choice === 'no' ? 'declined' : 'asked-before';
  if (remembered?.choice === 'yes' && (windows || remembered.executable === executable)) return 'asked-before';
  // Yes was said for another copy of the app (it moved, or a new AppImage): follow it without asking again.
  const yes = remembered?.choice === 'yes' ? true : await prompt.ask(runtime.platform);
  await memory.write({ executable, choice: yes ? 'yes' : 'no' });
  if (!yes) {
    logger.info('the user kept their mail app for email links');
    return 'declined';
  }
  if (windows) {
    await prompt.openSettings(defaultAppsSettingsUrl(runtime));
    logger.info('opened Settings ▸ Default apps for the user to pick Outbox for email links');
    return 'settings-opened';
  }
  app.setAsDefaultProtocolClient('mailto'); // eng-disable PROTOCOL_HANDLER_JS_CHECK: mailto: only, asked first; links go through parseMailto into a Compose prefill, never loaded
  // Read back: on Linux xdg-settings fails quietly when no outbox.desktop is installed (an AppImage not integrated).
  const done = app.isDefaultProtocolClient('mailto');
  logger.info(
    done
      ? 'registered as the app for email links'
      : 'could not register as the app for email links (is the app integrated with the desktop?)',
  );
  return done ? 'registered' : 'not-registered';
}

/** The question behind offerMailtoHandler, as a dialog over the window (or on its own if the window has gone). */
export async function askToHandleMailto(
  dialog: Pick<Dialog, 'showMessageBox'>,
  parent: BrowserWindow,
  platform: NodeJS.Platform,
): Promise<boolean> {
  const detail =
    platform === 'win32'
      ? 'Windows lets you choose the app for email links yourself: Outbox opens Settings ▸ Default apps, where you pick Outbox for email (MAILTO).'
      : 'Links to email addresses in your browser and other apps will open a new message in Outbox. You can change this later in your system settings.';
  const options = {
    type: 'question' as const,
    buttons: ['Use Outbox', 'Not Now'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
    message: 'Open email links with Outbox?',
    detail,
  };
  const answer = parent.isDestroyed() ? await dialog.showMessageBox(options) : await dialog.showMessageBox(parent, options);
  return answer.response === 0;
}
