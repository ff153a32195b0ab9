// A stand-in for the parts of 'electron' the main process uses, since no Electron binary runs here.
// Tests install it with vi.mock('electron', () => import('./fake-electron')) and inspect the fakes directly.
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: any[]) => unknown;

export class FakeSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  headersListener: Listener | null = null;
  readonly webRequest = {
    onHeadersReceived: (listener: Listener) => {
      this.headersListener = listener;
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

export class BrowserWindow extends EventEmitter {
  static readonly created: BrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadFile = vi.fn(async (_file: string) => undefined);
  readonly show = vi.fn();
  constructor(readonly options: Record<string, any>) {
    super();
    BrowserWindow.created.push(this);
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
  private ready!: () => void;
  private readonly readyPromise = new Promise<void>((resolve) => (this.ready = resolve));
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  /** What Electron does once it has started. */
  becomeReady(): void {
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
export const dialog = { showErrorBox: vi.fn() };
export const net = { isOnline: vi.fn(() => true) };
export const powerMonitor = new EventEmitter();
