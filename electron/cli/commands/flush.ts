// `outbox flush [--wait]`: makes every waiting message due now and sends it, here or through the process
// that holds the outbox (the app). With --wait it follows every message that was due when it started,
// those already being sent included, and its exit code says how they ended: 0 all delivered, 75 some
// still waiting (with the next try), or the code of a failure.
import type { OutboxMessage } from '../../shared/message';
import { helpFor, type CliCommand } from '../command';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { note } from '../io';
import { maxWaitOf, parseWithIds } from '../parse-options';
import { EXIT_CODES } from '../usage';
import { withRefused } from './deliver';
import { finishSentCopies, PLAIN_COPY_WAIT_MS } from './sent-copies';
import { deadlineAfter, nextTryText, reportProblems, tally, waitForAll } from './wait';

export const HELP = `Usage: outbox flush [--wait [--max-wait SECONDS]]

Makes every waiting message due now and sends it (held messages stay held), here or through the
Outbox process that is running. Prints how many were sent, failed, and still wait.

--wait follows every message that was due when the command started, those already being sent
included, through retries, for at most --max-wait seconds (default 600; 0: no limit), then saves
the Sent copies of what it sent. It exits 0 when every one was delivered, 75 when some still wait
(the next try is printed), or with the code of the first failure.

${EXIT_CODES}
`;

/**
 * The messages this flush is about: due ones (queued, or scheduled for a time that has come), those being
 * sent, and those whose attempt ended after `startedAt` (the engine may have sent or failed them before
 * the outbox could be read). Messages taken in after the start are not this flush's business.
 */
function dueAtStart(messages: readonly OutboxMessage[], startedAt: number): OutboxMessage[] {
  return messages.filter((m) => {
    if (Date.parse(m.createdAt) > startedAt) return false;
    if (m.state === 'queued' || m.state === 'sending') return true;
    if (m.state === 'scheduled') return !m.scheduledAt || Date.parse(m.scheduledAt) <= startedAt;
    const last = m.attempts[m.attempts.length - 1];
    return last !== undefined && Date.parse(last.at) + last.durationMs >= startedAt;
  });
}

export async function runFlush(ctx: CliContext, options: { wait: boolean; maxWait?: number }): Promise<number> {
  const startedAt = Date.now();
  const deadline = deadlineAfter(options.maxWait);
  const engine = await ctx.openEngine({ mode: 'auto', autoSend: options.wait });
  const due = dueAtStart(await engine.list(), startedAt);
  await engine.flush();
  const online = ctx.connectivity().isOnline();
  if (engine.role === 'producer') note(ctx.io, 'the Outbox process that is running sends the outbox now.');
  else if (!online) note(ctx.io, `offline: ${count(due.length)} stay queued.`);
  if (!options.wait && (engine.role === 'producer' || !online)) return EX.OK;

  let after: OutboxMessage[];
  if (options.wait)
    after = await waitForAll(
      engine,
      due.map((m) => m.id),
      deadline,
    );
  else {
    await engine.idle();
    after = await Promise.all(due.map(async (m) => (await engine.get(m.id)) ?? m));
  }
  const code = reportProblems(ctx, after, withRefused);
  const { sent, failed, held, waiting } = tally(after);
  if (due.length > 0) {
    const parts = [`${count(sent)} sent`];
    if (failed > 0) parts.push(`${failed} failed`);
    if (held > 0) parts.push(`${held} held by you`);
    if (waiting.length > 0)
      parts.push(`${waiting.length} still waiting (${nextTryText(waiting, ctx.connectivity().isOnline())}${lastReply(waiting)})`);
    note(ctx.io, `${parts.join(', ')}.`);
  } else note(ctx.io, "nothing was due to be sent. 'outbox queue' lists what waits for a later time or for you.");
  // What this process sent gets its Sent copies before it exits (bounded); the app does its own.
  const copies =
    options.wait || engine.role === 'sender'
      ? await finishSentCopies(ctx, engine, after, options.wait ? deadline : Date.now() + PLAIN_COPY_WAIT_MS)
      : EX.OK;
  if (code !== EX.OK) return code;
  // Plain flush makes one attempt: what is left waits for the next, as sendmail callers expect (exit 0).
  if (options.wait && waiting.length > 0) return EX.TEMPFAIL;
  return copies;
}

function lastReply(waiting: readonly OutboxMessage[]): string {
  const error = waiting
    .map((m) => m.lastError)
    .filter((e) => e !== undefined)
    .at(-1);
  return error ? `; last reply: ${error.reply ?? error.message}` : '';
}

function count(n: number): string {
  return `${n} message${n === 1 ? '' : 's'}`;
}

export const flushCommand: CliCommand<{ name: 'flush'; wait: boolean; maxWait?: number }> = {
  help: HELP,
  parse(argv) {
    const line = parseWithIds('flush', argv, { wait: { type: 'boolean' }, 'max-wait': { type: 'string' } }, 0);
    if (!line) return { command: helpFor('flush') };
    return { command: { name: 'flush', wait: line.values.wait === true, ...maxWaitOf(line.values) }, dataDir: line.dataDir };
  },
  run: (ctx, command) => runFlush(ctx, command),
};
