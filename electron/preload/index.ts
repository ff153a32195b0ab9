// The sandboxed preload: exposes `window.outbox` — one ipcRenderer.invoke per contract channel, plus onEvent —
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
  'app:connectivity',
] as const satisfies readonly InvokeChannel[];
type Unlisted = Exclude<InvokeChannel, (typeof CHANNELS)[number]>;
const everyChannelListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyChannelListed;

const EVENT_CHANNEL = 'outbox:changed' satisfies EventChannel;
type OutboxEventPayload = PayloadOf<typeof EVENT_CHANNEL>;

export function buildApi(): OutboxApi {
  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of CHANNELS) {
    const [domain = '', verb = ''] = channel.split(':');
    (domains[domain] ??= {})[verb] = (...args) => ipcRenderer.invoke(channel, ...args);
  }
  const onEvent = (listener: (event: OutboxEventPayload) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    const forward = (_event: IpcRendererEvent, payload: OutboxEventPayload): void => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  };
  // The one cast: the object is built from the same names OutboxApi is derived from.
  return { ...domains, onEvent } as unknown as OutboxApi;
}

contextBridge.exposeInMainWorld('outbox', buildApi());
