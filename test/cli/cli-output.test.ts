// Standard output as scripts give it to the command: a file, /dev/null, a pipe read by a shell's $(…), a pipe
// its reader closes early, and a pipe another program left non-blocking and full. Files, pipes and /dev/null
// are written straight to the descriptor (electron/cli/io.ts); whatever it is, every byte arrives once, in
// order, and a reader that goes away early is not an error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, relayAccountArgs, sampleEml, Workspace } from './harness';

let ws: Workspace;
let help: string;

beforeAll(async () => {
  ws = new Workspace();
  expect((await ws.run(relayAccountArgs('Ann', 'ann@example.com', '127.0.0.1', '9'))).code).toBe(0);
  help = (await ws.run(['--help'])).stdout;
  expect(help).toContain('Usage');
});

afterAll(() => ws?.remove());

const env = () => ({ ...process.env, OUTBOX_DATA_DIR: ws.dataDir, OUTBOX_DEBUG: undefined });

describe.skipIf(process.platform === 'win32')('standard output', () => {
  it('to a file: the id of the queued message and a line end, nothing else', () => {
    const out = path.join(ws.dir, 'id.txt');
    const eml = path.join(ws.dir, 'message.eml');
    fs.writeFileSync(eml, sampleEml());
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" send -t --queue-only < "${eml}" > "${out}"`], { env: env() });
    expect(r.status, r.stderr.toString()).toBe(0);
    const id = fs.readFileSync(out, 'utf8');
    expect(id).toMatch(/^[0-9a-z]+-[0-9a-f]+\n$/);
    // A second command appends after it, as a shell's >> expects of a file written at its offset.
    const again = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" --version >> "${out}"`], { env: env() });
    expect(again.status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^[0-9a-z]+-[0-9a-f]+\noutbox \d+\.\d+\.\d+\n$/);
  });

  it('to /dev/null: success, and the message is queued', async () => {
    const eml = path.join(ws.dir, 'null.eml');
    fs.writeFileSync(eml, sampleEml(['From: Ann <ann@example.com>', 'To: Bob <bob@example.org>', 'Subject: thrown away']));
    const before = (await ws.run(['queue', '--json'])).stdout;
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" send -t --queue-only < "${eml}" > /dev/null`], { env: env() });
    expect(r.status, r.stderr.toString()).toBe(0);
    const after = JSON.parse((await ws.run(['queue', '--json'])).stdout) as { subject?: string }[];
    expect(after.length).toBe((JSON.parse(before) as unknown[]).length + 1);
    expect(after.some((m) => m.subject === 'thrown away')).toBe(true);
  });

  it('to a pipe whose reader has gone: no error, exit 0', () => {
    // `true` leaves without reading, long before the command writes: its writes find no reader (EPIPE). A shell
    // pipe, not Node's spawn (which gives a child a socket).
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${CLI}" --help | true`], { env: env() });
    expect(r.stderr.toString()).toBe('');
    expect(r.status).toBe(0);
  });

  it('to a full pipe left non-blocking by whoever made it: the whole help arrives, once, in order', () => {
    // python3 makes the pipe, sets its write end non-blocking, fills it so that the command's first write answers
    // EAGAIN, starts the command on it, then drains the pipe and prints what came after its own filler.
    const script = [
      'import fcntl, os, subprocess, sys, time',
      'r, w = os.pipe()',
      'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
      'filled = 0',
      'while True:',
      '    try:',
      '        filled += os.write(w, b"x" * 4096)',
      '    except BlockingIOError:',
      '        break',
      'child = subprocess.Popen(sys.argv[1:], stdout=w)',
      'os.close(w)',
      'time.sleep(0.3)',
      'data = b""',
      'while True:',
      '    chunk = os.read(r, 65536)',
      '    if not chunk:',
      '        break',
      '    data += chunk',
      'code = child.wait()',
      'sys.stdout.buffer.write(data[filled:])',
      'sys.exit(code)',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, process.execPath, CLI, '--help'], { env: env() });
    expect(r.status, r.stderr.toString()).toBe(0);
    expect(r.stdout.toString()).toBe(help);
  });
});
