// A stand-in for the parts of 'electron' the main process uses, since no Electron binary runs here.
// Tests install it with vi.mock('electron', () => import('./fake-electron')) and inspect the fakes directly.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  headersListener: Listener | null = null;
  requestListener: Listener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: Listener) => {
      this.headersListener = listener;
    },
    onBeforeRequest: (listener: Listener) => {
      this.requestListener = listener;
    },
  };
  setPermissionRequestHandler(handler: Listener | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: Listener | null): void {
    this.permissionCheckHandler = handler;
  }
}

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly session = new FakeSession();
  windowOpenHandler: Listener | null = null;
  readonly send = vi.fn();
  destroyed = false;
  setWindowOpenHandler(handler: Listener): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  /** What BrowserWindow.getFocusedWindow() answers; tests set it. */
  static focused: BrowserWindow | null = null;
  static getFocusedWindow(): BrowserWindow | null {
    return BrowserWindow.focused;
  }
  /** Makes the next window's loadURL reject with this error, as a missing or damaged renderer would. */
  static failNextLoad: Error | null = null;
  readonly webContents = new FakeWebContents();
  /** Resolves like Electron's once the page loaded; a test may make it reject (a damaged install). */
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly isDestroyed = vi.fn(() => this.webContents.destroyed);
  bounds: Rect;
  minimized = false;
  maximized = false;
  fullScreen = false;
  readonly show = vi.fn();
  readonly focus = vi.fn();
  readonly restore = vi.fn(() => void (this.minimized = false));
  readonly setBounds = vi.fn((bounds: Rect) => void (this.bounds = { ...bounds }));
  readonly maximize = vi.fn(() => void (this.maximized = true));
  readonly setFullScreen = vi.fn((flag: boolean) => void (this.fullScreen = flag));
  constructor(readonly options: Record<string, any>) {
    super();
    this.bounds = { x: 0, y: 0, width: options.width ?? 800, height: options.height ?? 600 };
    if (BrowserWindow.failNextLoad) this.loadURL.mockRejectedValueOnce(BrowserWindow.failNextLoad);
    BrowserWindow.created.push(this);
  }
  getNormalBounds(): Rect {
    return { ...this.bounds };
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isMaximized(): boolean {
    return this.maximized;
  }
  isFullScreen(): boolean {
    return this.fullScreen;
  }
  /** What the user's close button does: 'close' (preventable), then 'closed'. */
  close(): boolean {
    const event = { preventDefault: vi.fn() };
    this.emit('close', event);
    if (event.preventDefault.mock.calls.length > 0) return false;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
    return true;
  }
}

type InvokeHandler = (event: unknown, ...args: unknown[]) => Promise<unknown>;

export const ipcMain = {
  handlers: new Map<string, InvokeHandler>(),
  handle(channel: string, handler: InvokeHandler): void {
    // Like Electron: a second handler for one channel is a programming error.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

export const shell = {
  openExternal: vi.fn(async (_url: string) => undefined),
  openPath: vi.fn(async (_path: string) => ''),
};

/** A will-navigate / will-attach-webview style event. */
export function fakeEvent<T extends object>(fields: T = {} as T): T & { preventDefault: ReturnType<typeof vi.fn> } {
  return { ...fields, preventDefault: vi.fn() };
}

class FakeApp extends EventEmitter {
  userData = '/nonexistent';
  gotLock = true;
  readonly quit = vi.fn(() => void this.emit('before-quit', { preventDefault: vi.fn() }));
  readonly exit = vi.fn();
  readonly enableSandbox = vi.fn();
  isPackaged = false;
  readonly setAppUserModelId = vi.fn();
  readonly setAsDefaultProtocolClient = vi.fn((_protocol: string, _path?: string, _args?: string[]) => true);
  readonly isDefaultProtocolClient = vi.fn((_protocol: string, _path?: string, _args?: string[]) => false);
  readonly setBadgeCount = vi.fn((_count?: number) => true);
  /** Present on macOS only, like Electron's. */
  dock: { setBadge: ReturnType<typeof vi.fn> } | undefined = undefined;
  getAppPath(): string {
    return '/nonexistent/app';
  }
  private ready!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  readyCalled = false;
  /** What Electron does once it has started. */
  becomeReady(): void {
    this.readyCalled = true;
    this.ready();
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
    return this.userData;
  }
  requestSingleInstanceLock(): boolean {
    return this.gotLock;
  }
}

export const app = new FakeApp();
export const dialog = {
  showErrorBox: vi.fn(),
  /** Answers the first button (e.g. "Use Outbox") unless a test says otherwise. */
  showMessageBox: vi.fn(async (..._args: unknown[]) => ({ response: 0, checkboxChecked: false })),
};

/** Schemes registered as privileged, and the handlers installed for them; `fetch` asks a handler as Chromium would. */
export const protocol = {
  privileged: [] as Array<{ scheme: string; privileges?: Record<string, boolean> }>,
  handlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  registerSchemesAsPrivileged: vi.fn((schemes: Array<{ scheme: string; privileges?: Record<string, boolean> }>) => {
    if (app.readyCalled) throw new Error('registerSchemesAsPrivileged must be called before the app is ready');
    protocol.privileged.push(...schemes);
  }),
  handle: vi.fn((scheme: string, handler: (request: Request) => Response | Promise<Response>) => {
    protocol.handlers.set(scheme, handler);
  }),
  async fetch(url: string): Promise<Response> {
    const handler = protocol.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    return handler(new Request(url));
  },
};
export const net = { isOnline: vi.fn(() => true) };
export const powerMonitor = new EventEmitter();

export class Notification extends EventEmitter {
  static supported = true;
  static readonly created: Notification[] = [];
  static isSupported(): boolean {
    return Notification.supported;
  }
  readonly show = vi.fn();
  readonly close = vi.fn();
  constructor(readonly options: { title: string; body?: string; actions?: { type: 'button'; text: string }[] }) {
    super();
    Notification.created.push(this);
  }
}

export class Tray extends EventEmitter {
  static readonly created: Tray[] = [];
  readonly setToolTip = vi.fn();
  readonly setContextMenu = vi.fn();
  readonly destroy = vi.fn();
  constructor(readonly image: unknown) {
    super();
    Tray.created.push(this);
  }
}

/** A built menu keeps its template so tests can find items and click them. */
export const Menu = {
  buildFromTemplate: (template: any[]) => ({ template }),
  setApplicationMenu: vi.fn(),
};

/** Images remember where they came from and the sizes they were given, which is all the tests look at. */
export class FakeImage {
  readonly representations: Array<{ scaleFactor: number; width?: number; height?: number }> = [];
  constructor(
    readonly file: string | null,
    readonly width = 1024,
  ) {}
  isEmpty(): boolean {
    return this.file === null && this.representations.length === 0;
  }
  resize(options: { width?: number }): FakeImage {
    return new FakeImage(this.file, options.width ?? this.width);
  }
  toPNG(): Buffer {
    return Buffer.alloc(0);
  }
  addRepresentation(representation: { scaleFactor: number; width?: number; height?: number }): void {
    this.representations.push(representation);
  }
}

export const nativeImage = {
  createFromPath: (file: string) => new FakeImage(file),
  createEmpty: () => new FakeImage(null),
};

export const screen = {
  displays: [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
  getAllDisplays(): Array<{ workArea: Rect }> {
    return this.displays;
  },
  getPrimaryDisplay(): { workArea: Rect } {
    return this.displays[0]!;
  },
};
