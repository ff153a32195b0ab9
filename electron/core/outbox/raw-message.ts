// The envelope and summary of a sendmail-style message: recipients from the command line and, with -t,
// from its headers; the account from -a, -f or the From header; Message-ID and Date added when missing.
import type { Readable } from 'node:stream';
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import { addressesOf, assertAddresses, newMessageId } from './composer';
import type { RawEnqueueRequest } from './engine-api';
import { prepareRaw } from './raw-input';
import type { SpoolMeta } from './spool-file';

export interface PreparedRawMessage {
  meta: Pick<SpoolMeta, 'accountId' | 'envelope' | 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount'>;
  body: Readable;
}

function headerSafe(value: string): boolean {
  return !/[\r\n]/.test(value);
}

export async function prepareRawMessage(
  request: RawEnqueueRequest,
  pickAccount: (accountId: string | undefined, from: string | undefined) => Promise<AccountProfile>,
  date: Date,
): Promise<PreparedRawMessage> {
  for (const value of [request.envelopeFrom ?? '', ...(request.recipients ?? [])]) {
    if (!headerSafe(value)) throw new AppError('VALIDATION', { message: 'An address cannot contain a line break.' });
  }
  const raw = await prepareRaw(request.input, { ignoreDots: request.ignoreDots ?? false });
  const h = raw.headers.values;
  const fromHeader = h.get('from')?.[0];
  const fromAddress = request.envelopeFrom ?? (fromHeader ? addressesOf([fromHeader])[0] : undefined);
  const account = await pickAccount(request.accountId, fromAddress);
  const to = h.get('to') ?? [];
  const cc = h.get('cc') ?? [];
  const bcc = h.get('bcc') ?? [];
  const recipients = [...(request.recipients ?? [])];
  if (request.recipientsFromHeaders) recipients.push(...addressesOf([...to, ...cc, ...bcc]));
  const envelopeTo = addressesOf(recipients);
  const unique = [...new Set(envelopeTo.map((a) => a.trim()))];
  if (unique.length === 0) {
    throw new AppError('VALIDATION', {
      message: 'The message has no recipients.',
      next: 'Name recipients on the command line, or use -t to take them from the To, Cc and Bcc headers.',
    });
  }
  assertAddresses(unique, 'the recipients');
  const envelopeFrom = fromAddress ?? account.email;
  assertAddresses([envelopeFrom], 'the sender');
  const extra: string[] = [];
  let messageId = h.get('message-id')?.[0];
  if (!messageId) {
    messageId = newMessageId(envelopeFrom);
    extra.push(`Message-ID: ${messageId}`);
  }
  if (!h.has('date')) extra.push(`Date: ${date.toUTCString().replace('GMT', '+0000')}`);
  if (!fromHeader) extra.push(`From: ${account.email}`);
  return {
    meta: {
      accountId: account.id,
      envelope: { from: envelopeFrom, to: unique },
      messageId,
      subject: h.get('subject')?.[0] ?? '',
      from: fromHeader ?? account.email,
      to,
      cc,
      bccCount: request.recipientsFromHeaders ? addressesOf(bcc).length : 0,
    },
    body: raw.body(extra),
  };
}
