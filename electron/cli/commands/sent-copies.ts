// Before a waiting command exits: the Sent copies of what it sent are saved (over one IMAP connection per
// account, see core/imap), within a bound; whatever must be left for later is said, with when it goes.
import type { OutboxMessage } from '../../shared/message';
import type { OutboxEngine } from '../../core/outbox/engine-api';
import type { CliContext } from '../context';
import { EX } from '../exit-codes';
import { note } from '../io';
import { localTime } from '../output';
import { waitForAll } from './wait';

/** However long the wait allows, copies get at most this long once the mail is out. */
const COPY_GRACE_MS = 120_000;
/** Without --wait, the one attempt's copies get this long. */
export const PLAIN_COPY_WAIT_MS = 30_000;

/** "3 Sent copies still to be saved (next try 14:05)", for `queue`; null when none is pending. */
export function pendingCopiesLine(messages: readonly OutboxMessage[]): string | null {
  const pending = messages.filter(copyPending);
  if (pending.length === 0) return null;
  const times = pending.map((m) => m.sentCopy?.nextAttemptAt).filter((t): t is string => t !== undefined && Date.parse(t) > Date.now());
  const when = times.length > 0 ? `next try ${localTime(new Date(Math.min(...times.map((t) => Date.parse(t)))).toISOString())}; ` : '';
  return `${pending.length} Sent ${pending.length === 1 ? 'copy is' : 'copies are'} still to be saved (${when}they go with the next 'outbox flush' or while the app runs).`;
}

function copyPending(m: OutboxMessage): boolean {
  return m.state === 'sent' && m.sentCopy?.state === 'pending';
}

export async function finishSentCopies(
  ctx: CliContext,
  engine: OutboxEngine,
  messages: readonly OutboxMessage[],
  deadline: number,
): Promise<number> {
  const ids = messages.filter(copyPending).map((m) => m.id);
  if (ids.length === 0) return EX.OK;
  const bound = Math.min(deadline, Date.now() + COPY_GRACE_MS);
  const after = await waitForAll(engine, ids, bound, {
    // A copy whose try failed waits for its retry in the background (the app, or the next flush), not here.
    done: (m) => !copyPending(m) || (m.sentCopy?.nextAttemptAt !== undefined && Date.parse(m.sentCopy.nextAttemptAt) > Date.now()),
    next: (m, now) => (m.sentCopy?.nextAttemptAt ? Math.max(now, Date.parse(m.sentCopy.nextAttemptAt)) : now),
  });
  const left = after.filter(copyPending);
  const failed = after.filter((m) => m.sentCopy?.state === 'failed');
  if (failed.length > 0) {
    const error = failed[failed.length - 1]!.sentCopy!.error;
    note(
      ctx.io,
      `${failed.length} Sent ${failed.length === 1 ? 'copy' : 'copies'} could not be saved${error ? `: ${error.message}${error.reply ? ` Server said: "${error.reply}".` : ''}` : '.'} The mail itself was sent.`,
    );
  }
  if (left.length > 0) {
    const times = left
      .map((m) => m.sentCopy?.nextAttemptAt)
      .filter((t): t is string => t !== undefined)
      .map((t) => Date.parse(t));
    const when =
      times.length > 0
        ? `next try ${localTime(new Date(Math.min(...times)).toISOString())}`
        : "with the next 'outbox flush' or while the app runs";
    note(ctx.io, `${left.length} Sent ${left.length === 1 ? 'copy is' : 'copies are'} left for later (${when}); the mail itself was sent.`);
  }
  return EX.OK;
}
