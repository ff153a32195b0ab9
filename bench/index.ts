// `npm run bench`: prints each figure as it is measured and, as its last line, one JSON object with
// every figure, targets beside them. Baselines (bare nodemailer, a bare fsync'd write) run in the same run.
import { fork, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { attachmentChild, fillQueue, startupChild } from './children';
import { round, tempDataDir } from './fixtures';
import { benchEnqueue } from './enqueue';
import { benchFlush } from './flush';
import { benchDetectKnown } from './detect-known';
import { benchDetectProbe } from './detect-probe';
import { startSink } from './smtp-sink';
import { benchRenderer, noRendererFigures, type RendererFigures } from './renderer';
import { benchCli, type CliFigures } from './cli';
import { benchFlushTls } from './flush-tls';
import { runTlsSink, startSubmissionPeer, type TlsSinkJob } from './submission-peer';
import path from 'node:path';
import { benchQuota } from './quota';
import { benchThrottled } from './throttled';

type ChildJob = { job: 'attachment'; dir: string; port: number } | { job: 'startup'; dir: string } | { job: 'sink' } | TlsSinkJob;

function runChild<T>(job: ChildJob): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--child', JSON.stringify(job)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => {
      resolve(m as T);
      if (job.job !== 'sink') child.disconnect();
    });
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`bench child ${job.job} exited with ${code}`)));
    if (job.job === 'sink') sinks.push(() => child.kill());
  });
}

const sinks: (() => void)[] = [];

async function child(job: ChildJob): Promise<void> {
  if (job.job === 'sink') {
    const server = await startSink();
    process.send!((server.address() as AddressInfo).port);
    return;
  }
  if (job.job === 'tls-sink') {
    process.send!(await runTlsSink(job));
    return;
  }
  const result = job.job === 'attachment' ? await attachmentChild(job.dir, job.port) : await startupChild(job.dir);
  process.send!(result);
}

const log = (line: string) => console.log(line);

/** The `outbox` command as whole processes (issue 12). */
async function cliSection(port: number): Promise<Record<string, number | string | null>> {
  log('cli: whole processes, medians: `outbox send -t --queue-only` vs `node -e 0`, `outbox send -t` to the sink vs msmtp…');
  // dist/bench/index.cjs sits two folders below the project root.
  const cli: CliFigures = await benchCli(path.resolve(__dirname, '../..'), port);
  const r = (value: number | null, digits: number) => (value === null ? null : round(value, digits));
  for (const note of cli.notes) log(`  note: ${note}`);
  log(
    `  queue-only ${round(cli.queueOnlyMs, 1)} ms vs node -e 0 ${round(cli.nodeMs, 1)} ms: ratio ${round(cli.queueRatio, 2)} (target ≤ 1.5)`,
  );
  log(`  send ${round(cli.sendMs, 1)} ms vs msmtp ${r(cli.msmtpMs, 1) ?? 'n/a'} ms: ratio ${r(cli.sendRatio, 2) ?? 'n/a'} (target ≤ 2.0)`);
  log(`  send peak RSS ${r(cli.peakRssMb, 1) ?? 'n/a'} MB (target ≤ 60); msmtp ${r(cli.msmtpRssMb, 1) ?? 'n/a'} MB`);
  return {
    cli_queue_ratio: round(cli.queueRatio, 2),
    cli_send_ratio: r(cli.sendRatio, 2),
    cli_peak_rss_mb: r(cli.peakRssMb, 1),
    cli_queue_only_ms: round(cli.queueOnlyMs, 1),
    cli_node_e0_ms: round(cli.nodeMs, 1),
    cli_send_ms: round(cli.sendMs, 1),
    cli_msmtp_ms: r(cli.msmtpMs, 1),
    cli_msmtp_rss_mb: r(cli.msmtpRssMb, 1),
    ...(cli.notes.length > 0 ? { cli_notes: cli.notes.join('; ') } : {}),
  };
}

/** flush_tls_ratio (issue 9): the engine and a bare nodemailer pool through one real submission server. */
async function tlsSection(): Promise<Record<string, number | string | null>> {
  const peer = await startSubmissionPeer(__filename);
  try {
    log(
      `flush (TLS): 1,000 × 2 KB through ${peer.kind === 'postfix' ? 'a private Postfix submission service' : 'smtp-server in a child process'} (STARTTLS + AUTH PLAIN) vs a bare nodemailer pool (5 connections)…`,
    );
    if (peer.note) log(`  note: ${peer.note}`);
    const tls = await benchFlushTls(peer);
    log(`  engine ${round(tls.engine, 0)} msg/s, bare nodemailer ${round(tls.bare, 0)} msg/s, ratio ${round(tls.ratio, 3)} (target ≥ 0.9)`);
    return {
      flush_tls_ratio: round(tls.ratio, 3),
      flush_tls_engine_msgs_per_s: round(tls.engine, 0),
      flush_tls_baseline_msgs_per_s: round(tls.bare, 0),
      flush_tls_server: peer.kind,
      ...(peer.note ? { flush_tls_note: peer.note } : {}),
    };
  } finally {
    await peer.stop();
  }
}

/** BENCH_ONLY=cli,tls runs just those sections (while working on one figure); `npm run bench` runs all. */
/** quota_flush_failed and throttled_flush_ratio (issue 10): provider limits met by loopback servers that answer as Gmail and Microsoft do. */
async function providersSection(): Promise<Record<string, number | string | null>> {
  log("provider limits: 600 messages into a daily quota of 500 (Gmail's 550 5.4.5)…");
  const quota = await benchQuota();
  log(`  failed ${quota.failed} (must be 0), sent ${quota.sent}, waiting for the window ${quota.waiting}`);
  log("provider limits: 1,000 × 2 KB into a server taking 2 sessions at once (Microsoft's 432 4.3.2) vs a bare nodemailer pool of 2…");
  const throttled = await benchThrottled();
  log(
    `  engine ${round(throttled.engine, 0)} msg/s, bare ${round(throttled.bare, 0)} msg/s, ratio ${round(throttled.ratio, 3)} (target ≥ 0.8); failed ${throttled.failed}`,
  );
  return {
    quota_flush_failed: quota.failed,
    quota_flush_sent: quota.sent,
    quota_flush_waiting: quota.waiting,
    throttled_flush_ratio: round(throttled.ratio, 3),
    throttled_engine_msgs_per_s: round(throttled.engine, 0),
    throttled_baseline_msgs_per_s: round(throttled.bare, 0),
    throttled_flush_failed: throttled.failed,
  };
}

/** throttled_flush_ratio alone (BENCH_ONLY=throttled), without the quota run before it. */
async function throttledSection(): Promise<Record<string, number | string | null>> {
  log("provider limits: 1,000 × 2 KB into a server taking 2 sessions at once (Microsoft's 432 4.3.2) vs a bare nodemailer pool of 2…");
  const throttled = await benchThrottled();
  log(
    `  engine ${round(throttled.engine, 0)} msg/s, bare ${round(throttled.bare, 0)} msg/s, ratio ${round(throttled.ratio, 3)} (target ≥ 0.8); failed ${throttled.failed}, refusals ${throttled.refusals}`,
  );
  return {
    throttled_flush_ratio: round(throttled.ratio, 3),
    throttled_engine_msgs_per_s: round(throttled.engine, 0),
    throttled_baseline_msgs_per_s: round(throttled.bare, 0),
    throttled_flush_failed: throttled.failed,
  };
}

const SECTIONS: Record<string, (port: number) => Promise<Record<string, number | string | null>>> = {
  cli: cliSection,
  tls: () => tlsSection(),
  flush: flushSection,
  providers: () => providersSection(),
  throttled: () => throttledSection(),
};

/** flush_ratio alone (BENCH_ONLY=flush): the engine against a bare nodemailer pool through the sink. */
async function flushSection(port: number): Promise<Record<string, number | string | null>> {
  log('flush: 1,000 × 2 KB through the engine vs a bare nodemailer pool (5 connections)…');
  const flush = await benchFlush(port);
  log(
    `  engine ${round(flush.engine, 0)} msg/s, bare nodemailer ${round(flush.bare, 0)} msg/s, ratio ${round(flush.ratio, 3)}; cold ${round(flush.cold, 0)} msg/s, ratio ${round(flush.coldRatio, 3)}`,
  );
  return {
    flush_engine: round(flush.engine, 0),
    flush_bare: round(flush.bare, 0),
    flush_ratio: round(flush.ratio, 3),
    flush_cold: round(flush.cold, 0),
    flush_cold_ratio: round(flush.coldRatio, 3),
  };
}

async function main(): Promise<void> {
  // The sink runs in its own process so it does not take CPU from what is measured.
  const port = await runChild<number>({ job: 'sink' });
  try {
    const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
    if (only?.length) {
      const figures: Record<string, number | string | null> = {};
      for (const name of only) {
        const section = SECTIONS[name];
        if (!section) throw new Error(`BENCH_ONLY: no section "${name}" (there are: ${Object.keys(SECTIONS).join(', ')})`);
        Object.assign(figures, await section(port));
      }
      console.log(JSON.stringify(figures));
      return;
    }
    log('flush: 1,000 × 2 KB through the engine vs a bare nodemailer pool (5 connections)…');
    const flush = await benchFlush(port);
    log(
      `  engine ${round(flush.engine, 0)} msg/s, bare nodemailer ${round(flush.bare, 0)} msg/s, ratio ${round(flush.ratio, 3)} (target ≥ 0.9)`,
    );
    log(`  after a restart (every message read back from disk): ${round(flush.cold, 0)} msg/s, ratio ${round(flush.coldRatio, 3)}`);

    const tls = await tlsSection();

    log('enqueue: durable 10 KB enqueue, 1,000 samples…');
    const enqueue = await benchEnqueue();
    log(
      `  p50 ${round(enqueue.p50, 3)} ms, p99 ${round(enqueue.p99, 3)} ms (targets ≤ 3, ≤ 10); bare fsync'd 10 KB write p50 ${round(enqueue.bareP50, 3)} ms, p99 ${round(enqueue.bareP99, 3)} ms`,
    );

    log('attachment: peak RSS growth enqueuing and sending one 100 MB attachment…');
    const attachmentDir = await tempDataDir('attachment');
    const attachmentMb = await runChild<number>({ job: 'attachment', dir: attachmentDir, port });
    await fs.rm(attachmentDir, { recursive: true, force: true });
    log(`  ${round(attachmentMb, 1)} MB (target ≤ 64)`);

    log('startup: 10,000 queued messages until ready to send…');
    const startupDir = await tempDataDir('startup');
    await fillQueue(startupDir, 10_000);
    // Let the disk finish writing back the fill, so the start is measured, not the fill's tail.
    if (process.platform !== 'win32') spawnSync('sync');
    // The first start after filling compacts the journal once; the figure is the start after that.
    const first = await runChild<{ ms: number; rssMb: number; queued: number }>({ job: 'startup', dir: startupDir });
    const startup = await runChild<{ ms: number; rssMb: number; queued: number }>({ job: 'startup', dir: startupDir });
    await fs.rm(startupDir, { recursive: true, force: true });
    if (startup.queued !== 10_000) throw new Error(`startup found ${startup.queued} queued messages, not 10,000`);
    log(
      `  ${round(startup.ms, 1)} ms, RSS ${round(startup.rssMb, 1)} MB (targets ≤ 500, ≤ 120); first start with compaction ${round(first.ms, 1)} ms`,
    );

    log('detect: a bundled provider, no network…');
    const known = await benchDetectKnown();
    log(`  first call ${round(known.firstMs, 2)} ms, then p50 ${round(known.p50Ms, 3)} ms (target ≤ 50)`);
    log('detect: an unknown domain found by probing (only STARTTLS on 587 answers, the other ports never speak)…');
    const probeMs = await benchDetectProbe();
    log(`  ${round(probeMs, 0)} ms (target ≤ 3000; Thunderbird gives each probe 10 s)`);

    log('renderer: built JS gzipped; first outbox render (200 messages) and 10,000-message render in headless Chromium…');
    // dist/bench/index.cjs sits two folders below the project root.
    const renderer: RendererFigures = await benchRenderer(path.resolve(__dirname, '../..')).catch((error: unknown) =>
      noRendererFigures(`renderer bench failed: ${error instanceof Error ? error.message : String(error)}`),
    );
    const r = (value: number | null, digits: number) => (value === null ? null : round(value, digits));
    if (renderer.note) log(`  note: ${renderer.note}`);
    log(`  JS ${r(renderer.jsGzipKb, 1) ?? 'n/a'} KB gzipped (target ≤ 250)`);
    log(
      `  first render ${r(renderer.firstRenderMs, 1) ?? 'n/a'} ms (target ≤ 500); blank page on the same server ${r(renderer.firstRenderBlankMs, 1) ?? 'n/a'} ms`,
    );
    log(
      `  10,000 messages ${r(renderer.render10kMs, 1) ?? 'n/a'} ms to the first painted frame (target ≤ 100); 100 messages ${r(renderer.render100Ms, 1) ?? 'n/a'} ms`,
    );
    log(
      `  scrolling 10,000 messages: a frame every ${r(renderer.scroll10kFrameMs, 1) ?? 'n/a'} ms (p95 ${r(renderer.scroll10kFrameP95Ms, 1) ?? 'n/a'} ms); standing still ${r(renderer.idleFrameMs, 1) ?? 'n/a'} ms`,
    );

    const cli = await cliSection(port);
    const providers = await providersSection();

    const figures = {
      flush_ratio: round(flush.ratio, 3),
      flush_engine_msgs_per_s: round(flush.engine, 0),
      flush_baseline_msgs_per_s: round(flush.bare, 0),
      flush_ratio_after_restart: round(flush.coldRatio, 3),
      ...tls,
      enqueue_p50_ms: round(enqueue.p50, 3),
      enqueue_p99_ms: round(enqueue.p99, 3),
      enqueue_baseline_fsync_write_p50_ms: round(enqueue.bareP50, 3),
      attachment_rss_mb: round(attachmentMb, 1),
      startup_10k_ms: round(startup.ms, 1),
      startup_10k_rss_mb: round(startup.rssMb, 1),
      startup_10k_first_ms: round(first.ms, 1),
      detect_known_ms: round(known.firstMs, 2),
      detect_probe_ms: round(probeMs, 0),
      renderer_js_gzip_kb: r(renderer.jsGzipKb, 1),
      first_render_ms: r(renderer.firstRenderMs, 1),
      first_render_blank_ms: r(renderer.firstRenderBlankMs, 1),
      outbox_10k_render_ms: r(renderer.render10kMs, 1),
      outbox_100_render_ms: r(renderer.render100Ms, 1),
      outbox_10k_scroll_frame_ms: r(renderer.scroll10kFrameMs, 1),
      outbox_10k_scroll_frame_p95_ms: r(renderer.scroll10kFrameP95Ms, 1),
      idle_frame_ms: r(renderer.idleFrameMs, 1),
      ...cli,
      ...providers,
    };
    console.log(JSON.stringify(figures));
  } finally {
    for (const stop of sinks) stop();
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  void child(JSON.parse(process.argv[childIndex + 1]!) as ChildJob).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
