// Recent-address suggestions for the recipient fields: who was written to lately, matched against what is typed.
// Newest first, one entry per address (case-insensitive); prefix matches rank above matches inside a word.
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';
import { parseMailbox, type Recipient } from './addresses';

export const MAX_SUGGESTIONS = 6;

/** Everyone the outbox holds messages to (To and Cc, newest message first), then `extra` (chips typed here). */
export function recentRecipients(
  messages: readonly Pick<OutboxSummary, 'to' | 'cc' | 'createdAt'>[],
  extra: readonly string[] = [],
): Recipient[] {
  // ISO times sort as strings; a plain comparison is much cheaper than localeCompare over 10,000 messages.
  const newest = [...messages].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  return withExtra(unique(newest.flatMap((m) => [...m.to, ...m.cc])), extra);
}

/** The pool with `extra` addresses added after it, skipping those it already has: cheap enough for every chip change. */
export function withExtra(pool: readonly Recipient[], extra: readonly string[]): Recipient[] {
  if (extra.length === 0) return [...pool];
  const seen = new Set(pool.map((r) => r.address.toLowerCase()));
  return [...pool, ...unique(extra).filter((r) => !seen.has(r.address.toLowerCase()))];
}

function unique(texts: readonly string[]): Recipient[] {
  const seen = new Set<string>();
  const out: Recipient[] = [];
  for (const text of texts) {
    const recipient = parseMailbox(text);
    if (!recipient) continue;
    const key = recipient.address.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(recipient);
  }
  return out;
}

/** Up to six recipients matching `query` by name or address, skipping the ones already chosen. */
export function suggest(pool: readonly Recipient[], query: string, chosen: readonly string[] = [], limit = MAX_SUGGESTIONS): Recipient[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const taken = new Set(chosen.map((c) => (parseMailbox(c)?.address ?? c).toLowerCase()));
  const scored: { recipient: Recipient; score: number; order: number }[] = [];
  pool.forEach((recipient, order) => {
    if (taken.has(recipient.address.toLowerCase())) return;
    const score = matchScore(recipient, q);
    if (score !== null) scored.push({ recipient, score, order });
  });
  return scored
    .sort((a, b) => a.score - b.score || a.order - b.order)
    .slice(0, limit)
    .map((s) => s.recipient);
}

// 0: the address or the name starts with it; 1: a word of the name does; 2: it occurs anywhere; null: no match.
function matchScore(recipient: Recipient, q: string): number | null {
  const address = recipient.address.toLowerCase();
  const name = (recipient.name ?? '').toLowerCase();
  if (address.startsWith(q) || name.startsWith(q)) return 0;
  if (name.split(/\s+/).some((word) => word.startsWith(q))) return 1;
  if (address.includes(q) || name.includes(q)) return 2;
  return null;
}
