// Turns what the user asked to send into the exact RFC 5322 bytes, once: nodemailer's composer for
// structured messages (attachments streamed from disk), and a streaming header pass for sendmail input.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import type { Readable } from 'node:stream';
import MailComposer from 'nodemailer/lib/mail-composer';
import addressparser from 'nodemailer/lib/addressparser';
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import type { ValidComposeRequest } from '../../shared/message';
import type { SpoolMeta } from './spool-file';

export type ComposedMessage = Pick<SpoolMeta, 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount' | 'envelope'> & { body: Readable };

export function newMessageId(address: string): string {
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : 'outbox.invalid';
  return `<${randomUUID()}@${domain}>`;
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

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$|^[^\s@<>()[\]\\,;:"]+@\[[0-9a-fA-F:.]+\]$|^[^\s@<>()[\]\\,;:"]+@localhost$/;

export function assertAddresses(addresses: string[], field: string): void {
  for (const address of addresses) {
    if (!ADDRESS.test(address)) {
      throw new AppError('VALIDATION', { message: `"${address}" in ${field} is not a valid email address.`, next: 'Correct the address and try again.' });
    }
  }
}

function parseMailboxes(values: string[], field: string): string[] {
  const addresses: string[] = [];
  for (const value of values) {
    const parsed = addressparser(value, { flatten: true });
    if (parsed.length === 0 || parsed.some((p) => !p.address)) {
      throw new AppError('VALIDATION', { message: `"${value}" in ${field} is not a valid email address.`, next: 'Correct the address and try again.' });
    }
    addresses.push(...parsed.map((p) => p.address));
  }
  assertAddresses(addresses, field);
  return addresses;
}

async function checkAttachments(paths: string[]): Promise<void> {
  for (const file of paths) {
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      await fs.access(file, fs.constants.R_OK);
    } catch (error) {
      throw new AppError('ATTACHMENT_UNREADABLE', {
        message: `The attachment ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
        cause: error,
      });
    }
  }
}

/** Builds the message with nodemailer's composer; the returned stream reads attachments as it goes. */
export async function composeMessage(request: ValidComposeRequest, account: AccountProfile, date: Date): Promise<ComposedMessage> {
  const from = request.from ?? (account.name ? `"${account.name.replace(/["\\]/g, '')}" <${account.email}>` : account.email);
  const fromAddress = parseMailboxes([from], 'From')[0]!;
  const to = parseMailboxes(request.to, 'To');
  const cc = parseMailboxes(request.cc, 'Cc');
  const bcc = parseMailboxes(request.bcc, 'Bcc');
  if (request.replyTo) parseMailboxes([request.replyTo], 'Reply-To');
  await checkAttachments(request.attachments.map((a) => a.path));
  const messageId = newMessageId(fromAddress);
  const composer = new MailComposer({
    from,
    to: request.to,
    cc: request.cc,
    bcc: request.bcc,
    ...(request.replyTo ? { replyTo: request.replyTo } : {}),
    subject: request.subject,
    ...(request.text !== undefined ? { text: request.text } : {}),
    ...(request.html !== undefined ? { html: request.html } : {}),
    attachments: request.attachments.map((a) => ({
      path: a.path,
      ...(a.filename ? { filename: a.filename } : {}),
      ...(a.contentType ? { contentType: a.contentType } : {}),
    })),
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
    envelope: { from: fromAddress, to: [...to, ...cc, ...bcc] },
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
