// Compose's work in main: a message from the window goes into the outbox with its staged attachments (after the
// Undo send delay), then its draft and staged files are let go; Edit and Undo take an unsent message back out into a draft.
import { fileOps as fs } from '../fs/file-ops';
import { simpleParser, type AddressObject } from 'mailparser';
import { sendRequestSchema, type Draft, type SendRequest } from '../../shared/compose';
import { AppError } from '../../shared/errors';
import type { OutboxMessage } from '../../shared/message';
import { allows } from '../../shared/message-states';
import type { OutboxEngine } from '../outbox/engine-api';
import type { AttachmentStaging } from './attachment-staging';
import type { DraftStore } from './draft-store';

/** The engine as Compose needs it, plus where a message's exact bytes are. */
export type ComposeEngine = Pick<OutboxEngine, 'enqueue' | 'get' | 'hold' | 'remove' | 'undo'> & {
  bytesOf(id: string): Promise<{ file: string; offset: number; length: number } | undefined>;
};

export interface ComposeDeps {
  engine: ComposeEngine;
  drafts: DraftStore;
  staging: AttachmentStaging;
  /** Undo send: seconds a message sent from Compose waits, undoable (the user's preference; none when absent). */
  sendDelaySeconds?: () => number;
}

export class ComposeService {
  constructor(private readonly deps: ComposeDeps) {}

  /** Durably in the outbox before this resolves; only then are the draft and its staged files removed. */
  async send(input: SendRequest): Promise<OutboxMessage> {
    const request = sendRequestSchema.parse(input);
    const files = await Promise.all(request.attachments.map((id) => this.deps.staging.get(id)));
    const message = await this.deps.engine.enqueue({
      ...(request.accountId ? { accountId: request.accountId } : {}),
      to: request.to,
      cc: request.cc,
      bcc: request.bcc,
      subject: request.subject,
      text: request.text,
      ...(request.html.trim() ? { html: request.html } : {}),
      attachments: files.map((f) => ({ path: f.path, filename: f.name, ...(f.contentType ? { contentType: f.contentType } : {}) })),
      ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : { delaySeconds: this.deps.sendDelaySeconds?.() ?? 0 }),
    });
    // The bytes are in the spool now; what is left behind is only tidied up, and failing to do so loses nothing.
    if (request.draftId) await this.deps.drafts.remove(request.draftId).catch(() => undefined);
    const stillUsed = await this.deps.drafts.attachmentsInUse().catch(() => new Set<string>(request.attachments));
    for (const file of files) if (!stillUsed.has(file.id)) await this.deps.staging.discard(file.id).catch(() => undefined);
    return message;
  }

  /** Holds the message, rebuilds it as a draft from its own bytes, then removes it from the outbox. */
  async edit(id: string): Promise<Draft> {
    const message = await this.deps.engine.get(id);
    if (!message) throw new AppError('MESSAGE_NOT_FOUND');
    if (!allows(message, 'edit')) {
      const delivered = message.recipients?.some((r) => r.state === 'delivered');
      throw new AppError('MESSAGE_STATE', {
        message:
          message.state === 'sent'
            ? 'This message was already sent; it cannot be edited.'
            : delivered
              ? 'Some recipients already received this message, so it can no longer be edited.'
              : message.state === 'sending'
                ? 'The message is being sent right now.'
                : `The message is ${message.state}; it cannot be edited.`,
        next: message.state === 'sending' ? 'Wait for this attempt to finish, then try again.' : 'Write a new message instead.',
      });
    }
    // Held first, so it cannot leave while it is being turned into a draft.
    if (message.state === 'queued' || message.state === 'scheduled') await this.deps.engine.hold(id);
    return this.toDraft(message);
  }

  /**
   * Undo send: takes a message back out of the outbox while its send delay runs, as the draft it was sent from
   * (recipients, subject, formatted body, attachments), rebuilt from its own bytes. The engine refuses once
   * sending has started; a failure after that leaves the message held in the outbox, never lost and never sent.
   */
  async undo(id: string): Promise<Draft> {
    const message = await this.deps.engine.undo(id);
    return this.toDraft(message);
  }

  /** The held message as a draft, from its own bytes; then it leaves the outbox. */
  private async toDraft(message: OutboxMessage): Promise<Draft> {
    const id = message.id;
    const where = await this.deps.engine.bytesOf(id);
    if (!where) throw new AppError('MESSAGE_NOT_FOUND');
    const bytes = await readRange(where.file, where.offset, where.length);
    const parsed = await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
    const staged = [];
    for (const attachment of parsed.attachments) {
      staged.push(await this.deps.staging.fromBytes(attachment.filename ?? 'attachment', attachment.contentType, attachment.content));
    }
    const to = message.to;
    const cc = message.cc;
    const shown = new Set([...addresses(parsed.to), ...addresses(parsed.cc)].map((a) => a.toLowerCase()));
    const bcc = message.envelope.to.filter((a) => !shown.has(a.toLowerCase()));
    const draft = await this.deps.drafts.save({
      accountId: message.accountId,
      to,
      cc,
      bcc,
      subject: message.subject,
      html: typeof parsed.html === 'string' ? parsed.html : '',
      text: parsed.text ?? '',
      attachments: staged.map((a) => a.id),
      // An undo window's time is not a schedule the user chose.
      ...(message.scheduledAt && !message.undoUntil && Date.parse(message.scheduledAt) > Date.now()
        ? { scheduledAt: message.scheduledAt }
        : {}),
    });
    await this.deps.engine.remove(id);
    return draft;
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(field) ? field : field ? [field] : [];
  return list.flatMap((o) =>
    o.value.flatMap((a) => (a.address ? [a.address] : (a.group ?? []).flatMap((g) => (g.address ? [g.address] : [])))),
  );
}

async function readRange(file: string, offset: number, length: number): Promise<Buffer> {
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}
