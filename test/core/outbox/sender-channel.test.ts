import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../electron/shared/errors';
import {
  ChannelServer,
  channelAddress,
  sendRequest,
  type RequestHandlers,
  type SpoolRequest,
} from '../../../electron/core/outbox/sender-channel';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempRoot(prefix = 'outbox-channel-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const message = { id: 'm1', accountId: 'a', state: 'queued', attempts: [], subject: 'Hi' };

function recordingHandlers(): { handlers: RequestHandlers; calls: SpoolRequest[] } {
  const calls: SpoolRequest[] = [];
  const ok = async (request: SpoolRequest) => {
    calls.push(request);
    return { ok: true as const, message: { ...message, id: 'id' in request ? request.id : 'none' } as never };
  };
  return {
    calls,
    handlers: {
      flush: async (r) => {
        calls.push(r);
        return { ok: true };
      },
      sendNow: ok,
      retry: ok,
      hold: ok,
      cancel: async (r) => {
        calls.push(r);
        throw new AppError('MESSAGE_STATE', { message: 'The message is already sent.' });
      },
      remove: ok,
      accountChanged: ok,
      undo: ok,
    },
  };
}

async function serve(root: string, handlers: RequestHandlers): Promise<string> {
  const address = channelAddress(root);
  const server = new ChannelServer(address, handlers);
  await server.listen();
  cleanups.push(() => server.close());
  return address;
}

describe('the sender channel', () => {
  it("carries a request to the holder's handler and its answer back", async () => {
    const root = tempRoot();
    const { handlers, calls } = recordingHandlers();
    const address = await serve(root, handlers);

    const answer = await sendRequest(address, { op: 'retry', id: 'm7' });

    expect(answer).toMatchObject({ ok: true, message: { id: 'm7', state: 'queued' } });
    expect(calls).toEqual([{ op: 'retry', id: 'm7' }]);
    expect(await sendRequest(address, { op: 'flush' })).toEqual({ ok: true });
  });

  it("passes the holder's refusal on as the catalogue error it was", async () => {
    const address = await serve(tempRoot(), recordingHandlers().handlers);

    const answer = await sendRequest(address, { op: 'cancel', id: 'm1' });

    expect(answer).toMatchObject({ ok: false, error: { code: 'MESSAGE_STATE', message: 'The message is already sent.' } });
  });

  it('answers anything outside the contract with VALIDATION and never runs it', async () => {
    const root = tempRoot();
    const { handlers, calls } = recordingHandlers();
    const server = new ChannelServer(channelAddress(root), handlers);
    const valid = new Set(['flush', 'sendNow', 'retry', 'hold', 'cancel', 'remove', 'accountChanged']);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.record(
            {
              op: fc.oneof(fc.string(), fc.constantFrom(...valid)),
              id: fc.oneof(fc.string({ maxLength: 300 }), fc.integer(), fc.constant(null)),
            },
            { requiredKeys: [] },
          ),
        ),
        async (input) => {
          const line = typeof input === 'string' ? input : JSON.stringify(input);
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            parsed = undefined;
          }
          const p = parsed as { op?: unknown; id?: unknown } | undefined;
          const wellFormed =
            typeof p === 'object' &&
            p !== null &&
            !Array.isArray(p) &&
            typeof p.op === 'string' &&
            valid.has(p.op) &&
            Object.keys(p).every((k) => k === 'op' || k === 'id') &&
            (p.op === 'flush' ? p.id === undefined : typeof p.id === 'string' && p.id.length >= 1 && p.id.length <= 200);
          fc.pre(!wellFormed);
          const before = calls.length;
          const answer = await server.answer(line);
          expect(answer).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
          expect(calls.length).toBe(before);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('tells the asker that nobody listens, at once', async () => {
    const answer = await sendRequest(channelAddress(tempRoot()), { op: 'flush' });
    expect(answer).toBeNull();
  });

  it('does not trust an answer outside the contract', async () => {
    const address = channelAddress(tempRoot());
    const rogue = net.createServer((socket) => {
      socket.once('data', (chunk) => {
        const { key } = JSON.parse(chunk.toString()) as { key: string };
        socket.write(`${JSON.stringify({ key, ok: true, message: { id: 'x', state: 'delivered-by-magic' } })}\n`);
      });
    });
    await new Promise<void>((resolve) => rogue.listen(address, resolve));
    cleanups.push(() => new Promise<void>((resolve) => rogue.close(() => resolve())));

    await expect(sendRequest(address, { op: 'retry', id: 'x' })).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('keeps the socket private to the user and takes over one a dead holder left behind', async () => {
    const root = tempRoot();
    const address = channelAddress(root);
    fs.writeFileSync(address, 'left behind by a killed holder');
    const { handlers } = recordingHandlers();
    await serve(root, handlers);

    expect(fs.statSync(address).isSocket()).toBe(true);
    expect(fs.statSync(address).mode & 0o777).toBe(0o600);
    expect(await sendRequest(address, { op: 'flush' })).toEqual({ ok: true });
  });

  it('finds a short private place for the socket when the data folder path is too long for one', async () => {
    const deep = path.join(tempRoot(), 'a'.repeat(60), 'b'.repeat(60));
    fs.mkdirSync(deep, { recursive: true });
    const address = channelAddress(deep);

    expect(Buffer.byteLength(address)).toBeLessThanOrEqual(100);
    expect(address).not.toBe(channelAddress(path.join(deep, 'other')));
    expect(fs.statSync(path.dirname(address)).mode & 0o777).toBe(0o700);
    const { handlers } = recordingHandlers();
    await serve(deep, handlers);
    expect(await sendRequest(address, { op: 'hold', id: 'm2' })).toMatchObject({ ok: true, message: { id: 'm2' } });
  });

  it('names a pipe per data folder on Windows', () => {
    const a = channelAddress('C:\\Users\\ann\\AppData\\Roaming\\Outbox\\spool', 'win32');
    expect(a).toMatch(/^\\\\\.\\pipe\\outbox-[0-9a-f]{24}$/);
    expect(channelAddress('C:\\Users\\bob\\AppData\\Roaming\\Outbox\\spool', 'win32')).not.toBe(a);
  });
});
