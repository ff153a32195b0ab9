// End-to-end harness: the built renderer in Debian's Chromium (playwright-core), its `window.outbox` bridged with
// page.exposeBinding to the real channel handlers and engine running in this test process, engine events pushed back.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { z } from 'zod';
import { AppError, toErrorInfo } from '../../electron/shared/errors';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  invokeContract,
  type AppCommand,
  type EventChannel,
  type InvokeChannel,
  type PayloadOf,
  type Result,
} from '../../electron/shared/ipc-contract';
import { AttachmentStaging } from '../../electron/core/compose/attachment-staging';
import { ComposeService } from '../../electron/core/compose/compose-service';
import { DraftStore } from '../../electron/core/compose/draft-store';
import { PreferencesStore } from '../../electron/core/preferences/preferences-store';
import { createChannelHandlers } from '../../electron/main/channels';
import type { ChannelHandlers } from '../../electron/main/ipc-handlers';
import { AccountStore } from '../../electron/core/accounts/account-store';
import { MemorySecretStore } from '../../electron/core/secrets/memory-secret-store';
import { SmtpSender } from '../../electron/core/smtp/smtp-sender';
import { createEngineAccounts } from '../../electron/core/outbox/account-adapter';
import { createOutboxEngine } from '../../electron/core/outbox';
import { DetectionService } from '../../electron/core/autodetect/detection-service';
import type { OutboxEngine } from '../../electron/core/outbox/engine-api';
import { FakeNetwork } from '../core/outbox/harness';
import { CHROMIUM, CHROMIUM_ARGS } from '../../scripts/renderer-site';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts/e2e');
const AXE_PATH = path.join(ROOT, 'node_modules/axe-core/axe.min.js');

/** The main process's services, built as electron/main/index.ts builds them, with an in-memory keychain and a switchable network. */
export interface Backend {
  readonly dataDir: string;
  readonly engine: OutboxEngine;
  readonly accounts: AccountStore;
  readonly network: FakeNetwork;
  readonly handlers: ChannelHandlers;
  /** What ipc-handlers.ts's wrapper does after its sender check: validate, call, answer with an envelope. */
  invoke(channel: string, args: unknown[]): Promise<Result<unknown>>;
  /** Files the next attachment:pick "chooses" in the OS picker (the test sets them; empty = cancelled). */
  picks: string[];
  /** Commands waiting for app:takeCommands, as a mailto: launch leaves them. */
  commands: AppCommand[];
  /** Pushes an event to every open page, as main's pushEvent does. */
  push<E extends EventChannel>(channel: E, payload: PayloadOf<E>): void;
  /** Open pages register here to receive pushed events. */
  readonly sinks: Set<(channel: EventChannel, payload: unknown) => void>;
  close(): Promise<void>;
}

export interface BackendOptions {
  online?: boolean;
  /** Detection as the wizard uses it; tests point its resolver and fetcher at local peers. */
  detection?: DetectionService;
  /** The Undo send preference (seconds); off unless a test asks, so other tests' sends leave at once. */
  undoSendSeconds?: 0 | 5 | 10 | 20 | 30;
}

export async function startBackend({
  online = true,
  detection = new DetectionService(),
  undoSendSeconds = 0,
}: BackendOptions = {}): Promise<Backend> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'outbox-e2e-'));
  const secrets = new MemorySecretStore();
  const accounts = new AccountStore({ dataDir, secrets });
  await accounts.load();
  const network = new FakeNetwork(online);
  const sender = new SmtpSender();
  const engine = createOutboxEngine({ dataDir, accounts: createEngineAccounts(accounts), sender, connectivity: network });
  const staging = new AttachmentStaging(path.join(dataDir, 'attachments'));
  const drafts = new DraftStore(path.join(dataDir, 'drafts'), staging);
  const preferences = new PreferencesStore(dataDir);
  await preferences.update({ undoSendSeconds });
  const sinks = new Set<(channel: EventChannel, payload: unknown) => void>();
  const push = <E extends EventChannel>(channel: E, payload: PayloadOf<E>): void => {
    for (const sink of sinks) sink(channel, payload);
  };
  const backend = { picks: [] as string[], commands: [] as AppCommand[] };
  const handlers = createChannelHandlers({
    engine,
    accounts,
    connectivity: network,
    detection,
    compose: new ComposeService({ engine, drafts, staging, sendDelaySeconds: () => preferences.get().undoSendSeconds }),
    drafts,
    staging,
    preferences,
    pickFiles: async () => backend.picks.splice(0),
    onDetectStep: (event) => push('settings:step', event),
    takeCommands: () => backend.commands.splice(0),
  });
  await engine.start();

  // ipc-handlers.ts exports its wrapper only bound to ipcMain (`handle`), so the same three steps are repeated here.
  const invoke = async (channel: string, args: unknown[]): Promise<Result<unknown>> => {
    try {
      if (!(INVOKE_CHANNELS as string[]).includes(channel)) throw new AppError('VALIDATION', { detail: `unknown channel ${channel}` });
      const schema = invokeContract[channel as InvokeChannel].args as unknown as z.ZodType<unknown[]>;
      const parsed = schema.safeParse(args);
      if (!parsed.success)
        return { ok: false, error: new AppError('VALIDATION', { detail: parsed.error.issues[0]?.message ?? '' }).toInfo() };
      const call = handlers[channel as InvokeChannel] as (...a: unknown[]) => Promise<unknown>;
      return { ok: true, value: await call(...parsed.data) };
    } catch (error) {
      return { ok: false, error: toErrorInfo(error) };
    }
  };

  const unsubscribeEngine = engine.on((event) => push('outbox:changed', event));
  return Object.assign(backend, {
    dataDir,
    engine,
    accounts,
    network,
    handlers,
    invoke,
    push,
    sinks,
    close: async () => {
      unsubscribeEngine();
      await engine.stop({ graceMs: 1000 });
      await sender.close();
      await fs.rm(dataDir, { recursive: true, force: true });
    },
  });
}

export async function launchChromium(): Promise<Browser> {
  // playwright-core gives every launch a fresh temporary user-data-dir and removes it on close.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 20_000 });
}

/** Runs in the page before its scripts: `window.outbox` with the preload's shape, every call through the binding. */
function installBridge({ channels, events }: { channels: readonly string[]; events: readonly string[] }): void {
  type Listener = (event: unknown) => void;
  const listeners = new Map<string, Set<Listener>>(events.map((e) => [e, new Set<Listener>()]));
  const w = window as unknown as {
    __outboxInvoke: (channel: string, args: unknown[]) => Promise<unknown>;
    __outboxEmit?: (channel: string, event: unknown) => void;
    outbox?: unknown;
  };
  const domains: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const channel of channels) {
    const [domain = '', verb = ''] = channel.split(':');
    (domains[domain] ??= {})[verb] = (...args) => w.__outboxInvoke(channel, args);
  }
  const on = (channel: string, listener: Listener): (() => void) => {
    const set = listeners.get(channel);
    if (!set) throw new TypeError(`No event ${channel}`);
    if (typeof listener !== 'function') throw new TypeError('on needs a function');
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
  Object.defineProperty(w, '__outboxEmit', {
    value: (channel: string, event: unknown) => {
      for (const listener of listeners.get(channel) ?? []) listener(event);
    },
  });
  Object.defineProperty(w, 'outbox', { value: Object.freeze({ ...domains, on }), enumerable: true });
}

export interface AppPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Console errors and CSP violations the page reported. */
  readonly problems: string[];
  /** Every channel the page called, in order. */
  readonly calls: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens the renderer in a new context, bridged to `backend`; engine events reach the page's onEvent listeners. */
export async function openApp(browser: Browser, backend: Backend, url: string): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 900, height: 640 }, colorScheme: 'light' });
  const problems: string[] = [];
  const calls: string[] = [];
  await context.exposeBinding('__outboxInvoke', (_source, channel: string, args: unknown[]) => {
    calls.push(channel);
    return backend.invoke(channel, args);
  });
  await context.addInitScript(installBridge, { channels: INVOKE_CHANNELS, events: EVENT_CHANNELS });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });

  // Events go out in order: each waits for the previous one's delivery.
  let delivery = Promise.resolve();
  const sink = (channel: EventChannel, payload: unknown): void => {
    delivery = delivery.then(() =>
      page
        .evaluate(([c, e]) => (window as unknown as { __outboxEmit?: (c: string, e: unknown) => void }).__outboxEmit?.(c as string, e), [
          channel,
          payload,
        ] as const)
        .catch(() => undefined),
    );
  };
  backend.sinks.add(sink);
  const unsubscribe = (): void => {
    backend.sinks.delete(sink);
  };
  await page.goto(url);
  // Readiness, not speed (npm run bench measures that): a 10,000-message list crosses the test bridge as JSON,
  // which on a loaded 2-core machine has taken more than 10 s.
  await page.locator('.app__main[aria-busy="false"]').waitFor({ timeout: 45_000 });

  return {
    page,
    context,
    problems,
    calls,
    screenshot: async (name) => {
      await fs.mkdir(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    close: async () => {
      unsubscribe();
      await delivery;
      await context.close();
    },
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** CSS selectors of the offending elements, with axe's one-line reason for each. */
  nodes: string[];
}

/**
 * Runs axe-core on the page as it stands; returns the serious and critical violations. The page's CSP
 * (script-src 'self') refuses an inline <script>, so axe is evaluated through the DevTools protocol instead of
 * page.addScriptTag: that is not subject to the page's CSP, and the page keeps running under its real policy.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const source = await fs.readFile(AXE_PATH, 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    type AxeNode = { target: unknown[]; failureSummary?: string };
    type AxeResult = { violations: { id: string; impact?: string | null; help: string; nodes: AxeNode[] }[] };
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.map(String).join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ').trim()}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
