// Provider definitions are data: the built-ins validate, a new provider is one more entry,
// and the account's client id overrides the build's.
import { describe, expect, it } from 'vitest';
import {
  getProvider,
  oauthProviderSchema,
  PROVIDERS,
  resolveClientId,
  resolveClientSecret,
  scopesFor,
} from '../../../electron/core/oauth/providers';

describe('OAuth providers', () => {
  it('asks Google for full mail access and an offline refresh token', () => {
    const google = PROVIDERS.google;
    expect(google.scopes).toEqual(['https://mail.google.com/']);
    expect(google.extraAuthParams).toMatchObject({ access_type: 'offline' });
    expect(google.smtp).toEqual({ host: 'smtp.gmail.com', port: 465, security: 'tls' });
    expect(google.imap.host).toBe('imap.gmail.com');
  });

  it('asks Microsoft for SMTP.Send and offline_access, and for IMAP only when the account reads its mailbox', () => {
    const microsoft = PROVIDERS.microsoft;
    expect(scopesFor(microsoft, { imap: false })).toEqual(['https://outlook.office.com/SMTP.Send', 'offline_access']);
    expect(scopesFor(microsoft, { imap: true })).toEqual([
      'https://outlook.office.com/SMTP.Send',
      'https://outlook.office.com/IMAP.AccessAsUser.All',
      'offline_access',
    ]);
    // Google's one scope covers SMTP and IMAP.
    expect(scopesFor(PROVIDERS.google, { imap: true })).toEqual(['https://mail.google.com/']);
    expect(microsoft.smtp).toEqual({ host: 'smtp.office365.com', port: 587, security: 'starttls' });
    expect(getProvider('microsoft')).toBe(microsoft);
    expect(getProvider('toString')).toBeUndefined();
  });

  it("sends Google's Desktop-app secret with its own client id only, and never a secret to Microsoft's public client", () => {
    const ids = { google: 'built-in.apps.googleusercontent.com', microsoft: 'ms-public-client' };
    const secrets = { google: 'GOCSPX-built-in', microsoft: 'should-never-be-sent' };
    expect(resolveClientSecret(PROVIDERS.google, {}, secrets, ids)).toBe('GOCSPX-built-in');
    expect(resolveClientSecret(PROVIDERS.google, { clientId: 'built-in.apps.googleusercontent.com' }, secrets, ids)).toBe(
      'GOCSPX-built-in',
    );
    // An account with its own client: the build's secret belongs to another client.
    expect(resolveClientSecret(PROVIDERS.google, { clientId: 'own.apps.googleusercontent.com' }, secrets, ids)).toBeUndefined();
    expect(
      resolveClientSecret(PROVIDERS.google, { clientId: 'own.apps.googleusercontent.com', clientSecret: ' GOCSPX-own ' }, secrets, ids),
    ).toBe('GOCSPX-own');
    expect(resolveClientSecret(PROVIDERS.microsoft, { clientSecret: 'anything' }, secrets, ids)).toBeUndefined();
    expect(resolveClientSecret(PROVIDERS.google, {}, {}, ids)).toBeUndefined();
  });

  it('validates a new provider written as data and rejects a broken one', () => {
    const entry = {
      id: 'fastmail',
      name: 'Example',
      authorizationEndpoint: 'https://auth.example.com/authorize',
      tokenEndpoint: 'https://auth.example.com/token',
      scopes: ['mail'],
      smtp: { host: 'smtp.example.com', port: 465, security: 'tls' },
      imap: { host: 'imap.example.com', port: 993, security: 'tls' },
    };
    expect(oauthProviderSchema.parse(entry)).toMatchObject({
      extraAuthParams: {},
      scopeOnRefresh: false,
      imapScopes: [],
      clientSecret: 'none',
    });
    expect(oauthProviderSchema.safeParse({ ...entry, tokenEndpoint: 'not a url' }).success).toBe(false);
    expect(oauthProviderSchema.safeParse({ ...entry, scopes: [] }).success).toBe(false);
  });

  it("prefers the account's client id over the build's", () => {
    const config = { google: 'built-in.apps.googleusercontent.com' };
    expect(resolveClientId('google', undefined, config)).toBe('built-in.apps.googleusercontent.com');
    expect(resolveClientId('google', '  own-id  ', config)).toBe('own-id');
    expect(resolveClientId('google', '', config)).toBe('built-in.apps.googleusercontent.com');
    expect(resolveClientId('microsoft', null, config)).toBeUndefined();
  });
});
