// The channel from any Outbox process to the one holding the sender lock: a local socket tied to the data
// folder (a Unix domain socket, a named pipe on Windows), one JSON line per request and per answer, both
// checked against schemas. New messages never need it: they stay durable file drops in queue/.
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as z from 'zod';
import { AppError, ERROR_CODES, type ErrorInfo } from '../../shared/errors';
import { lazy } from '../../shared/lazy';
import { MESSAGE_STATES, type OutboxMessage } from '../../shared/message';

export const REQUEST_OPS = ['flush', 'sendNow', 'retry', 'hold', 'cancel', 'remove', 'accountChanged', 'undo'] as const;
export type RequestOp = (typeof REQUEST_OPS)[number];

// Built at their first use (lazy.ts): a process that never talks on the channel never builds them.
const idText = lazy(() => z.string().min(1).max(200));
const withId = <Op extends Exclude<RequestOp, 'flush'>>(op: Op) => z.object({ op: z.literal(op), id: idText() }).strict();
/** Ops that name a message (or, for accountChanged, an account) need its id; flush takes none. */
export const requestSchema = lazy(() =>
  z.discriminatedUnion('op', [
    z.object({ op: z.literal('flush') }).strict(),
    withId('sendNow'),
    withId('retry'),
    withId('hold'),
    withId('cancel'),
    withId('remove'),
    withId('accountChanged'),
    withId('undo'),
  ]),
);
export type SpoolRequest = { op: 'flush' } | { op: Exclude<RequestOp, 'flush'>; id: string };

const errorInfoSchema = () =>
  z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    next: z.string(),
    retryable: z.boolean(),
    reply: z.string().optional(),
    responseCode: z.number().int().optional(),
    detail: z.string().optional(),
  });
// The message summary is the engine's own type; its identity and state are checked, the rest passes as data.
const messageSchema = () =>
  z.looseObject({ id: idText(), accountId: z.string(), state: z.enum(MESSAGE_STATES), attempts: z.array(z.unknown()) });
const responseSchema = lazy(() =>
  z.union([
    z.object({ ok: z.literal(true), message: messageSchema().optional() }),
    z.object({ ok: z.literal(false), error: errorInfoSchema() }),
  ]),
);
export type SpoolResponse = { ok: true; message?: OutboxMessage } | { ok: false; error: ErrorInfo };

/** One handler per op: the holder's side of the contract. */
export type RequestHandlers = { [Op in RequestOp]: (request: Extract<SpoolRequest, { op: Op }>) => Promise<SpoolResponse> };

const MAX_LINE = 64 * 1024;
// Unix socket paths are limited to about 104-108 bytes; a long data folder gets a short private path instead.
const MAX_SOCKET_PATH = 100;

/** Where the holder of `spoolRoot` listens. Stable for a data folder; differs between data folders. */
export function channelAddress(spoolRoot: string, platform: NodeJS.Platform = process.platform): string {
  const key = createHash('sha256').update(path.resolve(spoolRoot)).digest('hex').slice(0, 24);
  if (platform === 'win32') return `\\\\.\\pipe\\outbox-${key}`;
  const inside = path.join(spoolRoot, 'sender.sock');
  if (Buffer.byteLength(inside) <= MAX_SOCKET_PATH) return inside;
  return path.join(privateRuntimeDir(), `outbox-${key}.sock`);
}

function privateRuntimeDir(): string {
  const base = process.env.XDG_RUNTIME_DIR || os.tmpdir();
  const dir = path.join(base, `outbox-${typeof process.getuid === 'function' ? process.getuid() : 'user'}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
  return dir;
}

function failure(error: unknown): SpoolResponse {
  const app = error instanceof AppError ? error : new AppError('INTERNAL', { detail: String(error) });
  return { ok: false, error: app.toInfo() };
}

/** Reads newline-delimited JSON from a socket, refusing lines longer than MAX_LINE. */
function onLines(socket: net.Socket, handle: (line: string) => void, tooLong: () => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim()) handle(line);
    }
    if (buffer.length > MAX_LINE) tooLong();
  });
}

/** The holder's end: answers each request with its typed handler. */
export class ChannelServer {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();

  constructor(
    private readonly address: string,
    private readonly handlers: RequestHandlers,
  ) {}

  async listen(): Promise<void> {
    // Only the lock holder gets here, so a socket file left behind is a dead holder's: remove it.
    if (!this.address.startsWith('\\\\')) fs.rmSync(this.address, { force: true });
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.address, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (!this.address.startsWith('\\\\')) fs.chmodSync(this.address, 0o600);
    server.on('error', () => {});
    this.server = server;
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    onLines(
      socket,
      (line) => void this.answer(line).then((response) => socket.writable && socket.write(`${JSON.stringify(response)}\n`)),
      () => socket.destroy(),
    );
  }

  /** One line in, one answer out: a line that is not a valid request is answered with VALIDATION, never run. */
  async answer(line: string): Promise<{ key: string } & SpoolResponse> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return { key: '', ...failure(new AppError('VALIDATION', { message: 'The request is not JSON.' })) };
    }
    const key = typeof (parsed as { key?: unknown })?.key === 'string' ? String((parsed as { key: string }).key).slice(0, 64) : '';
    const { key: _key, ...body } = (parsed ?? {}) as Record<string, unknown>;
    const request = requestSchema().safeParse(body);
    if (!request.success)
      return {
        key,
        ...failure(new AppError('VALIDATION', { message: `Not a valid request: ${request.error.issues[0]?.message ?? 'invalid'}.` })),
      };
    try {
      const handler = this.handlers[request.data.op] as (r: SpoolRequest) => Promise<SpoolResponse>;
      return { key, ...(await handler(request.data as SpoolRequest)) };
    } catch (error) {
      return { key, ...failure(error) };
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!this.address.startsWith('\\\\')) fs.rmSync(this.address, { force: true });
  }
}

/**
 * The asking end: sends one request and waits for its answer. Null when nobody listens or the holder went
 * away before answering (the caller may then take the lock and do it itself); an answer that does not
 * match the contract is an error, never trusted.
 */
export function sendRequest(address: string, request: SpoolRequest, timeoutMs = 120_000): Promise<SpoolResponse | null> {
  return new Promise((resolve, reject) => {
    const key = randomUUID();
    const socket = net.connect(address);
    let settled = false;
    const done = (value: SpoolResponse | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(value);
    };
    const timer = setTimeout(
      () =>
        done(
          null,
          new AppError('LOCK_HELD', {
            message: 'The Outbox process that is sending did not answer in time.',
            next: 'Try again in a moment.',
          }),
        ),
      timeoutMs,
    );
    socket.once('connect', () => socket.write(`${JSON.stringify({ key, ...request })}\n`));
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
    onLines(
      socket,
      (line) => {
        let parsed: unknown;
        try {
          parsed = JSON.parse(line);
        } catch {
          return done(null, new AppError('INTERNAL', { detail: 'The sending process answered with something that is not JSON.' }));
        }
        if ((parsed as { key?: unknown })?.key !== key) return;
        const { key: _key, ...body } = parsed as Record<string, unknown>;
        const response = responseSchema().safeParse(body);
        if (!response.success)
          return done(
            null,
            new AppError('INTERNAL', {
              detail: `The sending process gave an answer outside the contract: ${response.error.issues[0]?.message}`,
            }),
          );
        done(response.data as SpoolResponse);
      },
      () => done(null, new AppError('INTERNAL', { detail: 'The sending process answered with an endless line.' })),
    );
  });
}
