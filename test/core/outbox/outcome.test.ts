import { describe, expect, it } from 'vitest';
import { recordOutcome } from '../../../electron/core/outbox/outcome';
import type { MessageRecord } from '../../../electron/core/outbox/record';
import type { SendResult } from '../../../electron/core/ports';

const T0 = Date.parse('2026-11-27T10:00:00Z');

function record(): MessageRecord {
  return {
    id: 'm',
    accountId: 'a',
    state: 'sending',
    messageId: '<m@x>',
    subject: 's',
    from: 'a@x.org',
    to: ['b@x.org'],
    cc: [],
    bccCount: 0,
    envelope: { from: 'a@x.org', to: ['b@x.org', 'c@x.org'] },
    size: 1,
    createdAt: new Date(T0).toISOString(),
    attempts: [],
    bodyOffset: 0,
    bodyLength: 1,
    sha256: '',
    location: 'queue',
  };
}

const busy: SendResult = {
  outcome: 'temporary',
  transcript: ['S: 451 4.3.0 later'],
  error: { code: 'SMTP_TEMPORARY', message: 'busy', next: 'wait', retryable: true, reply: '451 4.3.0 later', responseCode: 451 },
};
const ctx = (over: Partial<Parameters<typeof recordOutcome>[2]> = {}) => ({
  startedAt: T0,
  now: T0 + 500,
  previousState: 'queued' as const,
  lifetimeMs: 5 * 86_400_000,
  online: true,
  ...over,
});

describe('what an attempt does to a message', () => {
  it('records a partial send as sent, keeping the refused recipient and the server reply in view', () => {
    const r = record();
    const partial: SendResult = {
      outcome: 'partial',
      transcript: [],
      recipients: [
        { address: 'b@x.org', accepted: true },
        { address: 'c@x.org', accepted: false, reply: '550 5.1.1 no such user', responseCode: 550 },
      ],
      error: {
        code: 'SMTP_RECIPIENT',
        message: 'refused',
        next: 'check',
        retryable: false,
        reply: '550 5.1.1 no such user',
        responseCode: 550,
      },
    };
    expect(recordOutcome(r, partial, ctx())).toBe('sent');
    expect(r.state).toBe('sent');
    expect(r.location).toBe('sent');
    expect(r.lastError?.reply).toBe('550 5.1.1 no such user');
    expect(r.attempts[0]!.recipients?.find((x) => !x.accepted)?.address).toBe('c@x.org');
  });

  it('schedules the first retry within a minute and keeps the server reply', () => {
    const r = record();
    expect(recordOutcome(r, busy, ctx({ random: () => 1 }))).toBe('retry');
    expect(r.state).toBe('queued');
    const wait = Date.parse(r.nextAttemptAt!) - (T0 + 500);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60_000);
    expect(r.lastError?.reply).toBe('451 4.3.0 later');
    expect(r.firstAttemptAt).toBe(new Date(T0).toISOString());
  });

  it('fails a message whose lifetime is over, with the last reply, counting from its first real attempt', () => {
    const r = record();
    r.firstAttemptAt = new Date(T0 - 5 * 86_400_000).toISOString();
    expect(recordOutcome(r, busy, ctx())).toBe('failed');
    expect(r.lastError).toMatchObject({ code: 'LIFETIME_EXPIRED', reply: '451 4.3.0 later', responseCode: 451 });
    expect(r.nextAttemptAt).toBeUndefined();
  });

  it('does not count a network failure while offline as an attempt', () => {
    const r = record();
    const dropped: SendResult = {
      outcome: 'temporary',
      transcript: [],
      error: { code: 'NETWORK_REFUSED', message: 'refused', next: 'x', retryable: true },
    };
    expect(recordOutcome(r, dropped, ctx({ online: false }))).toBe('offline');
    expect(r.attempts).toEqual([]);
    expect(r.state).toBe('queued');
    expect(recordOutcome(r, dropped, ctx({ online: true }))).toBe('retry');
    expect(r.attempts).toHaveLength(1);
  });

  it('leaves a refused sign-in to the account and fails a refused message at once', () => {
    const auth = record();
    expect(
      recordOutcome(
        auth,
        {
          outcome: 'auth',
          transcript: [],
          error: { code: 'SMTP_AUTH', message: 'no', next: 'fix', retryable: false, reply: '535 5.7.8 bad', responseCode: 535 },
        },
        ctx({ previousState: 'scheduled' }),
      ),
    ).toBe('auth');
    expect(auth.state).toBe('scheduled');
    const refused = record();
    expect(
      recordOutcome(
        refused,
        {
          outcome: 'permanent',
          transcript: [],
          error: { code: 'SMTP_REJECTED', message: 'no', next: 'x', retryable: false, reply: '554 5.7.1 spam', responseCode: 554 },
        },
        ctx(),
      ),
    ).toBe('failed');
    expect(refused.state).toBe('failed');
    expect(refused.lastError?.reply).toBe('554 5.7.1 spam');
  });
});
