// A record as screens, events and the command see it (toOutboxMessage), and a record as the journal replays it
// (applyEntry). Both are written out field by field rather than as spread copies (a spread copy with fields of its
// own gets its own hidden class in V8, and every reader a slow lookup): these properties hold them to what the
// spread copies gave, over records with every combination of optional fields.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyEntry, putEntry, toOutboxMessage, type JournalEntry, type MessageRecord } from '../../../electron/core/outbox/record';
import type { OutboxMessage } from '../../../electron/shared/message';
import { deliveryProgress } from '../../../electron/shared/message-states';

/** Fields that stay in the engine: where the bytes are, their hash, and its own bookkeeping. */
const INTERNAL = ['bodyOffset', 'bodyLength', 'sha256', 'firstAttemptAt', 'location', 'interrupted'] as const;

/** The view as the spread copy made it: every field of the record but the internal ones. */
function referenceView(record: MessageRecord, progress?: { sent: number; total: number }): OutboxMessage {
  const copy: Record<string, unknown> = { ...record, attempts: record.attempts.filter(Boolean) };
  for (const key of INTERNAL) delete copy[key];
  for (const key of Object.keys(copy)) if (copy[key] === undefined) delete copy[key];
  if (record.recipients) {
    copy.recipients = record.recipients.map((r) => ({ ...r }));
    copy.delivery = deliveryProgress(record.recipients);
  }
  if (progress) copy.progress = progress;
  return copy as unknown as OutboxMessage;
}

const text = fc.string({ maxLength: 12 });
const iso = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }).map((t) => new Date(t).toISOString());
const error = fc.record(
  { code: fc.constantFrom('SMTP_TEMPORARY', 'SMTP_RECIPIENT'), message: text },
  { requiredKeys: ['code', 'message'] },
);
const recipient = fc.record(
  {
    address: fc.emailAddress(),
    state: fc.constantFrom('pending', 'delivered', 'deferred', 'refused', 'failed'),
    reply: text,
    responseCode: fc.integer({ min: 200, max: 599 }),
    at: iso,
    nextAttemptAt: iso,
    deferrals: fc.nat(9),
  },
  { requiredKeys: ['address', 'state'] },
);
const attempt = fc.record(
  {
    at: iso,
    durationMs: fc.nat(60_000),
    outcome: fc.constantFrom('sent', 'temporary', 'permanent'),
    reply: text,
    transcript: fc.array(text),
  },
  {
    requiredKeys: ['at', 'durationMs', 'outcome', 'transcript'],
  },
);
const record = fc
  .record(
    {
      id: fc.stringMatching(/^[a-z0-9]{4,12}$/),
      accountId: fc.constantFrom('acct', 'work'),
      state: fc.constantFrom('queued', 'scheduled', 'sending', 'sent', 'failed', 'held', 'quarantined'),
      messageId: text,
      subject: text,
      from: fc.emailAddress(),
      to: fc.array(fc.emailAddress(), { maxLength: 3 }),
      cc: fc.array(fc.emailAddress(), { maxLength: 2 }),
      bccCount: fc.nat(3),
      envelope: fc.record({ from: fc.emailAddress(), to: fc.array(fc.emailAddress(), { minLength: 1, maxLength: 3 }) }),
      size: fc.nat(10_000_000),
      createdAt: iso,
      scheduledAt: iso,
      undoUntil: iso,
      nextAttemptAt: iso,
      holdReason: fc.constantFrom('user', 'account'),
      attempts: fc.array(fc.option(attempt, { nil: undefined }), { maxLength: 3 }),
      recipients: fc.array(recipient, { maxLength: 4 }),
      lastError: error,
      sentAt: iso,
      sentCopy: fc.record({ state: fc.constantFrom('pending', 'saved', 'failed'), attempts: fc.nat(5) }),
      quarantine: fc.record({ reason: text, at: iso, file: text }, { requiredKeys: ['reason', 'at'] }),
      bodyOffset: fc.nat(4096),
      bodyLength: fc.nat(10_000_000),
      sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
      firstAttemptAt: iso,
      location: fc.constantFrom('queue', 'sent'),
      interrupted: fc.boolean(),
    },
    {
      requiredKeys: [
        'id',
        'accountId',
        'state',
        'messageId',
        'subject',
        'from',
        'to',
        'cc',
        'bccCount',
        'envelope',
        'size',
        'createdAt',
        'attempts',
        'bodyOffset',
        'bodyLength',
        'sha256',
        'location',
      ],
    },
  )
  .map((r) => r as unknown as MessageRecord);

describe('toOutboxMessage: the record as everyone outside the engine sees it', () => {
  it("has exactly the fields the record has, minus the engine's own, whatever optional fields are present", () => {
    fc.assert(
      fc.property(record, fc.option(fc.record({ sent: fc.nat(), total: fc.nat() }), { nil: undefined }), (r, progress) => {
        const view = toOutboxMessage(r, progress);
        expect(view).toStrictEqual(referenceView(r, progress));
        for (const key of INTERNAL) expect(view).not.toHaveProperty(key);
      }),
      { numRuns: 400 },
    );
  });

  it('is a copy: changing a view changes neither the record nor the next view', () => {
    fc.assert(
      fc.property(record, (r) => {
        fc.pre((r.recipients?.length ?? 0) > 0);
        const before = JSON.stringify(r);
        const view = toOutboxMessage(r);
        view.recipients![0]!.state = 'failed';
        view.attempts.push({ at: 'x', durationMs: 0, outcome: 'sent', transcript: [] });
        expect(JSON.stringify(r)).toBe(before);
        expect(toOutboxMessage(r)).toStrictEqual(referenceView(r));
      }),
      { numRuns: 100 },
    );
  });
});

describe('applyEntry: the journal replayed', () => {
  it('a put entry gives the record as it was put, with the attempts carried over and the new one in its place', () => {
    fc.assert(
      fc.property(record, fc.array(attempt, { minLength: 1, maxLength: 4 }), (r, attempts) => {
        const records = new Map<string, MessageRecord>();
        const complete = { ...r, attempts: [] } as MessageRecord;
        // Each line is parsed on its own, as the journal reads them.
        const replay = (entry: JournalEntry) => applyEntry(records, JSON.parse(JSON.stringify(entry)) as JournalEntry);
        replay(putEntry(complete));
        for (const a of attempts) {
          complete.attempts.push(a);
          replay(putEntry(complete, true));
        }
        expect(records.get(r.id)).toStrictEqual(JSON.parse(JSON.stringify(complete)));
      }),
      { numRuns: 200 },
    );
  });
});
