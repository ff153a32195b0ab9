// mailto: links reaching the app: on our own command line, from a second launch (Windows, Linux), or through
// macOS's open-url; each becomes a Compose command. Also registers the app as the mailto: handler, once.
import path from 'node:path';
import { findMailtoArg, parseMailto } from '../shared/mailto';
import type { ComposePrefill } from '../shared/compose';
import { silentLogger, type Logger } from '../core/ports';

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
  const { onPrefill, onActivate, logger = silentLogger } = options;
  const open = (url: string | null, from: string): void => {
    if (url === null) return;
    const prefill = parseMailto(url);
    if (prefill === null) {
      // Never log the link itself: it holds addresses and maybe a body.
      logger.warn(`[mailto] ignored a link from ${from} that is not a usable mailto: URL`);
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
  /** process.defaultApp: true when run as `electron .`, where the OS must be told which app path to pass. */
  defaultApp?: boolean;
  execPath: string;
  argv: readonly string[];
}

/** What to pass to (is|setAs)DefaultProtocolClient: nothing when packaged; Electron plus our app path in development. */
export function protocolClientArgs(runtime: ProtocolRuntime): [string?, string[]?] {
  if (!runtime.defaultApp) return [];
  const appPath = runtime.argv[1];
  return appPath ? [runtime.execPath, [path.resolve(appPath)]] : [];
}

export interface RegistrationMemory {
  /** The executable we last registered, if any: we ask the OS once per install, never again after the user chose otherwise. */
  read(): Promise<string | undefined>;
  write(executable: string): Promise<void>;
}

/**
 * Offers Outbox as the mailto: handler once per installed executable (first start, or after the app moved).
 * Never on later starts: if the user then picked another mail app, taking it back would be nagging.
 */
export async function registerMailtoHandler(
  app: ProtocolApp,
  runtime: ProtocolRuntime,
  memory: RegistrationMemory,
  logger: Logger = silentLogger,
): Promise<boolean> {
  if (!app.isPackaged && !runtime.defaultApp) return false;
  const args = protocolClientArgs(runtime);
  if (app.isDefaultProtocolClient('mailto', ...args)) return false;
  const executable = args[0] ?? runtime.execPath;
  if ((await memory.read()) === executable) return false;
  const done = app.setAsDefaultProtocolClient('mailto', ...args); // eng-disable PROTOCOL_HANDLER_JS_CHECK: mailto: only, by design; links go through parseMailto into a Compose prefill, never loaded
  logger.info(`[mailto] ${done ? 'registered as' : 'could not register as'} the mailto: handler`);
  await memory.write(executable);
  return done;
}
