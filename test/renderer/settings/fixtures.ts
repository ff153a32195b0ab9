// What the settings tests answer with: a detected SMTP candidate, the domain advice found beside it, and a saved
// account with IMAP and Sent copies. The fake `window.outbox` itself is test/renderer/fake-api.ts.
import type { AccountProfile } from '../../../electron/shared/account';
import type { Candidate, HealthAdvice } from '../../../electron/shared/autodetect';

export function candidate(overrides: Partial<Candidate> = {}): Candidate {
  return {
    protocol: 'smtp',
    host: 'smtp.example.com',
    port: 465,
    security: 'tls',
    username: 'ann@example.com',
    auth: ['password'],
    source: 'bundled',
    insecure: false,
    notes: [],
    ...overrides,
  };
}

export const HEALTH: HealthAdvice[] = [
  {
    check: 'spf',
    level: 'ok',
    message: 'SPF names the servers allowed to send for example.com.',
    record: 'v=spf1 include:_spf.example.com ~all',
  },
  { check: 'dmarc', level: 'warning', message: 'No DMARC record: publish one so receivers know what to do with forged mail.' },
];

export function profile(overrides: Partial<AccountProfile> = {}): AccountProfile {
  return {
    id: 'ann-example-com',
    name: 'Ann',
    email: 'ann@example.com',
    smtp: { host: 'smtp.example.com', port: 465, security: 'tls', insecure: false, user: 'ann@example.com', authMethod: 'auto' },
    imap: { host: 'imap.example.com', port: 993, security: 'tls', insecure: false, separateSecret: false },
    sentCopy: { enabled: true },
    signIn: { kind: 'password' },
    status: 'ok',
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}
