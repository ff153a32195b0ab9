// The sandboxed preload: exposes `window.outbox` — one ipcRenderer.invoke per contract channel, plus on(event) —
// and never ipcRenderer itself or Electron's event objects.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventChannel, InvokeChannel, OutboxApi, PayloadOf } from '../shared/ipc-contract';

// The contract's names, listed here rather than imported: importing the contract module at run time would bundle
// zod and every schema into this preload (~0.7 MB, ~25 ms per window load) for a list of strings.
// The two checks below make the compiler reject a channel missing here or unknown to the contract.
const CHANNELS = [
  'outbox:list',
  'outbox:get',
  'outbox:enqueue',
  'outbox:edit',
  'outbox:undo',
  'outbox:sendNow',
  'outbox:retry',
  'outbox:hold',
  'outbox:cancel',
  'outbox:remove',
  'outbox:flush',
  'account:list',
  'account:add',
  'account:update',
  'account:remove',
  'account:test',
  'account:trust',
  'account:addOAuth',
  'account:signIn',
  'settings:detect',
  'settings:cancelDetect',
  'settings:verify',
  'draft:list',
  'draft:save',
  'draft:remove',
  'attachment:pick',
  'attachment:stage',
  'attachment:discard',
  'app:connectivity',
  'app:connectivityHint',
  'app:preferences',
  'app:setPreferences',
  'app:takeCommands',
  'app:restartToUpdate',
] as const satisfies readonly InvokeChannel[];
type Unlisted = Exclude<InvokeChannel, (typeof CHANNELS)[number]>;
const everyChannelListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyChannelListed;

const EVENTS = ['outbox:changed', 'settings:step', 'app:command'] as const satisfies readonly EventChannel[];
type UnlistedEvent = Exclude<EventChannel, (typeof EVENTS)[number]>;
const everyEventListed: [UnlistedEvent] extends [never] ? true : UnlistedEvent = true;
void everyEventListed;

export function buildApi(): OutboxApi {
  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of CHANNELS) {
    const [domain = '', verb = ''] = channel.split(':');
    (domains[domain] ??= {})[verb] = (...args) => ipcRenderer.invoke(channel, ...args);
  }
  const on = <E extends EventChannel>(channel: E, listener: (payload: PayloadOf<E>) => void): (() => void) => {
    if (!(EVENTS as readonly string[]).includes(channel)) throw new TypeError(`No event ${String(channel)}`);
    if (typeof listener !== 'function') throw new TypeError('on needs a function');
    // The Electron event object stays here: the page gets the payload only.
    const forward = (_event: IpcRendererEvent, payload: PayloadOf<E>): void => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  };
  // The one cast: the object is built from the same names OutboxApi is derived from.
  return { ...domains, on } as unknown as OutboxApi;
}

contextBridge.exposeInMainWorld('outbox', buildApi());
