// Registers every channel of the IPC contract through one wrapper: trusted sender, validated arguments,
// and a result envelope whatever happens — nothing thrown in main crosses (or crashes) the bridge.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import type { z } from 'zod';
import { AppError, toErrorInfo, type ErrorInfo } from '../shared/errors';
import {
  INVOKE_CHANNELS,
  invokeContract,
  type EventChannel,
  type InvokeChannel,
  type PayloadOf,
  type Result,
  type ResultOf,
  type ValidArgsOf,
} from '../shared/ipc-contract';
import { named, silentLogger } from '../core/logging';
import type { Logger } from '../core/ports';

/** One implementation per channel; they receive arguments already validated. */
export type ChannelHandlers = {
  [C in InvokeChannel]: (...args: ValidArgsOf<C>) => Promise<ResultOf<C>>;
};

export type SenderEvent = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

/** The windows allowed to call us, and the page they must be showing. */
export interface TrustedRenderer {
  isTrustedWebContents(id: number): boolean;
  /** The page's URL (app-protocol.ts's RENDERER_URL): fixed, so it never depends on where the app is installed. */
  readonly url: string;
}

/** Our window's webContents, its top frame, on our own page; query and hash ignored, both URLs parsed alike. */
export function isTrustedSender(event: SenderEvent, trusted: TrustedRenderer): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  if (!trusted.isTrustedWebContents(event.sender.id)) return false;
  try {
    const url = new URL(frame.url);
    const expected = new URL(trusted.url);
    url.hash = '';
    url.search = '';
    return url.protocol !== 'file:' && url.protocol === expected.protocol && url.host === expected.host && url.href === expected.href;
  } catch {
    return false;
  }
}

export interface RegisterOptions {
  handlers: ChannelHandlers;
  trusted: TrustedRenderer;
  logger?: Logger;
}

/** Registers all channels; returns a function that removes them again. */
export function registerIpcHandlers({ handlers, trusted, logger: baseLogger = silentLogger }: RegisterOptions): () => void {
  const logger = named(baseLogger, 'ipc');
  for (const channel of INVOKE_CHANNELS) handle(channel, handlers[channel], trusted, logger);
  return () => {
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}

export function handle<C extends InvokeChannel>(
  channel: C,
  impl: ChannelHandlers[C],
  trusted: TrustedRenderer,
  baseLogger: Logger = silentLogger,
): void {
  const logger = named(baseLogger, 'ipc');
  const schema: z.ZodType<ValidArgsOf<C>> = invokeContract[channel].args as never;
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]): Promise<Result<ResultOf<C>>> => {
    try {
      if (!isTrustedSender(event, trusted)) {
        logger.warn(`refused ${channel} from a sender that is not the Outbox window`);
        return fail(new AppError('IPC_FORBIDDEN'));
      }
      const parsed = schema.safeParse(args);
      if (!parsed.success) return fail(new AppError('VALIDATION', { detail: describeIssues(parsed.error) }));
      const call = impl as (...a: unknown[]) => Promise<ResultOf<C>>;
      return { ok: true, value: await call(...(parsed.data as unknown[])) };
    } catch (error) {
      const info = toErrorInfo(error);
      // Only our own code's surprises are logged; arguments are not, as they may hold a password.
      if (info.code === 'INTERNAL') logger.error(`${channel} failed: ${info.detail ?? info.message}`);
      return { ok: false, error: info };
    }
  });
}

function fail(error: AppError): { ok: false; error: ErrorInfo } {
  return { ok: false, error: error.toInfo() };
}

/** Paths and messages only: zod issues never carry the input here, so a mistyped password is not echoed. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** Pushes an event to a window, if it is still there. */
export function pushEvent<E extends EventChannel>(contents: WebContents, channel: E, payload: PayloadOf<E>): void {
  if (!contents.isDestroyed()) contents.send(channel, payload);
}
