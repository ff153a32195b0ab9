// The outbox list's pure logic: ordering, words per state, filters and counts, and events applied without a reload.
import { describe, expect, it } from 'vitest';
import type { OutboxSummary } from '../../../electron/shared/ipc-contract';
import {
  actionsFor,
  applyEvents,
  filterMessages,
  outboxSummary,
  recipientsLine,
  sentCopyDetail,
  sortMessages,
  stateCounts,
  stateDetail,
  toSummary,
  waitingCount,
  withProgress,
} from '../../../renderer/src/outbox/outbox-view';
import { full, summary } from './fake-api';

/** A summary whose subject is its id, so orderings read plainly. */
function message(id: string, fields: Partial<OutboxSummary> = {}): OutboxSummary {
  return summary(id, { subject: id, size: 100, ...fields });
}

describe('the outbox list', () => {
  it('puts messages that need the user first, then the newest', () => {
    const sorted = sortMessages([
      message('old-sent', { state: 'sent', createdAt: '2030-01-01T08:00:00.000Z' }),
      message('queued'),
      message('failed', { state: 'failed' }),
      message('new-sent', { state: 'sent', createdAt: '2030-01-02T08:00:00.000Z' }),
      message('held', { state: 'held' }),
    ]);
    expect(sorted.map((m) => m.id)).toEqual(['failed', 'held', 'queued', 'new-sent', 'old-sent']);
  });

  it('counts what is still on its way', () => {
    expect(
      waitingCount([message('a'), message('b', { state: 'sent' }), message('c', { state: 'failed' }), message('d', { state: 'held' })]),
    ).toBe(2);
  });

  it('shows why a message failed, in the catalogue’s words', () => {
    const failed = message('f', {
      state: 'failed',
      lastError: {
        code: 'SMTP_AUTH',
        message: 'The mail server refused the user name or password.',
        next: 'Check the password.',
        retryable: false,
      },
    });
    expect(stateDetail(failed)).toBe('The mail server refused the user name or password.');
  });

  it('shows sending progress as a percentage', () => {
    const [sending] = withProgress([message('s', { state: 'sending' })], 's', 512, 1024);
    expect(sending && stateDetail(sending)).toBe('Sending… 50%');
  });

  it('explains held messages by their reason', () => {
    expect(stateDetail(message('h', { state: 'held', holdReason: 'account' }))).toMatch(/sign-in/);
    expect(stateDetail(message('h', { state: 'held', holdReason: 'user' }))).toBe('Paused by you');
  });

  it('shortens long recipient lists and counts Bcc without naming them', () => {
    const many = message('m', { to: ['a@x.org', 'b@x.org', 'c@x.org'], cc: ['d@x.org'], bccCount: 2 });
    expect(recipientsLine(many)).toBe('a@x.org, b@x.org, c@x.org and 1 more + 2 Bcc');
    expect(recipientsLine(message('b', { to: [], bccCount: 1 }))).toBe('+ 1 Bcc');
  });

  it('never says "All sent" while a message has failed', () => {
    expect(outboxSummary([])).toBe('No messages yet');
    expect(outboxSummary([message('a', { state: 'sent' })])).toBe('All sent');
    expect(outboxSummary([message('a', { state: 'failed' }), message('b', { state: 'sent' })])).toBe('1 failed');
    expect(outboxSummary([message('a'), message('b', { state: 'failed' })])).toBe('1 waiting, 1 failed');
  });

  it('applies a burst of events in one pass: new rows sorted in, removed rows gone, progress kept while sending', () => {
    const list = sortMessages([message('a', { createdAt: '2030-01-01T08:00:00.000Z' }), message('b', { state: 'sending' })]);
    const next = applyEvents(list, [
      { type: 'progress', id: 'b', sent: 10, total: 100 },
      { type: 'changed', message: full('c', { state: 'failed', createdAt: '2030-01-03T08:00:00.000Z' }) },
      { type: 'removed', id: 'a' },
      { type: 'changed', message: full('b', { state: 'sending' }) },
    ]);
    expect(next.map((m) => m.id)).toEqual(['c', 'b']);
    expect(next[1]?.progress).toEqual({ sent: 10, total: 100 });
    // A finished send drops its progress bar.
    const sent = applyEvents(next, [{ type: 'changed', message: full('b', { state: 'sent' }) }]);
    expect(sent.find((m) => m.id === 'b')?.progress).toBeUndefined();
  });

  it('carries no transcript in the list', () => {
    const attempt = { at: '2030-01-01T10:00:00.000Z', durationMs: 5, outcome: 'sent' as const, transcript: ['S: 250 ok'] };
    const row = toSummary(full('t', { attempts: [attempt, attempt] }));
    expect(row.attemptCount).toBe(2);
    expect(row.lastAttempt).toEqual({ at: attempt.at, durationMs: 5, outcome: 'sent' });
    expect('attempts' in row).toBe(false);
  });

  it('filters by account and state, and counts each state filter', () => {
    const list = [
      message('a'),
      message('b', { state: 'held', accountId: 'work' }),
      message('c', { state: 'failed' }),
      message('d', { state: 'scheduled' }),
    ];
    expect(filterMessages(list, { accountId: null, state: 'waiting' }).map((m) => m.id)).toEqual(['a', 'b', 'd']);
    expect(filterMessages(list, { accountId: 'work', state: 'all' }).map((m) => m.id)).toEqual(['b']);
    expect(stateCounts(list, null)).toEqual({ all: 4, waiting: 3, failed: 1, sent: 0, held: 1, scheduled: 1 });
  });

  it('finds messages by words in the subject, sender or recipients, every word required, case ignored', () => {
    const list = [
      message('a', { subject: 'Quarterly numbers', to: ['Bob <bob@example.com>'] }),
      message('b', { subject: 'Lunch', to: ['carol@example.org'], cc: ['Bob <bob@example.com>'] }),
      message('c', { subject: 'Invoice 117', to: ['dave@example.net'], state: 'failed' }),
    ];
    expect(filterMessages(list, { accountId: null, state: 'all', text: 'bob' }).map((m) => m.id)).toEqual(['a', 'b']);
    expect(filterMessages(list, { accountId: null, state: 'all', text: 'BOB lunch' }).map((m) => m.id)).toEqual(['b']);
    expect(filterMessages(list, { accountId: null, state: 'all', text: '  ' }).map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(filterMessages(list, { accountId: null, state: 'failed', text: 'invoice' }).map((m) => m.id)).toEqual(['c']);
    expect(stateCounts(list, null, 'example.org')).toMatchObject({ all: 1, failed: 0 });
    expect(stateCounts(list, null, 'example.net')).toMatchObject({ all: 1, failed: 1 });
  });

  it('offers each action only in the states where the engine accepts it', () => {
    expect(actionsFor({ state: 'sending' })).toEqual({
      sendNow: false,
      retry: false,
      edit: false,
      pause: false,
      cancel: false,
      remove: false,
      undo: false,
    });
    expect(actionsFor({ state: 'queued' })).toEqual({
      sendNow: true,
      retry: true,
      edit: true,
      pause: true,
      cancel: true,
      remove: true,
      undo: false,
    });
    expect(actionsFor({ state: 'failed' })).toEqual({
      sendNow: false,
      retry: true,
      edit: true,
      pause: false,
      cancel: false,
      remove: true,
      undo: false,
    });
    expect(actionsFor({ state: 'held', holdReason: 'user' })).toEqual({
      sendNow: true,
      retry: true,
      edit: true,
      pause: false,
      cancel: true,
      remove: true,
      undo: false,
    });
    // Held for its account: sending now would only be held again; Retry tries the sign-in again.
    expect(actionsFor({ state: 'held', holdReason: 'account' })).toEqual({
      sendNow: false,
      retry: true,
      edit: true,
      pause: false,
      cancel: true,
      remove: true,
      undo: false,
    });
    expect(actionsFor({ state: 'sent' })).toEqual({
      sendNow: false,
      retry: false,
      edit: false,
      pause: false,
      cancel: false,
      remove: true,
      undo: false,
    });
    expect(actionsFor({ state: 'quarantined' })).toEqual({
      sendNow: false,
      retry: false,
      edit: false,
      pause: false,
      cancel: false,
      remove: true,
      undo: false,
    });
    // Some recipients have it: an edited copy would reach them again.
    expect(actionsFor({ state: 'queued', recipients: [{ state: 'delivered' }, { state: 'deferred' }] }).edit).toBe(false);
    // Undo send: only while the undo window is marked (it goes when the first attempt starts).
    expect(actionsFor({ state: 'scheduled', undoUntil: '2030-01-01T10:00:10.000Z' }).undo).toBe(true);
    expect(actionsFor({ state: 'held', holdReason: 'user', undoUntil: '2030-01-01T10:00:10.000Z' }).undo).toBe(false);
  });

  it('says when the copy in the Sent folder is not saved', () => {
    const error = { code: 'IMAP_QUOTA' as const, message: 'The mailbox is full.', next: 'Free some space.', retryable: true };
    expect(sentCopyDetail(message('s', { state: 'sent', sentCopy: { state: 'failed', attempts: 3, error } }))).toBe(
      'Copy to Sent failed: The mailbox is full.',
    );
    expect(sentCopyDetail(message('s', { state: 'sent', sentCopy: { state: 'saved', attempts: 1 } }))).toBeNull();
  });
});
