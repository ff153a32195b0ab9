// A message's full record as the journal keeps it, the journal's entry kinds, and how entries replay.
// Replaying the same entry twice gives the same record, so a snapshot may overlap the log after it.
import type { Attempt, OutboxMessage, RecipientStatus } from '../../shared/message';
import { deliveryProgress, isOpenRecipient } from '../../shared/message-states';
import type { SpoolEntryInfo } from './spool-file';

export interface MessageRecord extends Omit<OutboxMessage, 'progress' | 'delivery'> {
  bodyOffset: number;
  bodyLength: number;
  sha256: string;
  /** Time of the first real attempt (offline time before it does not count against the lifetime). */
  firstAttemptAt?: string;
  /** Where the bytes are: queue/ until sent, then sent/. */
  location: 'queue' | 'sent';
  /** Caught mid-send by a crash or a kill: before sending again, look for it in the server's Sent folder. */
  interrupted?: boolean;
}

/** One line of the journal. */
export type JournalEntry =
  /** put: the record's fields (without attempts), optionally with attempt number `n`. */
  | { p: Omit<MessageRecord, 'attempts'>; a?: Attempt; n?: number }
  /** delete */
  | { d: string }
  /** going out: the message is being sent */
  | { g: string }
  /** snapshot: a whole record */
  | { s: MessageRecord };

export function applyEntry(records: Map<string, MessageRecord>, entry: JournalEntry): void {
  if ('s' in entry) {
    records.set(entry.s.id, entry.s);
    return;
  }
  if ('d' in entry) {
    records.delete(entry.d);
    return;
  }
  if ('g' in entry) {
    const going = records.get(entry.g);
    if (going) going.state = 'sending';
    return;
  }
  const previous = records.get(entry.p.id);
  const attempts = previous ? previous.attempts : [];
  if (entry.a && typeof entry.n === 'number') attempts[entry.n] = entry.a;
  // The entry is this line's own parse: it becomes the record (a spread copy would get a map of its own in V8,
  // and the engine's every read of the record a slow lookup).
  const record = entry.p as MessageRecord;
  record.attempts = attempts;
  records.set(record.id, record);
}

/** The journal entry that records `record` as it is now, with its newest attempt when `withAttempt`. */
export function putEntry(record: MessageRecord, withAttempt = false): JournalEntry {
  const { attempts, ...rest } = record;
  if (withAttempt && attempts.length > 0) {
    return { p: rest, a: attempts[attempts.length - 1]!, n: attempts.length - 1 };
  }
  return { p: rest };
}

export function recordFromSpool(info: SpoolEntryInfo): MessageRecord {
  const m = info.meta;
  const record: MessageRecord = {
    id: m.id,
    accountId: m.accountId,
    state: m.scheduledAt ? 'scheduled' : 'queued',
    messageId: m.messageId,
    subject: m.subject,
    from: m.from,
    to: m.to,
    cc: m.cc,
    bccCount: m.bccCount,
    envelope: m.envelope,
    size: info.bodyLength,
    createdAt: m.createdAt,
    attempts: [],
    bodyOffset: info.bodyOffset,
    bodyLength: info.bodyLength,
    sha256: info.sha256,
    location: 'queue',
  };
  if (m.scheduledAt) record.scheduledAt = m.scheduledAt;
  // Undo send's window (its scheduledAt is the same time): still undoable until a first attempt starts.
  if (m.undoUntil && m.scheduledAt) record.undoUntil = m.undoUntil;
  return record;
}

/**
 * The record's recipients with their states. A record from before recipients had states (an old journal)
 * gets them here, at its next attempt: every envelope recipient still to be sent to.
 */
export function recipientsOf(record: MessageRecord): RecipientStatus[] {
  record.recipients ??= record.envelope.to.map((address): RecipientStatus => ({ address, state: 'pending' }));
  return record.recipients;
}

/** The envelope of the next attempt: only recipients not delivered, refused or given up on. */
export function openAddresses(record: MessageRecord): string[] {
  return recipientsOf(record)
    .filter((r) => isOpenRecipient(r.state))
    .map((r) => r.address);
}

/** The fields toOutboxMessage writes out: a field added to OutboxMessage fails to compile below until it is copied. */
// prettier-ignore
type ViewFields =
  | 'id' | 'accountId' | 'state' | 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount' | 'envelope' | 'size'
  | 'createdAt' | 'attempts' | 'scheduledAt' | 'undoUntil' | 'nextAttemptAt' | 'holdReason' | 'lastError' | 'sentAt'
  | 'sentCopy' | 'quarantine' | 'recipients' | 'delivery' | 'progress';
export const VIEW_COPIES_EVERY_FIELD: [Exclude<keyof OutboxMessage, ViewFields>] extends [never] ? true : never = true;

/**
 * What screens, events and the command see of a record: every field of OutboxMessage, written out (spool
 * positions, the hash and bookkeeping stay in the engine). Not a rest-and-spread copy: in V8 (Node 20) such a copy
 * gets a map of its own, and each reader of the view (the app's events, the command's listeners) a slow lookup.
 */
export function toOutboxMessage(record: MessageRecord, progress?: { sent: number; total: number }): OutboxMessage {
  const out: OutboxMessage = {
    id: record.id,
    accountId: record.accountId,
    state: record.state,
    messageId: record.messageId,
    subject: record.subject,
    from: record.from,
    to: record.to,
    cc: record.cc,
    bccCount: record.bccCount,
    envelope: record.envelope,
    size: record.size,
    createdAt: record.createdAt,
    attempts: record.attempts.filter(Boolean),
  };
  if (record.scheduledAt !== undefined) out.scheduledAt = record.scheduledAt;
  if (record.undoUntil !== undefined) out.undoUntil = record.undoUntil;
  if (record.nextAttemptAt !== undefined) out.nextAttemptAt = record.nextAttemptAt;
  if (record.holdReason !== undefined) out.holdReason = record.holdReason;
  if (record.lastError !== undefined) out.lastError = record.lastError;
  if (record.sentAt !== undefined) out.sentAt = record.sentAt;
  if (record.sentCopy !== undefined) out.sentCopy = record.sentCopy;
  if (record.quarantine !== undefined) out.quarantine = record.quarantine;
  if (record.recipients) {
    out.recipients = record.recipients.map((r) => ({ ...r }));
    out.delivery = deliveryProgress(record.recipients);
  }
  if (progress) out.progress = progress;
  return out;
}
