// The outbox engine's entry point for the composition roots (Electron main, the `outbox` command).
import { Outbox } from './engine';
import type { EngineOptions, OutboxEngine } from './engine-api';

export type { EngineOptions, OutboxEngine, EngineAccounts, RawEnqueueRequest, ListFilter, EngineRole } from './engine-api';

/** `autoSend: false` (the CLI) sends only what flush() and sendNow() ask for; the app sends by itself. */
export function createOutboxEngine(options: EngineOptions & { autoSend?: boolean; reserveBytes?: number }): OutboxEngine {
  return new Outbox(options);
}
