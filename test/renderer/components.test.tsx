// Renders the small components to markup (no DOM needed) to check what a user reads.
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { OutboxSummary } from '../../electron/shared/ipc-contract';
import { App } from '../../renderer/src/app';
import { MessageList } from '../../renderer/src/outbox/message-list';
import { AttentionBanner, EmptyState, ErrorBanner, OfflineBanner } from '../../renderer/src/outbox/notices';
import { account } from './fake-api';
import { summary } from './outbox/fake-api';

const failed: OutboxSummary = summary('m-1', {
  state: 'failed',
  subject: '',
  size: 100,
  lastError: {
    code: 'SMTP_RECIPIENT',
    message: 'The mail server refused one or more recipients.',
    next: 'Check the spelling of the refused addresses and send again to them.',
    retryable: false,
    reply: '550 5.1.1 <bob@example.com>: Recipient address rejected',
  },
});

const none = (): void => undefined;

describe('renderer components', () => {
  it('show a failed message row with its badge, "(no subject)" and the cause', () => {
    const html = renderToStaticMarkup(<MessageList messages={[failed]} selectedId={null} onSelect={none} />);
    expect(html).toContain('badge--failed');
    expect(html).toContain('>Failed<');
    expect(html).toContain('(no subject)');
    expect(html).toContain('The mail server refused one or more recipients.');
  });

  it("show an error as cause, next step, the server's reply verbatim and the code", () => {
    const html = renderToStaticMarkup(<ErrorBanner error={failed.lastError!} />);
    expect(html).toMatch(/role="alert"/);
    expect(html).toContain('Check the spelling');
    expect(html).toContain('<pre class="outbox-reply">550 5.1.1 &lt;bob@example.com&gt;: Recipient address rejected</pre>');
    expect(html).toContain('SMTP_RECIPIENT');
  });

  it('tell a new user to add an account first, with a button for it', () => {
    const html = renderToStaticMarkup(<EmptyState hasAccount={false} onAddAccount={none} onWrite={none} />);
    expect(html).toContain('Welcome to Outbox');
    expect(html).toContain('Add your account</button>');
  });

  it('offer to write a message when the outbox is empty', () => {
    const html = renderToStaticMarkup(<EmptyState hasAccount onAddAccount={none} onWrite={none} />);
    expect(html).toContain('Nothing waiting to be sent');
    expect(html).toContain('Write a message</button>');
  });

  it('announce being offline as a status, with how many messages wait', () => {
    expect(renderToStaticMarkup(<OfflineBanner waiting={1} />)).toMatch(
      /role="status".*You are offline.*1 message waits and leaves by itself/,
    );
    expect(renderToStaticMarkup(<OfflineBanner waiting={3} />)).toContain('3 messages wait and leave by themselves');
  });

  it('ask to sign in again only for accounts that need it, keeping the server reply', () => {
    expect(renderToStaticMarkup(<AttentionBanner accounts={[account()]} onOpenAccounts={none} />)).toBe('');
    const html = renderToStaticMarkup(
      <AttentionBanner accounts={[account({ status: 'needs-sign-in', statusReason: 'invalid_grant' })]} onOpenAccounts={none} />,
    );
    expect(html).toContain('Sign in again to ann@example.com.');
    expect(html).toContain('<pre class="outbox-reply">invalid_grant</pre>');
  });

  it('explain themselves when opened outside the app', () => {
    expect(renderToStaticMarkup(<App api={undefined} />)).toContain('Open this page from the Outbox app');
  });
});
