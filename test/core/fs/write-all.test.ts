// writeAll / appendAll (electron/core/fs/write-all.ts): a write may take only part of what it is given, without an
// error, when the disk fills up part way. Whatever the kernel takes at each call, every byte ends up written once,
// in order, at the right place; a write that takes nothing is ENOSPC, never a silent success.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendAll, writeAll } from '../../../electron/core/fs/write-all';

/** A file in memory whose writes take at most the next count of `takes` bytes each (then all of it). */
function shortFile(takes: number[]) {
  const bytes: number[] = [];
  let offset = 0;
  let call = 0;
  const take = (wanted: number) => Math.min(wanted, takes[call++] ?? wanted);
  const put = (data: Uint8Array, at: number) => {
    for (let i = 0; i < data.length; i++) bytes[at + i] = data[i]!;
  };
  return {
    bytes: () => Buffer.from(bytes.map((b) => b ?? 0)),
    handle: {
      async writev(buffers: readonly NodeJS.ArrayBufferView[], position?: number) {
        const all = Buffer.concat(buffers.map((b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
        const n = take(all.length);
        const at = position ?? offset;
        put(all.subarray(0, n), at);
        if (position === undefined) offset += n;
        return { bytesWritten: n, buffers: buffers as NodeJS.ArrayBufferView[] };
      },
    },
    write(fd: number, data: Uint8Array, start: number, length: number, _pos: null, cb: (e: Error | null, n: number) => void) {
      const n = take(length);
      put(data.subarray(start, start + n), offset);
      offset += n;
      setImmediate(() => cb(null, n));
    },
  };
}

const chunks = fc.array(fc.uint8Array({ minLength: 0, maxLength: 300 }), { minLength: 1, maxLength: 6 });
const takes = fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 20 });

describe('writes that finish or fail', () => {
  it('writeAll: every byte once, in order, at its position, however short each write is', async () => {
    await fc.assert(
      fc.asyncProperty(chunks, takes, fc.integer({ min: 0, max: 50 }), async (buffers, schedule, position) => {
        const file = shortFile(schedule);
        await writeAll(file.handle as never, buffers, position);
        const expected = Buffer.concat([Buffer.alloc(position), ...buffers]);
        expect(file.bytes().subarray(position)).toEqual(expected.subarray(position));
        // And at the file's own offset.
        const appended = shortFile(schedule);
        await writeAll(appended.handle as never, buffers, null);
        expect(appended.bytes()).toEqual(Buffer.concat(buffers));
      }),
    );
  });

  it('appendAll: the same for the journal’s descriptor', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 1000 }), takes, async (data, schedule) => {
        const file = shortFile(schedule);
        await appendAll(3, data, file.write as never);
        expect(file.bytes()).toEqual(Buffer.from(data));
      }),
    );
  });

  it('a write that takes nothing is ENOSPC', async () => {
    await expect(writeAll(shortFile([5, 0]).handle as never, [Buffer.alloc(20)], 0)).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(appendAll(3, Buffer.alloc(20), shortFile([5, 0]).write as never)).rejects.toMatchObject({ code: 'ENOSPC' });
  });
});
