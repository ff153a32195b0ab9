// The envelope and summary of a sendmail-style message: recipients from the command line and, with -t,
// from To/Cc/Bcc — or from Resent-To/Cc/Bcc when the message has Resent- headers, as Postfix does; the
// account from -a, -f or the From header; Bcc and Resent-Bcc removed; Message-ID, Date and From added
// when missing, encoded (RFC 2047 display names, A-label domains, UTF-8 addresses only with SMTPUTF8).
import type { Readable } from 'node:stream';
import addressparser from 'nodemailer/lib/addressparser';
import type { AccountProfile } from '../../shared/account';
import { AppError } from '../../shared/errors';
import { needsSmtpUtf8 } from '../../shared/intl-address';
import { envelopeAddress, knownWithoutSmtpUtf8 } from '../smtp/envelope-address';
import { addressesOf, assertAddresses, newMessageId } from './composer';
import type { RawEnqueueRequest } from './engine-api';
import { readRawInput } from './raw-input';
import type { SpoolMeta } from './spool-file';
import { bareMessageId } from '../../shared/message-id';

export interface PreparedRawMessage {
  meta: Pick<SpoolMeta, 'accountId' | 'envelope' | 'messageId' | 'subject' | 'from' | 'to' | 'cc' | 'bccCount'>;
  body: Readable;
}

/** Postfix's HDR_OPT_RR headers: any of them makes -t read Resent-To/Cc/Bcc instead of To/Cc/Bcc. */
const RESENT_HEADERS = [
  'resent-bcc',
  'resent-cc',
  'resent-date',
  'resent-from',
  'resent-message-id',
  'resent-reply-to',
  'resent-sender',
  'resent-to',
];

function headerSafe(value: string): boolean {
  return !/[\r\n]/.test(value);
}

export { bareMessageId };

/**
 * The addresses of recipient header values (groups flattened, `undisclosed-recipients:;` is none). An entry
 * that is words without an address ("To: bob", a stray phrase) is refused rather than silently dropped:
 * sendmail would have delivered it somewhere.
 */
function headerRecipients(values: string[], field: string): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const entry of addressparser(value, { flatten: true })) {
      if (entry.address) out.push(entry.address);
      else if (entry.name) {
        throw new AppError('VALIDATION', {
          message: `"${entry.name.slice(0, 200)}" in the ${field} header is not an address.`,
          next: 'Write it as name@domain, or remove it from the header.',
        });
      }
    }
  }
  return out;
}

/** The address as a header writes it: A-label domain, unless the local part needs SMTPUTF8 anyway. */
function headerAddress(address: string): string {
  return needsSmtpUtf8(address) ? address : envelopeAddress(address);
}

/**
 * `From: Name <address>` for the account, display name in RFC 2047 when it is not ASCII. nodemailer's MIME
 * functions (with their table of 76 KB of file types) load only here: most input brings its own From.
 */
export async function fromHeaderLine(account: Pick<AccountProfile, 'name' | 'email'>): Promise<string> {
  const mimeFuncs = await import('nodemailer/lib/mime-funcs');
  const address = headerAddress(account.email);
  const name = account.name.replace(/[\r\n]+/g, ' ').trim();
  let display = '';
  if (name) {
    if (!/^[\x20-\x7e]*$/.test(name)) display = mimeFuncs.encodeWord(name, 'Q', 52);
    else display = /^[\w ]*$/.test(name) ? name : mimeFuncs.quoteString(name);
  }
  return mimeFuncs.foldLines(`From: ${display ? `${display} ` : ''}<${address}>`, 76);
}

export async function prepareRawMessage(
  request: RawEnqueueRequest,
  pickAccount: (accountId: string | undefined, from: string | undefined) => Promise<AccountProfile>,
  date: Date,
): Promise<PreparedRawMessage> {
  for (const value of [request.envelopeFrom ?? '', ...(request.recipients ?? [])]) {
    if (!headerSafe(value)) throw new AppError('VALIDATION', { message: 'An address cannot contain a line break.' });
  }
  const raw = await readRawInput(request.input, { ignoreDots: request.ignoreDots ?? false });
  try {
    const headers = raw.headers;
    const values = (key: string): string[] => headers.getDecoded(key).map((d) => d.value);
    const fromHeader = values('from')[0];
    const fromAddress = request.envelopeFrom ?? (fromHeader ? addressesOf([fromHeader])[0] : undefined);
    const account = await pickAccount(request.accountId, fromAddress);

    const resent = RESENT_HEADERS.some((key) => headers.hasHeader(key));
    const prefix = resent ? 'resent-' : '';
    const to = values(`${prefix}to`);
    const cc = values(`${prefix}cc`);
    const bcc = values(`${prefix}bcc`);
    const recipients = [...(request.recipients ?? [])];
    if (request.recipientsFromHeaders) {
      const label = (f: string) => (resent ? `Resent-${f}` : f);
      recipients.push(...headerRecipients(to, label('To')), ...headerRecipients(cc, label('Cc')), ...headerRecipients(bcc, label('Bcc')));
    }
    const unique = [...new Set(addressesOf(recipients).map((a) => a.trim()))];
    if (unique.length === 0) {
      throw new AppError('VALIDATION', {
        message: 'The message has no recipients.',
        next: resent
          ? 'Name recipients on the command line, or use -t to take them from the Resent-To, Resent-Cc and Resent-Bcc headers.'
          : 'Name recipients on the command line, or use -t to take them from the To, Cc and Bcc headers.',
      });
    }
    assertAddresses(unique, 'the recipients');
    const envelopeFrom = fromAddress ?? account.email;
    assertAddresses([envelopeFrom], 'the sender');
    const envelope = { from: envelopeAddress(envelopeFrom), to: [...new Set(unique.map(envelopeAddress))] };
    const smtpUtf8 = [envelope.from, ...envelope.to].some(needsSmtpUtf8);
    if (smtpUtf8 && account.smtp.smtpUtf8 === false) throw knownWithoutSmtpUtf8(account);

    // Blind copies stay blind: neither header reaches anyone, whichever set -t read.
    headers.remove('bcc');
    headers.remove('resent-bcc');

    const added: string[] = [];
    const messageIds = values('message-id');
    let messageId: string;
    if (messageIds.length > 0) {
      const bare = bareMessageId(messageIds[0]!);
      if (!bare) {
        throw new AppError('VALIDATION', {
          message: `The Message-ID header "${messageIds[0]!.slice(0, 200)}" is not a message id like <id@host>.`,
          next: 'Correct the Message-ID header, or remove it and Outbox adds one.',
        });
      }
      messageId = bare;
    } else {
      messageId = newMessageId(envelopeFrom);
      added.push(`Message-ID: ${messageId}`);
    }
    if (!headers.hasHeader('date')) added.push(`Date: ${date.toUTCString().replace('GMT', '+0000')}`);
    let from = fromHeader;
    if (!fromHeader) {
      if (needsSmtpUtf8(account.email) && !smtpUtf8) {
        throw new AppError('VALIDATION', {
          message: `The message has no From header, and the account's address ${account.email} can only be written with SMTPUTF8, which this envelope does not use.`,
          next: 'Add a From header to the message, or leave out -f so the message is sent from the account address.',
        });
      }
      const line = await fromHeaderLine(account);
      added.push(line);
      from = account.name ? `${account.name} <${account.email}>` : account.email;
    }
    // Added lines go first, in the order Postfix's cleanup adds them; Buffer so UTF-8 stays UTF-8.
    for (const line of added.reverse()) headers.addFormatted(line.slice(0, line.indexOf(':')), Buffer.from(line, 'utf8'), 0);
    const head = headers.build('\r\n');

    return {
      meta: {
        accountId: account.id,
        envelope,
        messageId,
        subject: values('subject')[0] ?? '',
        from: from ?? account.email,
        to,
        cc,
        bccCount: request.recipientsFromHeaders ? addressesOf(bcc).length : 0,
      },
      body: raw.body(head),
    };
  } catch (error) {
    request.input.destroy();
    throw error;
  }
}
