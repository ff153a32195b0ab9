// The words people read about a paced account, in the outbox command, the notifications and the Outbox screen.
import { describe, expect, it } from 'vitest';
import type { OutboxMessage } from '../../../electron/shared/message';
import { pacingFromMessages, pacingText } from '../../../electron/shared/pacing-text';
import { pacingLines } from '../../../renderer/src/outbox/pacing-banner';

const now = new Date(2026, 11, 3, 16, 30);
const tomorrow1405 = new Date(2026, 11, 4, 14, 5).toISOString();

function waiting(id: string, throttled: boolean, accountId = 'work'): OutboxMessage {
  return {
    id,
    accountId,
    state: 'queued',
    messageId: `<${id}@x>`,
    subject: id,
    from: 'a@x',
    to: ['b@x'],
    cc: [],
    bccCount: 0,
    envelope: { from: 'a@x', to: ['b@x'] },
    size: 10,
    createdAt: now.toISOString(),
    ...(throttled ? { nextAttemptAt: tomorrow1405 } : {}),
    attempts: throttled
      ? [
          {
            at: now.toISOString(),
            durationMs: 3,
            outcome: 'temporary',
            transcript: [],
            throttle: { action: 'pause-until', provider: 'Gmail', until: tomorrow1405, rule: 'gmail-daily-limit' },
          },
        ]
      : [],
  };
}

describe('pacing text', () => {
  it('says when a daily limit frees up, counting every message that waits for the account', () => {
    const list = [
      ...Array.from({ length: 30 }, (_, i) => waiting(`t${i}`, true)),
      ...Array.from({ length: 7 }, (_, i) => waiting(`n${i}`, false)),
      waiting('other', false, 'home'),
    ];
    const [only, ...rest] = pacingFromMessages(list, now);
    expect(rest).toEqual([]);
    expect(only!.text).toBe("Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow");
    // The Outbox screen reads the same from the list's summaries.
    const summaries = list.map((m) => ({ ...m, lastAttempt: m.attempts.at(-1) }));
    expect(pacingLines(summaries, now)).toEqual([
      { accountId: 'work', text: "Gmail's daily limit reached: 37 messages will leave after 14:05 tomorrow" },
    ]);
  });

  it('says when Microsoft asks for fewer connections', () => {
    expect(pacingText({ accountId: 'w', kind: 'fewer-connections', provider: 'Microsoft', connections: 1 }, 12, now)).toBe(
      'Microsoft asks for fewer connections: sending one at a time',
    );
    expect(pacingText({ accountId: 'w', kind: 'fewer-connections', provider: 'Microsoft', connections: 2 }, 12, now)).toBe(
      'Microsoft asks for fewer connections: sending 2 at a time',
    );
  });

  it('says nothing for an account that sends normally', () => {
    expect(pacingFromMessages([waiting('a', false)], now)).toEqual([]);
  });
});
