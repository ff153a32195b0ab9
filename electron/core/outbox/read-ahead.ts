// Reading ahead of a large flush: when many small messages wait to go (a queue taken in by the `outbox`
// command or left from an earlier run, so not in the body cache), a worker thread opens, reads and checks the
// next ones against the length and SHA-256 recorded at enqueue while the main thread talks SMTP. Each open,
// read and close is a blocking system call on the main thread otherwise: the largest single cost of a flush.
//
// What the worker hands back is what was checked, so sending it is as safe as sending from the body cache.
// Anything it cannot vouch for (missing, cut short, changed, an error) comes back as "not read", and the send
// path reads and checks the file itself, which reports the damage as usual. Memory stays bounded: at most
// WINDOW bodies are asked for or held, and the worker exits once nothing was asked of it for a while
// (the bodies it handed back wait for their turn).
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../lazy-builtins';

/** Only a real backlog is worth a thread: below this many waiting messages the send path reads them itself. */
export const READ_AHEAD_MIN = 32;
/** Bodies asked for or held at once. */
const WINDOW = 128;
/** Bodies per answer: one message between threads carries a batch. */
const BATCH = 32;
const IDLE_EXIT_MS = 10_000;

export interface ReadAheadJob {
  id: string;
  file: string;
  offset: number;
  length: number;
  sha256: string;
}

interface Answer {
  id: string;
  /** The checked bytes (transferred, one byte longer than the body), or null when the worker could not vouch for them. */
  body: ArrayBuffer | null;
  length: number;
}

// Plain CommonJS for `eval: true`: the worker needs no file of its own in the app, the command or the tests.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const { createHash } = require('node:crypto');
function readOne(job) {
  let fd;
  try {
    fd = fs.openSync(job.file, 'r');
    // One byte more than recorded: a file appended to shows in the count read.
    const buffer = Buffer.allocUnsafeSlow(job.length + 1);
    let read = 0;
    for (;;) {
      const bytes = fs.readSync(fd, buffer, read, buffer.length - read, job.offset + read);
      read += bytes;
      if (bytes === 0 || read >= job.length) break;
    }
    if (read !== job.length) return null;
    if (createHash('sha256').update(buffer.subarray(0, read)).digest('hex') !== job.sha256) return null;
    return buffer.buffer;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch {}
  }
}
parentPort.on('message', (jobs) => {
  let answers = [];
  let transfer = [];
  for (const job of jobs) {
    const body = readOne(job);
    answers.push({ id: job.id, body, length: job.length });
    if (body) transfer.push(body);
    if (answers.length >= ${BATCH}) {
      parentPort.postMessage(answers, transfer);
      answers = [];
      transfer = [];
    }
  }
  if (answers.length > 0) parentPort.postMessage(answers, transfer);
});
`;

export class ReadAhead {
  private worker: Worker | undefined;
  /** Bodies asked for: undefined until the worker answers, null when it could not vouch for one. */
  private readonly bodies = new Map<string, Buffer | null | undefined>();
  private idleTimer: NodeJS.Timeout | undefined;
  private closed = false;

  /** Room for more: the caller offers this many of the next waiting messages. */
  get room(): number {
    return this.closed ? 0 : WINDOW - this.bodies.size;
  }

  /** Whether an offer is worth making now (the window is at most half full). */
  get hungry(): boolean {
    return this.room >= WINDOW / 2;
  }

  /** Whether the worker thread runs (a backlog is being read). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Whether this message was asked for and not taken yet. */
  has(id: string): boolean {
    return this.bodies.has(id);
  }

  /** Whether the worker has answered for this message (with its body or with "not read"). */
  answered(id: string): boolean {
    return this.bodies.get(id) !== undefined;
  }

  /** Asks the worker for these bodies (the caller leaves out those it holds or asked for). */
  want(jobs: readonly ReadAheadJob[]): void {
    if (this.closed || jobs.length === 0) return;
    for (const job of jobs) {
      this.bodies.set(job.id, undefined);
    }
    // One message for the lot: each message between threads wakes the other one.
    this.start().postMessage(jobs);
    this.touch();
  }

  /**
   * The checked body of a message, when the worker has it. Never waits: a body not read yet (the worker is
   * behind, or still starting) is left to the send path, and the worker's answer for it is dropped.
   */
  take(id: string): Buffer | undefined {
    const body = this.bodies.get(id);
    this.forget(id);
    return body ?? undefined;
  }

  /** The message is gone or will be read otherwise: its body is not kept. */
  forget(id: string): void {
    this.bodies.delete(id);
  }

  /** Nothing asked for is wanted any more (another process sends now). */
  clear(): void {
    this.bodies.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.idleTimer);
    this.clear();
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new (workerThreads().Worker)(WORKER_SOURCE, { eval: true });
    // Never what keeps a process alive: nobody waits for its answers.
    worker.unref();
    worker.on('message', (answers: Answer[]) => {
      for (const answer of answers) {
        // Taken (and read by the send path) or forgotten meanwhile.
        if (!this.bodies.has(answer.id) || this.bodies.get(answer.id) !== undefined) continue;
        this.bodies.set(answer.id, answer.body ? Buffer.from(answer.body, 0, answer.length) : null);
      }
    });
    // A worker that fails leaves every body it was asked for to the send path.
    const drop = (): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.dropUnanswered();
    };
    worker.on('error', drop);
    worker.on('exit', drop);
    this.worker = worker;
    return worker;
  }

  /** Asked for but never to be answered (the worker is gone): left to the send path. */
  private dropUnanswered(): void {
    for (const [id, body] of this.bodies) if (body === undefined) this.forget(id);
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    // The thread goes; bodies it already handed back stay until their turn (a paced flush takes its time).
    this.idleTimer = setTimeout(() => {
      const worker = this.worker;
      this.worker = undefined;
      this.dropUnanswered();
      void worker?.terminate();
    }, IDLE_EXIT_MS);
    this.idleTimer.unref();
  }
}
