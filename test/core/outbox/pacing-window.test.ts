// The rolling 24-hour count behind a provider's daily allowance, against a plain model that sums every send still
// inside the window: whatever mix of accepted, partly accepted and refused sends, and however time moves, the
// count the engine keeps (and shows) is the model's, and a send that would pass the recipients' allowance waits.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, Pacing } from '../../../electron/core/outbox/pacing';
import type { SendingLimits } from '../../../electron/core/providers/sending-profiles';
import type { SendRequest, SendResult } from '../../../electron/core/ports';
import { account } from './harness';

type Step = { kind: 'send'; to: number; accepted: number | 'all' | 'none' } | { kind: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('send' as const),
    to: fc.integer({ min: 1, max: 6 }),
    accepted: fc.oneof(fc.constant('all' as const), fc.constant('none' as const), fc.integer({ min: 0, max: 6 })),
  }),
  fc.record({
    kind: fc.constant('wait' as const),
    ms: fc.oneof(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 1, max: 2 * DAY_MS })),
  }),
);

function limits(recipientsPerDay: number | null): SendingLimits {
  return {
    profileId: 'test',
    name: 'Test provider',
    maxConnections: 2,
    messagesPerMinute: null,
    recipientsPerMessage: 100,
    messagesPerDay: null,
    recipientsPerDay,
    filesSentCopy: false,
  };
}

function resultFor(to: string[], accepted: number | 'all' | 'none'): SendResult {
  if (accepted === 'all') return { outcome: 'sent', reply: '250 ok', transcript: [] };
  if (accepted === 'none') return { outcome: 'temporary', transcript: [] };
  const n = Math.min(accepted, to.length);
  if (n === 0) return { outcome: 'temporary', transcript: [] };
  return {
    outcome: 'partial',
    transcript: [],
    recipients: to.map((address, i) => ({ address, accepted: i < n, reply: i < n ? '250 ok' : '450 later' })),
  };
}

describe('the rolling 24-hour count', () => {
  it('equals the sum of the sends still in the window, through accepted, partial and refused sends and time passing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 60 }),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
        async (steps, perDay) => {
          let now = Date.UTC(2026, 0, 1);
          const acct = account('acct');
          const pacing = new Pacing({
            clock: { now: () => now, setTimer: () => ({ cancel() {} }) },
            records: () => [],
            limitsFor: () => limits(perDay),
          });
          let next: SendResult = { outcome: 'sent', transcript: [] };
          const sender = pacing.wrap({ send: async () => next, reset() {}, close: async () => {} });
          const model: { at: number; recipients: number }[] = [];
          for (const s of steps) {
            if (s.kind === 'wait') {
              now += s.ms;
              continue;
            }
            const to = Array.from({ length: s.to }, (_, i) => `r${i}@example.test`);
            next = resultFor(to, s.accepted);
            const inWindow = model.filter((m) => m.at > now - DAY_MS);
            const used = inWindow.reduce((n, m) => n + m.recipients, 0);
            const request = {
              account: acct,
              credentials: null,
              envelope: { from: 'a@example.test', to },
              size: 10,
            } as unknown as SendRequest;
            const result = await sender.send(request);
            if (perDay !== null && s.to <= perDay && used + s.to > perDay) {
              // Over the allowance: it waits, nothing is sent or counted.
              expect(result.throttle?.action).toBe('pause-until');
            } else if (result.throttle?.action === 'pause-until') {
              // Paused by an earlier send of this run (the pause holds until the window frees up).
              expect(perDay).not.toBeNull();
            } else if (next.outcome === 'sent' || next.outcome === 'partial') {
              const accepted = next.recipients ? next.recipients.filter((r) => r.accepted).length : s.to;
              model.push({ at: now, recipients: Math.max(1, accepted) });
            }
            const expected = model.filter((m) => m.at > now - DAY_MS);
            expect(pacing.usage(acct.id)).toEqual({
              messages: expected.length,
              recipients: expected.reduce((n, m) => n + m.recipients, 0),
            });
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
