// The `outbox` command as scripts, cron jobs and `git send-email` see it: whole processes, one per message.
// cli_queue_ratio: `outbox send -t --queue-only` against a bare `node -e 0`; cli_send_ratio: `outbox send -t`
// to the loopback sink against msmtp sending the same message to the same sink; cli_peak_rss_mb: `send`'s
// peak resident memory. Every side runs interleaved in the same rounds, and the figures are medians.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { median, tempDataDir } from './fixtures';

const WARMUP = 2;
const ROUNDS = 15;
const RSS_RUNS = 5;
const MSMTP = '/usr/bin/msmtp';
const TIME = '/usr/bin/time';

export interface CliFigures {
  nodeMs: number;
  queueOnlyMs: number;
  sendMs: number;
  msmtpMs: number | null;
  queueRatio: number;
  sendRatio: number | null;
  peakRssMb: number | null;
  msmtpRssMb: number | null;
  notes: string[];
}

/** A message as a script hands it to sendmail: headers with To, a few lines of text, CRLF line ends. */
function message(): string {
  const headers = [
    'From: Bench <bench@example.com>',
    'To: Sink <sink@example.org>',
    'Subject: Nightly report',
    'Date: Mon, 01 Jan 2024 12:00:00 +0000',
    'Message-ID: <nightly-1@example.com>',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
  ];
  const body = Array.from({ length: 20 }, (_, i) => `Line ${i}: all jobs finished without errors.`);
  return [...headers, '', ...body, ''].join('\r\n');
}

/** Runs one process with the message file as standard input; its wall time in ms, from spawn to exit. */
function timed(command: string, args: string[], stdinFile: string, env: NodeJS.ProcessEnv): number {
  const stdin = openSync(stdinFile, 'r');
  try {
    const started = performance.now();
    const r = spawnSync(command, args, { stdio: [stdin, 'ignore', 'pipe'], env });
    const ms = performance.now() - started;
    if (r.status !== 0)
      throw new Error(`${path.basename(command)} ${args.join(' ')} exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
    return ms;
  } finally {
    closeSync(stdin);
  }
}

/** Reads the child's peak from the kernel's accounting of finished children (ru_maxrss, KB on Linux). */
const PYTHON_PEAK =
  'import resource, subprocess, sys\n' +
  'r = subprocess.run(sys.argv[1:], stdin=0, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n' +
  'sys.stderr.write(r.stderr.decode(errors="replace"))\n' +
  'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n' +
  'sys.exit(r.returncode)\n';

/** How the peak is read: GNU time where installed, else python3's getrusage, else not at all. */
function rssProbe(): { command: string; args: string[] } | null {
  if (existsSync(TIME)) return { command: TIME, args: ['-f', '%M'] };
  if (spawnSync('python3', ['--version']).status === 0) return { command: 'python3', args: ['-c', PYTHON_PEAK] };
  return null;
}

/** Peak resident set (MB) of one process, as the kernel counted it (in KB: the last line the probe prints). */
function peakRss(
  probe: { command: string; args: string[] },
  command: string,
  args: string[],
  stdinFile: string,
  env: NodeJS.ProcessEnv,
): number {
  const stdin = openSync(stdinFile, 'r');
  try {
    const r = spawnSync(probe.command, [...probe.args, command, ...args], { stdio: [stdin, 'ignore', 'pipe'], env });
    if (r.status !== 0)
      throw new Error(`${path.basename(command)} under ${probe.command} exited with ${r.status ?? r.signal}: ${r.stderr.toString()}`);
    const kb = Number(r.stderr.toString().trim().split('\n').at(-1));
    if (!Number.isFinite(kb)) throw new Error(`${probe.command} printed no peak: ${r.stderr.toString()}`);
    return kb / 1024;
  } finally {
    closeSync(stdin);
  }
}

/** root: the project folder (bin/outbox.cjs, as installed); port: the loopback sink's. */
export async function benchCli(root: string, port: number): Promise<CliFigures> {
  const notes: string[] = [];
  const dir = await tempDataDir('cli');
  try {
    const outbox = path.join(root, 'bin/outbox.cjs');
    const node = process.execPath;
    const eml = path.join(dir, 'message.eml');
    writeFileSync(eml, message());
    // One data folder for the queue-only runs (they pile up queued messages), another for sends.
    const env = (dataDir: string): NodeJS.ProcessEnv => ({
      ...process.env,
      OUTBOX_DATA_DIR: dataDir,
      OUTBOX_DEBUG: undefined,
      OUTBOX_OFFLINE: undefined,
    });
    const queueEnv = env(path.join(dir, 'queue-data'));
    const sendEnv = env(path.join(dir, 'send-data'));
    for (const e of [queueEnv, sendEnv]) {
      const add = [
        'account',
        'add',
        '--name',
        'Bench',
        '--email',
        'bench@example.com',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--security',
        'none',
        '--insecure',
      ];
      const r = spawnSync(node, [outbox, ...add], { env: e, stdio: ['ignore', 'pipe', 'pipe'] });
      if (r.status !== 0) throw new Error(`outbox account add failed: ${r.stderr.toString()}`);
    }
    const msmtprc = path.join(dir, 'msmtprc');
    // domain: the EHLO name given, so msmtp does not look the host's name up (nodemailer does not either).
    writeFileSync(msmtprc, `account default\nhost 127.0.0.1\nport ${port}\nfrom bench@example.com\nauth off\ntls off\ndomain localhost\n`, {
      mode: 0o600,
    });
    const hasMsmtp = existsSync(MSMTP);
    if (!hasMsmtp) notes.push(`cli_send_ratio skipped: ${MSMTP} is missing (CI installs msmtp)`);

    const runs = {
      node: () => timed(node, ['-e', '0'], eml, queueEnv),
      queueOnly: () => timed(node, [outbox, 'send', '-t', '--queue-only'], eml, queueEnv),
      send: () => timed(node, [outbox, 'send', '-t'], eml, sendEnv),
      msmtp: () => (hasMsmtp ? timed(MSMTP, ['-C', msmtprc, '-t'], eml, process.env) : NaN),
    };
    const samples: Record<keyof typeof runs, number[]> = { node: [], queueOnly: [], send: [], msmtp: [] };
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      for (const [name, run] of Object.entries(runs) as [keyof typeof runs, () => number][]) {
        const ms = run();
        if (round >= WARMUP) samples[name].push(ms);
      }
    }

    let peakRssMb: number | null = null;
    let msmtpRssMb: number | null = null;
    const probe = rssProbe();
    if (probe) {
      peakRssMb = median(Array.from({ length: RSS_RUNS }, () => peakRss(probe, node, [outbox, 'send', '-t'], eml, sendEnv)));
      if (hasMsmtp)
        msmtpRssMb = median(Array.from({ length: RSS_RUNS }, () => peakRss(probe, MSMTP, ['-C', msmtprc, '-t'], eml, process.env)));
    } else notes.push(`cli_peak_rss_mb skipped: neither ${TIME} (GNU time) nor python3 is installed`);

    const nodeMs = median(samples.node);
    const queueOnlyMs = median(samples.queueOnly);
    const sendMs = median(samples.send);
    const msmtpMs = hasMsmtp ? median(samples.msmtp) : null;
    return {
      nodeMs,
      queueOnlyMs,
      sendMs,
      msmtpMs,
      queueRatio: queueOnlyMs / nodeMs,
      sendRatio: msmtpMs === null ? null : sendMs / msmtpMs,
      peakRssMb,
      msmtpRssMb,
      notes,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
