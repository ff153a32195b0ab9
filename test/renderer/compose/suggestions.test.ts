// Recent-address suggestions: who comes first, and who is left out.
import { describe, expect, it } from 'vitest';
import { recentRecipients, suggest, withExtra } from '../../../renderer/src/compose/suggestions';

const messages = [
  { createdAt: '2030-01-01T10:00:00Z', to: ['Old Bob <bob@example.com>'], cc: [] },
  { createdAt: '2030-03-01T10:00:00Z', to: ['Bob Newer <BOB@example.com>', 'carol@example.org'], cc: ['Dan Roberts <dan@example.net>'] },
  { createdAt: '2030-02-01T10:00:00Z', to: ['not an address'], cc: ['erin@example.com'] },
];

describe('recent recipients', () => {
  it('lists newest first, once per address whatever its case, skipping what is not an address', () => {
    expect(recentRecipients(messages, ['zoe@example.com', 'carol@EXAMPLE.org']).map((r) => r.display)).toEqual([
      'Bob Newer <BOB@example.com>',
      'carol@example.org',
      'Dan Roberts <dan@example.net>',
      'erin@example.com',
      'zoe@example.com',
    ]);
  });

  it("adds the chips typed here after the outbox's addresses, once each, leaving the pool itself alone", () => {
    const pool = recentRecipients(messages);
    const merged = withExtra(pool, ['zoe@example.com', 'ERIN@example.com', 'Zoe Again <zoe@example.com>', 'nope']);
    expect(merged.map((r) => r.address)).toEqual([...pool.map((r) => r.address), 'zoe@example.com']);
    expect(pool.map((r) => r.address)).not.toContain('zoe@example.com');
  });

  it('ranks prefix matches before word and substring matches, and skips chosen ones', () => {
    const pool = recentRecipients(messages);
    expect(suggest(pool, 'rob').map((r) => r.address)).toEqual(['dan@example.net']);
    expect(suggest(pool, 'b').map((r) => r.address)).toEqual(['BOB@example.com', 'dan@example.net']);
    expect(suggest(pool, 'example.com').map((r) => r.address)).toEqual(['BOB@example.com', 'erin@example.com']);
    expect(suggest(pool, 'b', ['bob@example.com']).map((r) => r.address)).toEqual(['dan@example.net']);
    expect(suggest(pool, '  ')).toEqual([]);
  });

  it('offers at most six', () => {
    const many = Array.from({ length: 10 }, (_, i) => ({
      createdAt: `2030-01-${String(i + 10)}T00:00:00Z`,
      to: [`user${i}@example.com`],
      cc: [],
    }));
    expect(suggest(recentRecipients(many), 'user')).toHaveLength(6);
  });
});
