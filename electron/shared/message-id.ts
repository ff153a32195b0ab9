// The msg-id inside a Message-ID header value, shared by raw input (which stores it bare) and the Sent
// copy (which searches the folder for it, also for messages stored before ids were made bare).

/**
 * The msg-id of a Message-ID value (RFC 5322 §3.6.4): comments and folding whitespace around it
 * dropped, `<left@right>` kept. Null when there is none.
 */
export function bareMessageId(value: string): string | null {
  let depth = 0;
  let escaped = false;
  let rest = '';
  for (const c of value) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (depth > 0) {
      if (c === '\\') escaped = true;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      continue;
    }
    if (c === '(') depth++;
    else rest += c;
  }
  const match = /^\s*(<[^<>\s@]+@[^<>\s@]+>)\s*$/.exec(rest);
  return match ? match[1]! : null;
}
