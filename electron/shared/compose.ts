// What the compose screen works with: drafts, attachments staged in the main process, the send request the
// renderer may make, and a mailto: link's fields. The renderer never names a file path: attachments travel as ids.
import * as z from 'zod';
import { mailbox } from './message';

/** An attachment copied into the app's staging folder (by the file picker, a drop, or an edited message). */
export interface StagedAttachment {
  id: string;
  name: string;
  /** Bytes. */
  size: number;
  contentType: string;
}

export const stagedAttachmentId = z.string().regex(/^att-[a-z0-9-]{8,60}$/, 'Not an attachment id');
export const draftId = z.string().regex(/^draft-[a-z0-9-]{8,60}$/, 'Not a draft id');
const accountRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);

const oneLine = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !/[\r\n]/.test(v), 'A line break is not allowed here');

/** A draft keeps what the user typed, even an address not yet valid: it is checked when sent. */
export const draftFieldsSchema = z.strictObject({
  accountId: accountRef.optional(),
  to: z.array(oneLine(998)).max(1000).default([]),
  cc: z.array(oneLine(998)).max(1000).default([]),
  bcc: z.array(oneLine(998)).max(1000).default([]),
  subject: oneLine(998).default(''),
  /** The body as the editor produced it (sanitised again in main before sending). */
  html: z.string().max(10_000_000).default(''),
  /** The plain-text alternative. */
  text: z.string().max(10_000_000).default(''),
  attachments: z.array(stagedAttachmentId).max(100).default([]),
  scheduledAt: z.iso.datetime({ offset: true }).optional(),
});

export const draftSaveSchema = draftFieldsSchema.extend({ id: draftId.optional() });
export type DraftSave = z.input<typeof draftSaveSchema>;

export interface Draft {
  id: string;
  accountId?: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  text: string;
  attachments: StagedAttachment[];
  scheduledAt?: string;
  /** ISO time of the last save. */
  updatedAt: string;
}

/** Send (or send later): every address must be a real mailbox now, and at least one recipient given. */
export const sendRequestSchema = draftFieldsSchema
  .extend({
    to: z.array(mailbox()).max(1000).default([]),
    cc: z.array(mailbox()).max(1000).default([]),
    bcc: z.array(mailbox()).max(1000).default([]),
    /** The draft this message was written in: removed once the message is safely in the outbox. */
    draftId: draftId.optional(),
  })
  .refine((m) => m.to.length + m.cc.length + m.bcc.length > 0, { message: 'Add at least one recipient', path: ['to'] });
export type SendRequest = z.input<typeof sendRequestSchema>;

/** A dropped file's bytes, staged in main. Files the picker chose are staged by main itself. */
export const MAX_DROPPED_BYTES = 100 * 1024 * 1024;
export const droppedFileSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(255)
    .refine((v) => !/[\r\n/\\]/.test(v), 'Not a file name'),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+-]+\/[\w.+-]+$|^$/, 'Not a content type')
    .default(''),
  bytes: z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_DROPPED_BYTES, 'The file is too large to attach'),
});

/** What a mailto: link (RFC 6068) fills in. */
export interface ComposePrefill {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  body: string;
}
