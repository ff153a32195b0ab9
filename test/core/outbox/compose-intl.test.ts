// Composed messages and internationalised addresses: the envelope carries A-label domains, and a non-ASCII
// local part is refused at once when the account's server was last seen without SMTPUTF8.
import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../electron/core/outbox/composer';
import { composeRequestSchema } from '../../../electron/shared/message';
import { account } from './harness';

const date = new Date('2026-11-27T10:00:00Z');
const request = (to: string[]) => composeRequestSchema().parse({ to, subject: 's', text: 'hi' });

describe('composeMessage and internationalised addresses', () => {
  it('puts A-label domains in the envelope and keeps the header as typed', async () => {
    const composed = await composeMessage(request(['Bob <bob@bücher.test>']), account('c', { email: 'ann@müller.test' }), date);
    composed.body.destroy();
    expect(composed.envelope).toEqual({ from: 'ann@xn--mller-kva.test', to: ['bob@xn--bcher-kva.test'] });
    expect(composed.messageId).toMatch(/@xn--mller-kva\.test>$/);
  });

  it('refuses a non-ASCII local part when the server is known without SMTPUTF8, and queues it when not known', async () => {
    const known = account('k', { smtp: { ...account().smtp, smtpUtf8: false } });
    await expect(composeMessage(request(['用户@example.test']), known, date)).rejects.toMatchObject({ code: 'SMTP_UTF8_UNSUPPORTED' });
    const unknown = await composeMessage(request(['用户@example.test']), account(), date);
    unknown.body.destroy();
    expect(unknown.envelope.to).toEqual(['用户@example.test']);
  });
});
