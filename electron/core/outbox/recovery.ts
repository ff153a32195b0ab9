// Start-up repair of the spool after a crash, a kill or a stop: finishes interrupted removals, returns
// messages caught mid-send to the queue, quarantines messages whose file went missing, lists quarantined
// files the journal lost, and prunes old sent mail.
import { fileOps as fs } from '../fs/file-ops';
import type { Journal } from './journal';
import { markQuarantined, scanQuarantine } from './quarantine';
import { putEntry, type MessageRecord } from './record';
import { damageReason, SpoolDamage } from './spool-file';
import { messageFile, MESSAGE_SUFFIX, type SpoolPaths } from './spool-paths';
import { cleanTmp, scanQueue, type ScanResult } from './spool-scan';
import * as transition from './transitions';

export const SENT_RETENTION_MS = 30 * 24 * 3_600_000;

export interface RecoveryResult {
  /** Messages dropped into queue/ that the journal does not know yet. */
  found: MessageRecord[];
  /** Damaged files found in queue/ (now in quarantine/), files in quarantine/ the journal did not know,
   *  and known messages whose file is missing: all to be recorded and reported as quarantined. */
  quarantined: ScanResult['quarantined'];
  /** Sent messages whose file is still in queue/: to be moved to sent/. */
  toMove: MessageRecord[];
}

export async function recoverSpool(
  paths: SpoolPaths,
  records: Map<string, MessageRecord>,
  journal: Journal,
  now: number,
): Promise<RecoveryResult> {
  // A removal interrupted after its file went to trash/: finish it.
  for (const name of await fs.readdir(paths.trash)) {
    const id = name.endsWith(MESSAGE_SUFFIX) ? name.slice(0, -MESSAGE_SUFFIX.length) : name;
    if (records.delete(id)) void journal.append({ d: id });
  }
  await cleanTmp(paths, 3_600_000);
  const scan = await scanQueue(paths, (id) => records.has(id));
  const quarantined = scan.quarantined;
  for (const record of await scanQuarantine(paths, (id) => records.has(id), { tidy: true })) {
    quarantined.push({ record, ...(record.quarantine?.file ? { file: record.quarantine.file } : {}), error: record.lastError! });
  }
  const toMove: MessageRecord[] = [];
  for (const record of records.values()) {
    const inQueue = scan.present.has(record.id);
    // Interrupted mid-send: it goes again with the same bytes and Message-ID, to the recipients not
    // recorded as delivered. The server may have taken it just before, so the user is told.
    if (transition.returnInterrupted(record)) void journal.append(putEntry(record));
    if (record.location === 'queue' && !inQueue) {
      if (record.state === 'sent') {
        record.location = 'sent';
      } else if (record.state !== 'quarantined') {
        // Never sent without its bytes: kept and shown as quarantined until the user deletes it.
        const error = new SpoolDamage(
          'missing',
          damageReason('missing', {}),
          `${record.id}${MESSAGE_SUFFIX}: not found in queue/ at start-up`,
        ).toInfo();
        markQuarantined(record, error, new Date(now).toISOString(), undefined);
        void journal.append(putEntry(record));
        quarantined.push({ record, error });
      }
    } else if (inQueue && (record.location === 'sent' || record.state === 'sent')) {
      toMove.push(record);
    }
    if (record.state === 'sent' && record.sentAt && now - Date.parse(record.sentAt) > SENT_RETENTION_MS) {
      await fs.rm(messageFile(paths, record.id, 'sent'), { force: true });
      records.delete(record.id);
      void journal.append({ d: record.id });
    }
  }
  return { found: scan.found, quarantined, toMove };
}
