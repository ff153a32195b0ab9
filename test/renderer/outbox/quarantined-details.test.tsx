// @vitest-environment happy-dom
// A quarantined message on the Outbox screen: labelled Damaged, its details say why it was not sent and what to
// do, and the only action offered is Delete (it can never be sent, retried, edited or paused).
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, expect, it } from 'vitest';
import { App } from '../../../renderer/src/app';
import { appApi, summary } from './fake-api';

afterEach(cleanup);

const reason = 'Its stored copy changed on disk after it was queued (now 400 KB, was 800 KB); it was not sent.';
const damaged = summary('qx', {
  state: 'quarantined',
  subject: 'Quarterly report',
  quarantine: { reason, at: '2030-01-01T10:05:00.000Z', file: '/data/spool/quarantine/qx.msg' },
  lastError: {
    code: 'SPOOL_CORRUPT',
    message: reason,
    next: 'Write it again, or delete it.',
    retryable: false,
    detail: 'qx.msg: 409792 bytes, expected 819585',
  },
});

it('shows a damaged message with its reason and next step, and offers Delete only', async () => {
  const fake = appApi({ messages: [damaged] });
  render(<App api={fake.api} />);
  await waitFor(() => expect(document.querySelector('.app__main')?.getAttribute('aria-busy')).toBe('false'));
  const row = screen.getByRole('option', { name: /Quarterly report/ });
  expect(row.textContent).toContain('Damaged');
  fireEvent.click(row);
  const details = screen.getByRole('region', { name: /Quarterly report/ });
  const why = within(details).getByRole('heading', { name: 'Why it was not sent' }).parentElement!;
  expect(why.textContent).toContain(reason);
  expect(why.textContent).toContain('Write it again, or delete it.');
  const actions = within(screen.getByRole('group', { name: 'Actions' }))
    .getAllByRole('button')
    .map((b) => b.textContent);
  expect(actions).toEqual(['Delete']);
  fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
  fireEvent.click(screen.getByRole('button', { name: 'Delete message' }));
  await waitFor(() => expect(fake.calls['outbox:remove']).toHaveBeenCalledWith('qx'));
});
