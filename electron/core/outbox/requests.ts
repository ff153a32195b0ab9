// Requests from a process that does not hold the sender lock (the CLI while the app runs) to the one
// that does: dropped as files into requests/, answered with a file beside them. Only the holder changes state.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { AccountProfile } from '../../shared/account';
import type { OutboxMessage } from '../../shared/message';
import type { OutboxEngine } from './engine-api';
import type { SpoolPaths } from './spool-paths';

export type RequestOp = 'flush' | 'sendNow' | 'retry' | 'hold' | 'cancel' | 'remove' | 'accountChanged';

export interface SpoolRequest {
  op: RequestOp;
  id?: string;
}

export type SpoolResponse = { ok: true; message?: OutboxMessage } | { ok: false; error: ErrorInfo };

const REQ = '.req.json';
const RES = '.res.json';

async function writeAtomic(paths: SpoolPaths, file: string, data: unknown): Promise<void> {
  const tmp = path.join(paths.tmp, `${path.basename(file)}.${randomUUID()}`);
  await fs.writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
  await fs.rename(tmp, file);
}

/** Producer side: drops a request and waits for its answer while `holderAlive()` stays true. */
export async function sendRequest(
  paths: SpoolPaths,
  request: SpoolRequest,
  holderAlive: () => Promise<boolean>,
  pollMs = 50,
): Promise<SpoolResponse | null> {
  const key = randomUUID();
  const reqFile = path.join(paths.requests, `${key}${REQ}`);
  const resFile = path.join(paths.requests, `${key}${RES}`);
  await writeAtomic(paths, reqFile, request);
  let lastCheck = Date.now();
  for (;;) {
    try {
      const text = await fs.readFile(resFile, 'utf8');
      await fs.rm(resFile, { force: true });
      return JSON.parse(text) as SpoolResponse;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (Date.now() - lastCheck > 1000) {
      lastCheck = Date.now();
      if (!(await holderAlive())) {
        // Nobody will answer: withdraw the request unless it is being handled right now.
        const withdrawn = await fs.rm(reqFile).then(
          () => true,
          () => false,
        );
        if (withdrawn) return null;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** Holder side: handles every pending request once. */
export async function serveRequests(paths: SpoolPaths, handle: (request: SpoolRequest) => Promise<SpoolResponse>): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(paths.requests);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.endsWith(REQ)) continue;
    const reqFile = path.join(paths.requests, name);
    let request: SpoolRequest;
    try {
      request = JSON.parse(await fs.readFile(reqFile, 'utf8')) as SpoolRequest;
      // Claim it: a request that is gone was withdrawn or taken by a previous pass.
      await fs.rm(reqFile);
    } catch {
      continue;
    }
    let response: SpoolResponse;
    try {
      response = await handle(request);
    } catch (error) {
      response = { ok: false, error: (error instanceof AppError ? error : new AppError('INTERNAL', { detail: String(error) })).toInfo() };
    }
    await writeAtomic(paths, path.join(paths.requests, name.slice(0, -REQ.length) + RES), response).catch(() => {});
  }
}

/** Holder side: carries out one request with the engine's own commands. */
export async function answerRequest(
  engine: Pick<OutboxEngine, 'flush' | 'sendNow' | 'retry' | 'hold' | 'cancel' | 'remove' | 'accountChanged'>,
  request: SpoolRequest,
  accountById: (id: string) => Promise<AccountProfile | undefined>,
): Promise<SpoolResponse> {
  const id = request.id ?? '';
  switch (request.op) {
    case 'flush':
      await engine.flush();
      return { ok: true };
    case 'accountChanged': {
      const account = await accountById(id);
      if (account) engine.accountChanged(account);
      return { ok: true };
    }
    case 'remove':
      await engine.remove(id);
      return { ok: true };
    default:
      return { ok: true, message: await engine[request.op](id) };
  }
}
