// Counts the bytes nodemailer reads from a message stream and reports them as send progress,
// at most once per step so a large attachment does not flood the listener.
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream';

export const PROGRESS_STEP = 64 * 1024;

/** `source` piped through a counter; errors of `source` reach the returned stream (and so nodemailer). */
export function withProgress(source: Readable, onProgress: (sentBytes: number) => void, step = PROGRESS_STEP): Readable {
  let sent = 0;
  let reported = 0;
  const report = (): void => {
    reported = sent;
    try {
      onProgress(sent);
    } catch {
      // A failing listener must not fail the send.
    }
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      sent += chunk.length;
      if (sent - reported >= step) report();
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (sent !== reported || sent === 0) report();
      callback();
    },
  });
  pipeline(source, counter, () => {});
  return counter;
}
