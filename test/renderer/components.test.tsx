// Renders the components to markup (no DOM needed) to check what a user reads.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { OutboxSummary } from '../../electron/shared/ipc-contract';
import { App } from '../../renderer/src/app';
import { MessageList } from '../../renderer/src/message-list';
import { EmptyState, OfflineBanner } from '../../renderer/src/notices';

const failed: OutboxSummary = {
  id: 'm-1',
  accountId: 'ann-example-com',
  state: 'failed',
  messageId: '<m-1@example.com>',
  subject: '',
  from: 'ann@example.com',
  to: ['bob@example.com'],
  cc: [],
  bccCount: 0,
  envelope: { from: 'ann@example.com', to: ['bob@example.com'] },
  size: 100,
  createdAt: '2030-01-01T10:00:00.000Z',
  attemptCount: 0,
  lastError: {
    code: 'SMTP_RECIPIENT',
    message: 'The mail server refused one or more recipients.',
    next: 'Check the spelling of the refused addresses and send again to them.',
    retryable: false,
    reply: '550 5.1.1 <bob@example.com>: Recipient address rejected',
  },
};

describe('renderer components', () => {
  it('show a failed message with its badge, cause, next step and the server reply', () => {
    const html = renderToStaticMarkup(<MessageList messages={[failed]} />);
    expect(html).toContain('badge--failed');
    expect(html).toContain('>Failed<');
    expect(html).toContain('(no subject)');
    expect(html).toContain('The mail server refused one or more recipients.');
    expect(html).toContain('Check the spelling');
    expect(html).toContain('550 5.1.1');
  });

  it('tell a new user to add an account first', () => {
    const html = renderToStaticMarkup(<EmptyState hasAccount={false} />);
    expect(html).toContain('Welcome to Outbox');
    expect(html).toContain('outbox account add');
  });

  it('say that an empty outbox with an account is all sent', () => {
    expect(renderToStaticMarkup(<EmptyState hasAccount />)).toContain('Nothing waiting to be sent');
  });

  it('announce being offline as a status', () => {
    expect(renderToStaticMarkup(<OfflineBanner />)).toMatch(/role="status".*offline/);
  });

  it('explain themselves when opened outside the app', () => {
    expect(renderToStaticMarkup(<App api={undefined} />)).toContain('Open this page from the Outbox app');
  });
});
