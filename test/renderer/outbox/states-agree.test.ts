// The renderer keeps its own copy of the shared state tables (it may only `import type` from electron/):
// the copy must say what shared/message-states says, for every state, hold reason and delivery.
import { describe, expect, it } from 'vitest';
import * as shared from '../../../electron/shared/message-states';
import type { RecipientStatus } from '../../../electron/shared/message';
import * as view from '../../../renderer/src/outbox/outbox-view';
import { summary } from './fake-api';

describe("the screen's view of message states", () => {
  it('has the same groups, finished states and actions per state as the shared module', () => {
    expect(view.STATE_GROUP).toEqual(shared.STATE_GROUP);
    expect(view.FINISHED_STATES).toEqual(shared.FINISHED_STATES);
    expect(view.STATE_ACTIONS).toEqual(shared.STATE_ACTIONS);
  });

  it('allows the same actions for every state, hold reason and recipient mix', () => {
    const mixes: (RecipientStatus[] | undefined)[] = [
      undefined,
      [{ address: 'a@x.test', state: 'pending' }],
      [
        { address: 'a@x.test', state: 'delivered' },
        { address: 'b@x.test', state: 'deferred' },
      ],
    ];
    for (const state of shared.MESSAGE_STATES) {
      for (const holdReason of [undefined, 'user', 'account'] as const) {
        for (const recipients of mixes) {
          for (const undoUntil of [undefined, '2030-01-01T10:00:10.000Z']) {
            const subject = {
              state,
              ...(holdReason ? { holdReason } : {}),
              ...(recipients ? { recipients } : {}),
              ...(undoUntil ? { undoUntil } : {}),
            };
            for (const action of shared.MESSAGE_ACTIONS)
              expect([state, holdReason, undoUntil, action, view.allows(subject, action)]).toEqual([
                state,
                holdReason,
                undoUntil,
                action,
                shared.allows(subject, action),
              ]);
          }
        }
      }
    }
  });

  it('counts as waiting what the tray counts: every unfinished state, not quarantined mail', () => {
    const list = shared.MESSAGE_STATES.map((state) => summary(state, { state }));
    expect(view.waitingCount(list)).toBe(shared.UNFINISHED_STATES.length);
    expect(
      view
        .filterMessages(list, { accountId: null, state: 'waiting' })
        .map((m) => m.state)
        .sort(),
    ).toEqual([...shared.UNFINISHED_STATES].sort());
  });
});

describe('where the recipients stand, in words', () => {
  const next = '2030-01-01T14:05:00.000Z';
  const recipients: RecipientStatus[] = [
    { address: 'r1@x.test', state: 'delivered', reply: '250 2.0.0 Ok: queued as A1' },
    { address: 'r2@x.test', state: 'delivered' },
    { address: 'r3@x.test', state: 'delivered' },
    { address: 'r4@x.test', state: 'deferred', reply: '450 4.2.0 Greylisted', nextAttemptAt: next },
    { address: 'r5@x.test', state: 'deferred', reply: '450 4.2.0 Greylisted', nextAttemptAt: next },
  ];
  const partly = summary('p1', { state: 'queued', nextAttemptAt: next, recipients, delivery: shared.deliveryProgress(recipients) });

  it('says "Delivered to 3 of 5, 2 waiting (next try …)" for a partly delivered message', () => {
    expect(view.stateDetail(partly)).toBe(`Delivered to 3 of 5, 2 waiting (next try ${view.formatTime(next)})`);
    expect(view.deliveryText(partly, Date.parse(next) + 1)).toBe('Delivered to 3 of 5, 2 waiting');
  });

  it('says nothing extra when every recipient shares the message state', () => {
    const all: RecipientStatus[] = recipients.map((r) => ({ ...r, state: 'delivered' }));
    expect(view.stateDetail(summary('s', { state: 'sent', sentAt: next, recipients: all, delivery: shared.deliveryProgress(all) }))).toBe(
      `Sent ${view.formatTime(next)}`,
    );
    const waiting: RecipientStatus[] = recipients.map((r) => ({ ...r, state: 'deferred' }));
    expect(view.deliveryText(summary('w', { recipients: waiting, delivery: shared.deliveryProgress(waiting) }))).toBeNull();
    // Refused everywhere: the failure's own words say it, not "Delivered to 0 of 1".
    const refused: RecipientStatus[] = recipients.map((r) => ({ ...r, state: 'refused' }));
    const failed = summary('f', { state: 'failed', recipients: refused, delivery: shared.deliveryProgress(refused) });
    expect(view.deliveryText(failed)).toBeNull();
  });

  it('keeps refused and given-up recipients in view on a sent message, with a row per recipient', () => {
    const done: RecipientStatus[] = [
      { address: 'a@x.test', state: 'delivered' },
      { address: 'b@x.test', state: 'refused', reply: '550 5.1.1 User unknown' },
      { address: 'c@x.test', state: 'failed', reply: '450 4.2.0 Mailbox busy' },
    ];
    const sent = summary('s2', { state: 'sent', sentAt: next, recipients: done, delivery: shared.deliveryProgress(done) });
    expect(view.stateDetail(sent)).toBe(`Sent ${view.formatTime(next)} · Delivered to 1 of 3, 1 refused, 1 not delivered`);
    expect(view.mixedRecipients(sent)).toEqual([
      { address: 'a@x.test', result: 'Delivered' },
      { address: 'b@x.test', result: 'Refused', reply: '550 5.1.1 User unknown' },
      { address: 'c@x.test', result: 'Not delivered', reply: '450 4.2.0 Mailbox busy' },
    ]);
  });
});
