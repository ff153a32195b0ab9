import { describe, expect, it } from 'vitest';
import type { OutboxSummary } from '../../electron/shared/ipc-contract';
import { outboxSummary, recipientsLine, sortMessages, stateDetail, waitingCount, withProgress } from '../../renderer/src/outbox-view';

function message(id: string, fields: Partial<OutboxSummary> = {}): OutboxSummary {
  return {
    id,
    accountId: 'ann-example-com',
    state: 'queued',
    messageId: `<${id}@example.com>`,
    subject: id,
    from: 'ann@example.com',
    to: ['bob@example.com'],
    cc: [],
    bccCount: 0,
    envelope: { from: 'ann@example.com', to: ['bob@example.com'] },
    size: 100,
    createdAt: '2030-01-01T10:00:00.000Z',
    attemptCount: 0,
    ...fields,
  };
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
    expect(waitingCount([message('a'), message('b', { state: 'sent' }), message('c', { state: 'failed' }), message('d', { state: 'held' })])).toBe(2);
  });

  it('shows why a message failed, in the catalogue’s words', () => {
    const failed = message('f', {
      state: 'failed',
      lastError: { code: 'SMTP_AUTH', message: 'The mail server refused the user name or password.', next: 'Check the password.', retryable: false },
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
    expect(outboxSummary([message('a', { state: 'sent' })])).toBe('All sent');
    expect(outboxSummary([message('a', { state: 'failed' }), message('b', { state: 'sent' })])).toBe('1 failed');
    expect(outboxSummary([message('a'), message('b', { state: 'failed' })])).toBe('1 waiting, 1 failed');
  });
});
