// Reference readers for the differential raw-input tests: Python's `email` package (a separate,
// long-standing implementation, spawned once per batch; compat32 fields, email.utils.getaddresses) and mailparser. Neither shares code with the
// reader under test except mailparser's address parser (nodemailer's), which is why Python decides the
// recipients.
import { spawn } from 'node:child_process';
import { domainToASCII } from 'node:url';
import { simpleParser, type AddressObject } from 'mailparser';

export interface PythonView {
  /** Raw header fields in order: name as written, value bytes (utf-8 shown) with folding kept. */
  headers: [string, string][];
  unixfrom: string | null;
  /** Body bytes when the message is not multipart. */
  body: Buffer | null;
  /** addr-specs per field (to, cc, bcc, resent-to, resent-cc, resent-bcc) by email.utils.getaddresses, groups flattened. */
  recipients: Record<string, string[]>;
  defects: string[];
  error?: string;
}

const SCRIPT = String.raw`
import sys, json, base64
from email.parser import BytesParser
from email import policy
from email.utils import getaddresses
out = []
for item in json.load(sys.stdin):
    raw = base64.b64decode(item)
    view = {}
    try:
        m = BytesParser(policy=policy.compat32).parsebytes(raw)
        view['headers'] = [[k, v.encode('ascii', 'surrogateescape').decode('utf-8', 'replace') if isinstance(v, str) else str(v)] for k, v in m._headers]
        view['unixfrom'] = m.get_unixfrom()
        p = m.get_payload()
        view['body'] = base64.b64encode(p.encode('utf-8', 'surrogateescape')).decode() if isinstance(p, str) else None
        view['defects'] = [type(d).__name__ for d in m.defects]
        rc = {}
        for field in ['to', 'cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc']:
            values = [v for k, v in view['headers'] if k.strip().lower() == field]
            rc[field] = [a for n, a in getaddresses(values) if a]
        view['recipients'] = rc
    except Exception as e:
        view['error'] = repr(e)
    out.append(view)
json.dump(out, sys.stdout)
`;

/** Parses every message with Python's email package (compat32 for the raw fields, default policy for addresses). */
export function pythonRead(messages: Buffer[]): Promise<PythonView[]> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`python3 exited ${code}: ${Buffer.concat(err).toString()}`));
      const parsed = JSON.parse(Buffer.concat(out).toString('utf8')) as (Omit<PythonView, 'body'> & { body: string | null })[];
      resolve(parsed.map((v) => ({ ...v, body: v.body === null || v.body === undefined ? null : Buffer.from(v.body, 'base64') })));
    });
    child.stdin.end(JSON.stringify(messages.map((m) => m.toString('base64'))));
  });
}

/** What -t should put in the envelope by the reference's reading: Resent- fields when any Resent- header is there. */
export function referenceEnvelope(view: PythonView, resent: boolean): string[] {
  const fields = resent ? ['resent-to', 'resent-cc', 'resent-bcc'] : ['to', 'cc', 'bcc'];
  const list = fields.flatMap((f) => view.recipients[f] ?? []).map((a) => aLabel(unquoted(a)));
  return [...new Set(list)];
}

/** `"john.doe"@x` and `john.doe@x` are the same mailbox (RFC 5321 §4.1.2): quotes that are not needed go. */
export function unquoted(address: string): string {
  const m = /^"([^"\\]*)"(@.*)$/.exec(address);
  return m && /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/.test(m[1]!) ? `${m[1]}${m[2]}` : address;
}

/** The domain as its A-label (the envelope's form), computed here with node:url independently of the code under test. */
export function aLabel(address: string): string {
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  return /^[\x21-\x7e]*$/.test(domain) ? address : `${address.slice(0, at)}@${domainToASCII(domain)}`;
}

export interface MailparserView {
  headerNames: string[];
  recipients: Record<'to' | 'cc' | 'bcc', string[]>;
  subject: string | undefined;
  messageId: string | undefined;
}

function flat(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: string[] = [];
  const walk = (entries: AddressObject['value']): void => {
    for (const e of entries) {
      if (e.group) walk(e.group);
      else if (e.address) out.push(e.address);
    }
  };
  for (const o of list) walk(o.value);
  return out;
}

export async function mailparserRead(message: Buffer): Promise<MailparserView> {
  const parsed = await simpleParser(message, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true, skipImageLinks: true });
  return {
    headerNames: parsed.headerLines.map((l) => l.key),
    recipients: { to: flat(parsed.to), cc: flat(parsed.cc), bcc: flat(parsed.bcc) },
    subject: parsed.subject,
    messageId: parsed.messageId,
  };
}
