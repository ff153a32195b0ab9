// The well-known providers and custom domains hosted by Google or Microsoft, answered from the bundled data
// alone: any attempt to open a socket or fetch fails these tests.
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BundledProviders, lookupDomain, lookupMx } from '../../../electron/core/autodetect/bundled';
import { candidatesFromProvider, parseEmailAddress } from '../../../electron/core/autodetect/candidates';
import type { EmailAddress } from '../../../electron/core/autodetect/candidates';
import type { ProviderConfig } from '../../../electron/core/autodetect/types';

function email(address: string): EmailAddress {
  const parsed = parseEmailAddress(address);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
}

function bestSmtp(address: string) {
  const e = email(address);
  const provider = lookupDomain(e.domain);
  expect(provider, e.domain).toBeDefined();
  return candidatesFromProvider(provider!, e, 'bundled').filter((c) => c.protocol === 'smtp');
}

beforeEach(() => {
  const offline = (): never => {
    throw new Error('the bundled lookup touched the network');
  };
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(offline);
  vi.spyOn(globalThis, 'fetch').mockImplementation(offline);
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('well-known providers, with no network', () => {
  it('gmail.com: smtp.gmail.com on 465 with implicit TLS, OAuth2 or password', () => {
    const [first, ...rest] = bestSmtp('Ann.Example@Gmail.com');
    expect(first).toMatchObject({
      host: 'smtp.gmail.com',
      port: 465,
      security: 'tls',
      username: 'Ann.Example@gmail.com',
      auth: ['oauth2', 'password'],
      insecure: false,
    });
    expect(rest).toEqual([]);
    expect(lookupDomain('gmail.com')?.oauth2?.issuer).toBe('accounts.google.com');
  });

  it('outlook.com: smtp-mail.outlook.com on 587 with STARTTLS and OAuth2', () => {
    expect(lookupDomain('outlook.com')?.displayName).toMatch(/Outlook/);
    expect(bestSmtp('ann@outlook.com')[0]).toMatchObject({
      host: 'smtp-mail.outlook.com',
      port: 587,
      security: 'starttls',
      username: 'ann@outlook.com',
      auth: ['oauth2'],
    });
  });

  it('yahoo.com: smtp.mail.yahoo.com on 465 with implicit TLS', () => {
    expect(bestSmtp('ann@yahoo.com')[0]).toMatchObject({
      host: 'smtp.mail.yahoo.com',
      port: 465,
      security: 'tls',
      username: 'ann@yahoo.com',
    });
  });

  it('icloud.com: smtp.mail.me.com on 587 with STARTTLS, the full address as SMTP user and the local part for IMAP', () => {
    const e = email('ann@icloud.com');
    const candidates = candidatesFromProvider(lookupDomain('icloud.com')!, e, 'bundled');
    expect(candidates[0]).toMatchObject({
      protocol: 'smtp',
      host: 'smtp.mail.me.com',
      port: 587,
      security: 'starttls',
      username: 'ann@icloud.com',
    });
    expect(candidates.find((c) => c.protocol === 'imap')).toMatchObject({
      host: 'imap.mail.me.com',
      port: 993,
      security: 'tls',
      username: 'ann',
    });
  });

  it('gmx.net: mail.gmx.net on 465 (implicit TLS) first, then 587 (STARTTLS)', () => {
    expect(bestSmtp('ann@gmx.net').map((c) => `${c.host}:${c.port}/${c.security}`)).toEqual([
      'mail.gmx.net:465/tls',
      'mail.gmx.net:587/starttls',
    ]);
  });

  it('resolves a provider whose servers are named after the domain (inbox.eu: mail.%EMAILDOMAIN%)', () => {
    const [first] = bestSmtp('ann@inbox.eu');
    expect(first).toMatchObject({ host: 'mail.inbox.eu', port: 465, security: 'tls' });
    expect(first?.notes.at(-1)).toMatch(/: inbox\.eu$/);
  });

  it('answers nothing for a domain it does not know, or for garbage', () => {
    expect(lookupDomain('example.org')).toBeUndefined();
    expect(lookupDomain('')).toBeUndefined();
    expect(lookupDomain('not a domain')).toBeUndefined();
  });

  it('ignores case and a trailing dot', () => {
    expect(lookupDomain('GMAIL.COM.')?.id).toBe(lookupDomain('gmail.com')?.id);
  });
});

describe('custom domains recognised by their MX hosts', () => {
  it('a Google Workspace domain (MX aspmx.l.google.com) is Gmail', () => {
    const match = lookupMx(['aspmx.l.google.com', 'alt1.aspmx.l.google.com']);
    expect(match).toMatchObject({ mxHost: 'aspmx.l.google.com', matchedDomain: 'google.com' });
    const candidates = candidatesFromProvider(match!.provider, email('ann@example-workspace.com'), 'bundled-mx');
    expect(candidates[0]).toMatchObject({
      host: 'smtp.gmail.com',
      port: 465,
      security: 'tls',
      username: 'ann@example-workspace.com',
      source: 'bundled-mx',
    });
    expect(candidates[0]?.notes.join(' ')).toMatch(/mail server \(MX\)/);
  });

  it('a Microsoft 365 domain (MX contoso-com.mail.protection.outlook.com) is Microsoft 365, not consumer Outlook.com', () => {
    const match = lookupMx(['contoso-com.mail.protection.outlook.com']);
    expect(match).toMatchObject({ matchedDomain: 'mail.protection.outlook.com' });
    expect(match?.provider.displayName).toBe('Microsoft 365');
    const candidates = candidatesFromProvider(match!.provider, email('ann@contoso.com'), 'bundled-mx');
    expect(candidates[0]).toMatchObject({ host: 'smtp.office365.com', port: 587, security: 'starttls', username: 'ann@contoso.com' });
  });

  it('takes the first MX host that matches, in the order given', () => {
    expect(lookupMx(['mx.unknown-host.example', 'mx00.gmx.net.', 'aspmx.l.google.com'])).toMatchObject({
      mxHost: 'mx00.gmx.net',
      matchedDomain: 'gmx.net',
    });
  });

  it('never matches on a public suffix alone, and returns nothing for unknown or empty MX lists', () => {
    const data = { source: 'test', providers: [provider('co.uk', ['co.uk'])] };
    expect(new BundledProviders(data).lookupMx(['mx.someone.co.uk'])).toBeUndefined();
    expect(lookupMx(['mx1.mail-host.example'])).toBeUndefined();
    expect(lookupMx([])).toBeUndefined();
    expect(lookupMx(['', '.', 'has space.example'])).toBeUndefined();
  });
});

describe('IDN domains', () => {
  it('finds a provider listed in punycode from the Unicode form, by domain and by MX', () => {
    const bundled = new BundledProviders({ source: 'test', providers: [provider('idn', ['xn--nicode-2ya.example'])] });
    expect(bundled.lookupDomain('ünicode.example')?.id).toBe('idn');
    expect(bundled.lookupDomain('ÜNICODE.EXAMPLE')?.id).toBe('idn');
    expect(bundled.lookupMx(['mx.ünicode.example'])?.provider.id).toBe('idn');
  });

  it('looks an IDN address up without a crash, and finds nothing for an unknown one', () => {
    const e = email('anna@ünicode.example');
    expect(e.domain).toBe('xn--nicode-2ya.example');
    expect(lookupDomain(e.domain)).toBeUndefined();
  });
});

function provider(id: string, domains: string[]): ProviderConfig {
  return {
    id,
    displayName: id,
    domains,
    smtp: [
      { protocol: 'smtp', host: `smtp.${domains[0]}`, port: 465, security: 'tls', auth: ['password'], usernameTemplate: '%EMAILADDRESS%' },
    ],
    imap: [],
  };
}
