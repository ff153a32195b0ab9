// From a provider's servers to ranked candidates for one address: templates, ranking, and the reasons given.
import { describe, expect, it } from 'vitest';
import { candidatesFromProvider, parseEmailAddress, rankCandidates, resolveTemplate } from '../../../electron/core/autodetect/candidates';
import type { EmailAddress } from '../../../electron/core/autodetect/candidates';
import type { Candidate, ProviderConfig, ServerConfig } from '../../../electron/core/autodetect/types';

function email(address: string): EmailAddress {
  const parsed = parseEmailAddress(address);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function smtp(port: number, security: ServerConfig['security'], extra: Partial<ServerConfig> = {}): ServerConfig {
  return { protocol: 'smtp', host: 'smtp.example.com', port, security, auth: ['password'], usernameTemplate: '%EMAILADDRESS%', ...extra };
}

function providerWith(servers: ServerConfig[]): ProviderConfig {
  return {
    id: 'example.com',
    displayName: 'Example Mail',
    domains: ['example.com'],
    smtp: servers.filter((s) => s.protocol === 'smtp'),
    imap: servers.filter((s) => s.protocol === 'imap'),
  };
}

describe('parseEmailAddress', () => {
  it('splits at the last @ and lower-cases the domain only', () => {
    expect(parseEmailAddress(' "a@b"@Example.COM ')).toEqual({
      ok: true,
      value: { address: '"a@b"@example.com', localPart: '"a@b"', domain: 'example.com' },
    });
  });

  it('turns an IDN domain into punycode', () => {
    expect(email('anna@ünicode.example')).toEqual({
      address: 'anna@xn--nicode-2ya.example',
      localPart: 'anna',
      domain: 'xn--nicode-2ya.example',
    });
  });

  it.each([
    ['no @', 'ann.example.com', /has no @/],
    ['nothing before the @', '@example.com', /nothing before the @/],
    ['no domain', 'ann@', /no domain after the @/],
    ['a single-label domain', 'ann@localhost', /not a valid domain/],
    ['spaces in the domain', 'ann@exa mple.com', /not a valid domain/],
  ])('gives a reason for %s', (_name, input, reason) => {
    const result = parseEmailAddress(input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe('resolveTemplate', () => {
  it('fills in the address, its local part and its domain', () => {
    const e = email('ann@example.com');
    expect(resolveTemplate('%EMAILADDRESS%', e)).toBe('ann@example.com');
    expect(resolveTemplate('%EMAILLOCALPART%', e)).toBe('ann');
    expect(resolveTemplate('%EMAILLOCALPART%.%EMAILDOMAIN%', e)).toBe('ann.example.com');
    expect(resolveTemplate('mail.%EMAILDOMAIN%', e)).toBe('mail.example.com');
  });
});

describe('candidatesFromProvider', () => {
  it('ranks implicit TLS before STARTTLS, submission ports before 25, plaintext last and marked insecure', () => {
    const provider = providerWith([
      smtp(25, 'none'),
      smtp(25, 'starttls'),
      smtp(587, 'starttls'),
      smtp(2525, 'starttls'),
      smtp(465, 'tls'),
      { protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', auth: ['password'] },
    ]);

    const candidates = candidatesFromProvider(provider, email('ann@example.com'), 'bundled');

    expect(candidates.map((c) => `${c.protocol}:${c.port}/${c.security}`)).toEqual([
      'smtp:465/tls',
      'smtp:587/starttls',
      'smtp:2525/starttls',
      'smtp:25/starttls',
      'smtp:25/none',
      'imap:993/tls',
    ]);
    expect(candidates.map((c) => c.insecure)).toEqual([false, false, false, false, true, false]);
    const plain = candidates[4]!;
    expect(plain.notes.join(' ')).toMatch(/insecure, not recommended/);
    expect(candidates[0]!.notes.join(' ')).toMatch(/implicit TLS/);
    expect(candidates[1]!.notes.join(' ')).toMatch(/STARTTLS/);
    expect(candidates[3]!.notes.join(' ')).toMatch(/port 25: .*often blocked/);
  });

  it('resolves the user name and a templated host, and falls back to the full address with a note', () => {
    const provider = providerWith([
      smtp(465, 'tls', { host: 'mail.%EMAILDOMAIN%', usernameTemplate: '%EMAILLOCALPART%' }),
      { protocol: 'imap', host: 'imap.example.com', port: 993, security: 'tls', auth: ['password'] },
    ]);

    const [out, inc] = candidatesFromProvider(provider, email('Ann@Example.com'), 'autoconfig');

    expect(out).toMatchObject({ host: 'mail.example.com', username: 'Ann', source: 'autoconfig' });
    expect(inc).toMatchObject({ username: 'Ann@example.com' });
    expect(inc!.notes.join(' ')).toMatch(/gives no user name; using the full address/);
  });

  it('drops duplicate servers and notes the sign-in methods and where the setting came from', () => {
    const provider = providerWith([smtp(587, 'starttls', { auth: ['oauth2'] }), smtp(587, 'starttls')]);

    const candidates = candidatesFromProvider(provider, email('ann@example.com'), 'bundled-mx');

    expect(candidates).toHaveLength(1);
    expect(candidates[0]!.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(/OAuth2/), expect.stringMatching(/mail server \(MX\): Example Mail$/)]),
    );
  });
});

describe('rankCandidates', () => {
  const base: Candidate = {
    protocol: 'smtp',
    host: 'h',
    port: 587,
    security: 'starttls',
    auth: ['password'],
    username: 'u',
    source: 'probe',
    insecure: false,
    notes: [],
  };

  it('puts servers that take a sign-in before those that do not, and verified before guessed', () => {
    const noAuth = { ...base, host: 'no-auth', auth: [] };
    const guessed = { ...base, host: 'guessed' };
    const verified = { ...base, host: 'verified', verified: { startTls: true, authMechanisms: ['PLAIN'] } };

    expect(rankCandidates([noAuth, guessed, verified]).map((c) => c.host)).toEqual(['verified', 'guessed', 'no-auth']);
  });

  it('keeps the given order for equal candidates and does not modify its input', () => {
    const input = [
      { ...base, host: 'a' },
      { ...base, host: 'b' },
    ];
    expect(rankCandidates(input).map((c) => c.host)).toEqual(['a', 'b']);
    expect(input.map((c) => c.host)).toEqual(['a', 'b']);
  });
});
