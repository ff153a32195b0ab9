// Recipient addresses as Compose handles them: splitting typed or pasted text into mailboxes, and checking each one.
// Pure functions; the main process checks again before anything is sent.

/** A mailbox split into its parts; `display` is how a chip shows it ("Bob <bob@example.com>" or the bare address). */
export interface Recipient {
  name?: string;
  address: string;
  display: string;
}

// local@domain with a dot inside the domain: no spaces, no brackets, no quotes or separators anywhere.
const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)+$/;
const NAMED = /^(.*?)\s*<([^<>]*)>$/;

/**
 * Splits text at commas, semicolons and line breaks that are not inside quotes or angle brackets, so
 * `"Doe, Jane" <j@x.org>; b@y.org` gives two mailboxes. Empty pieces are dropped.
 */
export function splitAddresses(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of text) {
    if (ch === '"' && !angle) quoted = !quoted;
    else if (ch === '<' && !quoted) angle = true;
    else if (ch === '>' && !quoted) angle = false;
    if (!quoted && !angle && (ch === ',' || ch === ';' || ch === '\n' || ch === '\r')) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p !== '');
}

/** Parses "Name <a@b.c>" or "a@b.c"; undefined when it is not a valid mailbox. */
export function parseMailbox(text: string): Recipient | undefined {
  const value = text.trim();
  const named = NAMED.exec(value);
  if (named) {
    const address = (named[2] ?? '').trim();
    const name = (named[1] ?? '')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    if (!ADDRESS.test(address) || /[<>]/.test(name)) return undefined;
    return name ? { name, address, display: `${name} <${address}>` } : { address, display: address };
  }
  return ADDRESS.test(value) ? { address: value, display: value } : undefined;
}

export function isValidMailbox(text: string): boolean {
  return parseMailbox(text) !== undefined;
}

/** The address part, lower-cased, for telling two mailboxes apart; the whole text when it does not parse. */
export function addressKey(text: string): string {
  return (parseMailbox(text)?.address ?? text.trim()).toLowerCase();
}

/** A mailbox written the way headers want it: a name with separators in it is quoted. */
export function formatMailbox(recipient: { name?: string; address: string }): string {
  if (!recipient.name) return recipient.address;
  const name = /[,;"]/.test(recipient.name) ? `"${recipient.name.replace(/"/g, '')}"` : recipient.name;
  return `${name} <${recipient.address}>`;
}
