// Turns what the user asked to send into the exact RFC 5322 bytes, once: nodemailer's composer for
// structured messages (attachments streamed from disk), and a streaming header pass for sendmail input.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { domainToASCII } from 'node:url';
import { fileOps as fs, type OpenFile } from '../fs/file-ops';
import addressparser from 'nodemailer/lib/addressparser';
import type { AccountProfile } from '../../shared/account';
import { needsSmtpUtf8 } from '../../shared/intl-address';
import { envelopeAddress, knownWithoutSmtpUtf8 } from '../smtp/envelope-address';
import { AppError } from '../../shared/errors';
import type { ValidComposeRequest } from '../../shared/message';
import type { SpoolMeta } from './spool-file';

export type ComposedMessage = Pick<SpoolMeta, 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount' | 'envelope'> & {
  body: Readable;
};

export function newMessageId(address: string): string {
  // A Message-ID is ASCII whatever the address: an internationalised domain goes as its A-label.
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : '';
  const ascii = /^[\x21-\x7e]+$/.test(domain) ? domain : domainToASCII(domain);
  return `<${randomUUID()}@${ascii || 'outbox.invalid'}>`;
}

/** Bare addresses from header-style values ("Ann <a@b.c>, d@e.f"); groups are flattened. */
export function addressesOf(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const entry of addressparser(value, { flatten: true })) {
      if (entry.address) out.push(entry.address);
    }
  }
  return out;
}

/** A dot-atom-ish local part, or a quoted one (`"john doe"@example.org`, RFC 5321 §4.1.2). */
const LOCAL = String.raw`(?:[^\s@<>()[\]\\,;:"]+|"(?:[^"\\\r\n]|\\[^\r\n])*")`;
const LABELS = String.raw`[^\s@<>()[\]\\,;:"]+`;
const ADDRESS = new RegExp(String.raw`^${LOCAL}@(?:${LABELS}\.${LABELS}|\[[0-9a-fA-F:.]+\]|localhost)$`);

export function assertAddresses(addresses: string[], field: string): void {
  for (const address of addresses) {
    if (!ADDRESS.test(address)) {
      throw new AppError('VALIDATION', {
        message: `"${address}" in ${field} is not a valid email address.`,
        next: 'Correct the address and try again.',
      });
    }
  }
}

function parseMailboxes(values: string[], field: string): string[] {
  const addresses: string[] = [];
  for (const value of values) {
    const parsed = addressparser(value, { flatten: true });
    if (parsed.length === 0 || parsed.some((p) => !p.address)) {
      throw new AppError('VALIDATION', {
        message: `"${value}" in ${field} is not a valid email address.`,
        next: 'Correct the address and try again.',
      });
    }
    addresses.push(...parsed.map((p) => p.address));
  }
  assertAddresses(addresses, field);
  return addresses;
}

/**
 * Opens every attachment before anything is queued. O_NONBLOCK so that a FIFO with no writer (or a device)
 * cannot block the open, then fstat on the open file, so the file checked is the file read: only regular
 * files are taken.
 */
async function openAttachments(paths: string[]): Promise<OpenFile[]> {
  const handles: OpenFile[] = [];
  for (const file of paths) {
    try {
      const before = await fs.stat(file);
      if (!before.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      const handle = await fs.open(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
      handles.push(handle);
      if (!(await handle.stat()).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    } catch (error) {
      await Promise.all(handles.map((h) => h.close().catch(() => undefined)));
      throw new AppError('ATTACHMENT_UNREADABLE', {
        message: `The attachment ${file} cannot be read (${(error as NodeJS.ErrnoException).code === 'EISDIR' ? 'it is not a regular file' : ((error as NodeJS.ErrnoException).code ?? 'error')}).`,
        cause: error,
      });
    }
  }
  return handles;
}

/** A name without an extension stays bare (nodemailer would add ".*" from the type) and goes as octet-stream. */
function attachmentName(a: { path: string; filename?: string | undefined; contentType?: string | undefined }): {
  filename: string;
  contentType?: string;
} {
  const filename = a.filename ?? path.basename(a.path);
  if (a.contentType) return { filename, contentType: a.contentType };
  return filename.includes('.') ? { filename } : { filename, contentType: 'application/octet-stream' };
}

/** Builds the message with nodemailer's composer; the returned stream reads attachments as it goes. */
export async function composeMessage(request: ValidComposeRequest, account: AccountProfile, date: Date): Promise<ComposedMessage> {
  const from = request.from ?? (account.name ? `"${account.name.replace(/["\\]/g, '')}" <${account.email}>` : account.email);
  const fromAddress = parseMailboxes([from], 'From')[0]!;
  const to = parseMailboxes(request.to, 'To');
  const cc = parseMailboxes(request.cc, 'Cc');
  const bcc = parseMailboxes(request.bcc, 'Bcc');
  if (request.replyTo) parseMailboxes([request.replyTo], 'Reply-To');
  const handles = await openAttachments(request.attachments.map((a) => a.path));
  const messageId = newMessageId(fromAddress);
  // The envelope carries A-label domains; a non-ASCII local part is refused now if the server is known not to take it.
  const envelope = { from: envelopeAddress(fromAddress), to: [...to, ...cc, ...bcc].map(envelopeAddress) };
  if ([envelope.from, ...envelope.to].some(needsSmtpUtf8) && account.smtp.smtpUtf8 === false) throw knownWithoutSmtpUtf8(account);
  // Loaded here, not at the top: `outbox send` takes raw bytes and never needs the composer (or the HTTP
  // and DNS modules it brings), and it starts once per message.
  const { default: MailComposer } = await import('nodemailer/lib/mail-composer');
  const composer = new MailComposer({
    from,
    to: request.to,
    cc: request.cc,
    bcc: request.bcc,
    ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    subject: request.subject,
    ...(request.text !== undefined ? { text: request.text } : {}),
    ...(request.html !== undefined ? { html: request.html } : {}),
    attachments: request.attachments.map((a, i) => ({ content: handles[i]!.createReadStream(), ...attachmentName(a) })),
    headers: request.headers,
    messageId,
    date,
    newline: 'win',
    disableUrlAccess: true,
  });
  const node = composer.compile();
  const body = node.createReadStream();
  return {
    messageId,
    subject: request.subject,
    from,
    to: request.to,
    cc: request.cc,
    bccCount: bcc.length,
    envelope,
    body,
  };
}

/** Wraps stream errors from attachments into the catalogue's words. */
export function attachmentError(error: unknown): AppError | null {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR' || code === 'EPERM') {
    return new AppError('ATTACHMENT_UNREADABLE', { detail: (error as Error).message, cause: error });
  }
  return null;
}
