// Quarantine: a message whose stored bytes no longer match what was taken in is never sent, but it stays in
// the outbox, state 'quarantined', with why and what the user can do. Its file (if any) goes to quarantine/
// beside a reason file, so the folder alone is enough to list it again even if the journal lost it.
import path from 'node:path';
import { fileOps as fs } from '../fs/file-ops';
import type { ErrorInfo } from '../../shared/errors';
import { writeFileDurable } from '../fs/durable-write';
import { recordFromSpool, type MessageRecord } from './record';
import { DAMAGED_NEXT, damageReason, readSpoolFile, SpoolDamage } from './spool-file';
import { MESSAGE_SUFFIX, type SpoolPaths } from './spool-paths';
import * as transition from './transitions';

export const REASON_SUFFIX = '.reason.txt';

/**
 * Moves `file` into quarantine/ and writes its reason file. Returns where the file now is, or undefined
 * when there was nothing to move (the file was missing) or the move failed: nobody is told it moved then.
 */
export async function moveToQuarantine(paths: SpoolPaths, file: string, error: ErrorInfo, at: string): Promise<string | undefined> {
  const target = path.join(paths.quarantine, path.basename(file));
  const moved = await fs.rename(file, target).then(
    () => true,
    () => false,
  );
  if (!moved) return undefined;
  // The reason beside the file: first line the plain reason, then what to do, when, and the technical detail.
  const text = `${error.message}\n${error.next}\nQuarantined ${at}.\n${error.detail ?? ''}\n`;
  await writeFileDurable(`${target}${REASON_SUFFIX}`, text).catch(() => {});
  return target;
}

/** Turns a record into a quarantined one: never sent again, with its reason shown wherever it is listed. */
export function markQuarantined(record: MessageRecord, error: ErrorInfo, at: string, file: string | undefined): void {
  transition.quarantine(record, error, at, file);
}

/**
 * A record for a damaged file that was never taken in: what its metadata still says, or, when even that is
 * unreadable, what its name says (the id), so it is listed and can be deleted like any other message.
 */
export async function recordForDamagedFile(
  file: string,
  error: ErrorInfo,
  at: string,
  shownFile: string | undefined,
): Promise<MessageRecord> {
  const id = path.basename(file).replace(/\.msg$/, '');
  const info = await readSpoolFile(file, { verify: false, anySize: true }).catch(() => null);
  let record: MessageRecord;
  if (info) {
    record = { ...recordFromSpool(info), id };
  } else {
    const stat = await fs.stat(file).catch(() => null);
    record = {
      id,
      accountId: '',
      state: 'quarantined',
      messageId: '',
      subject: '(unreadable: damaged file)',
      from: '',
      to: [],
      cc: [],
      bccCount: 0,
      envelope: { from: '', to: [] },
      size: stat?.size ?? 0,
      createdAt: new Date(stat?.mtimeMs ?? Date.parse(at)).toISOString(),
      attempts: [],
      bodyOffset: 0,
      bodyLength: 0,
      sha256: '',
      location: 'queue',
    };
  }
  delete record.scheduledAt;
  markQuarantined(record, error, at, shownFile);
  return record;
}

/** The error for a file in queue/ that could not be read as an Outbox message at all. */
export function unreadableError(name: string, detail: string): ErrorInfo {
  return new SpoolDamage(
    'unreadable',
    damageReason('unreadable', { what: detail.replace(/^[^:]*: /, '') }),
    `${name}: ${detail.replace(/^[^:]*: /, '')}`,
  ).toInfo();
}

/** Files in quarantine/ that `known` does not hold (a crash between the move and the journal, or an older version's moves). */
export async function scanQuarantine(
  paths: SpoolPaths,
  known: (id: string) => boolean,
  options: { tidy: boolean },
): Promise<MessageRecord[]> {
  const names = await fs.readdir(paths.quarantine).catch(() => [] as string[]);
  const present = new Set(names);
  const out: MessageRecord[] = [];
  for (const name of names) {
    if (!name.endsWith(MESSAGE_SUFFIX)) continue;
    const id = name.slice(0, -MESSAGE_SUFFIX.length);
    if (known(id)) continue;
    const file = path.join(paths.quarantine, name);
    const reasonText = await fs.readFile(`${file}${REASON_SUFFIX}`, 'utf8').catch(() => '');
    const lines = reasonText.split('\n');
    const reason = lines[0];
    const stamped = /^Quarantined (.+)\.$/.exec(lines[2] ?? '')?.[1];
    // An older version wrote two lines: the reason, then the detail.
    const next = stamped ? lines[1] : undefined;
    const detail = stamped ? lines[3] : lines[1];
    const at = stamped ?? new Date((await fs.stat(file).catch(() => null))?.mtimeMs ?? Date.now()).toISOString();
    const error: ErrorInfo = {
      code: 'SPOOL_CORRUPT',
      message: reason?.trim() || damageReason('unreadable', { what: 'found in the quarantine folder' }),
      next: next?.trim() || DAMAGED_NEXT,
      retryable: false,
      ...(detail?.trim() ? { detail: detail.trim() } : {}),
    };
    out.push(await recordForDamagedFile(file, error, at, file));
  }
  // A reason file left alone by a removal cut short: its message is gone.
  for (const name of options.tidy ? names : []) {
    if (!name.endsWith(REASON_SUFFIX)) continue;
    const msg = name.slice(0, -REASON_SUFFIX.length);
    if (present.has(msg) || known(msg.replace(/\.msg$/, ''))) continue;
    await fs.rm(path.join(paths.quarantine, name), { force: true }).catch(() => {});
  }
  return out;
}

/** Removes a quarantined message's file and reason file (after the journal forgot it). */
export async function removeQuarantined(record: MessageRecord): Promise<void> {
  const file = record.quarantine?.file;
  if (!file) return;
  await fs.rm(file, { force: true });
  await fs.rm(`${file}${REASON_SUFFIX}`, { force: true });
}
