// The preload's `window.outbox`, typed from the IPC contract. Absent when the page is opened outside the app.
import type { OutboxApi } from '../../electron/shared/ipc-contract';

declare global {
  interface Window {
    readonly outbox?: OutboxApi;
  }
}

export function outboxApi(): OutboxApi | undefined {
  return window.outbox;
}
