// Sending profiles are data with a source for every figure, matched to an account by its provider (domain,
// custom domain on Google's or Microsoft's servers, SMTP host), and overridden by the account's own limits.
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PROFILE,
  limitsOf,
  matchProfile,
  profileForBundled,
  SENDING_PROFILES,
} from '../../../electron/core/providers/sending-profiles';
import { sendingProfileSchema, sendingProfilesFileSchema } from '../../../electron/core/providers/sending-profiles-schema';
import data from '../../../electron/core/providers/sending-profiles.json';
import { lookupDomain, lookupMx } from '../../../electron/core/autodetect/bundled';

const smtp = (host: string) => ({
  host,
  port: 587,
  security: 'starttls' as const,
  insecure: false,
  user: 'u',
  authMethod: 'auto' as const,
});

describe('sending profiles', () => {
  it('reads the data file as its schema parses it (the check the app no longer runs at every start)', () => {
    expect(SENDING_PROFILES).toEqual(sendingProfilesFileSchema.parse(data));
  });

  it('refuses data that the schema does not describe: a figure without a source, an unknown field, a plain-HTTP source', () => {
    const gmail = data.profiles.find((p) => p.id === 'gmail')!;
    const noSource = { ...gmail, sources: gmail.sources.map((s) => ({ ...s, covers: s.covers.filter((c) => c !== 'messagesPerDay') })) };
    expect(sendingProfileSchema.safeParse(noSource).success).toBe(false);
    expect(sendingProfileSchema.safeParse({ ...gmail, messagesPerHour: 20 }).success).toBe(false);
    const http = { ...gmail, sources: gmail.sources.map((s) => ({ ...s, url: 'http://support.google.com/' })) };
    expect(sendingProfileSchema.safeParse(http).success).toBe(false);
    expect(sendingProfileSchema.safeParse(gmail).success).toBe(true);
  });

  it('covers the big providers, each figure with its source, and a default for unknown servers', () => {
    const ids = SENDING_PROFILES.profiles.map((p) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gmail',
        'google-workspace',
        'microsoft-365',
        'outlook-com',
        'yahoo',
        'icloud',
        'fastmail',
        'zoho',
        'gmx-webde',
      ]),
    );
    for (const profile of [...SENDING_PROFILES.profiles, DEFAULT_PROFILE]) {
      for (const field of ['maxConnections', 'messagesPerMinute', 'recipientsPerMessage', 'messagesPerDay', 'recipientsPerDay'] as const) {
        expect(
          profile.sources.some((s) => s.covers.includes(field)),
          `${profile.id}.${field} has a source`,
        ).toBe(true);
      }
    }
    // What the providers publish, as the data file cites it.
    expect(limitsOf({ email: 'a@contoso.com', smtp: smtp('smtp.office365.com') })).toMatchObject({
      maxConnections: 3,
      messagesPerMinute: 30,
      recipientsPerMessage: 500,
      recipientsPerDay: 10_000,
      filesSentCopy: true,
    });
    expect(limitsOf({ email: 'a@example.com', smtp: smtp('smtp.gmail.com') })).toMatchObject({
      profileId: 'google-workspace',
      messagesPerDay: 2000,
      recipientsPerDay: 10_000,
      recipientsPerMessage: 100,
    });
    expect(limitsOf({ email: 'a@icloud.com', smtp: smtp('smtp.mail.me.com') })).toMatchObject({
      messagesPerDay: 1000,
      recipientsPerDay: 1000,
      recipientsPerMessage: 500,
    });
  });

  it('tells Gmail from Google Workspace and Outlook.com from Microsoft 365, by domain, MX or SMTP host', () => {
    expect(matchProfile({ email: 'ann@gmail.com', smtpHost: 'smtp.gmail.com' })?.id).toBe('gmail');
    expect(matchProfile({ email: 'ann@googlemail.com', smtpHost: 'smtp.gmail.com.' })?.id).toBe('gmail');
    expect(matchProfile({ email: 'ann@contoso.example', smtpHost: 'smtp.gmail.com' })?.id).toBe('google-workspace');
    expect(matchProfile({ email: 'ann@outlook.com', smtpHost: 'smtp-mail.outlook.com' })?.id).toBe('outlook-com');
    expect(matchProfile({ email: 'ann@contoso.example', smtpHost: 'SMTP.Office365.com' })?.id).toBe('microsoft-365');
    expect(matchProfile({ email: 'ann@fastmail.com', smtpHost: 'smtp.fastmail.com' })?.id).toBe('fastmail');
    // A custom domain recognised by its MX, as the autodetection does it.
    const google = lookupMx(['aspmx.l.google.com'])!;
    expect(profileForBundled(google.provider.id, 'mx')?.id).toBe('google-workspace');
    const microsoft = lookupMx(['contoso-com.mail.protection.outlook.com'])!;
    expect(profileForBundled(microsoft.provider.id, 'mx')?.id).toBe('microsoft-365');
    expect(profileForBundled(lookupDomain('gmail.com')!.id, 'domain')?.id).toBe('gmail');
  });

  it("applies a provider's limits only to its own servers: a Gmail address through a relay or a test server is not paced as Gmail", () => {
    expect(matchProfile({ email: 'ann@gmail.com', smtpHost: '127.0.0.1' })).toBeUndefined();
    expect(limitsOf({ email: 'ann@gmail.com', smtp: smtp('relay.example.com') }).profileId).toBe('default');
    expect(limitsOf({ email: 'ann@gmail.com', smtp: smtp('relay.example.com'), sendingProfile: 'gmail' }).profileId).toBe('gmail');
  });

  it("lets the account's own limits win over its profile's (a paid plan, a company relay)", () => {
    const limits = limitsOf({
      email: 'a@contoso.com',
      smtp: smtp('smtp.office365.com'),
      limits: { maxConnections: 1, recipientsPerDay: 2000, messagesPerMinute: 10 },
    });
    expect(limits).toMatchObject({ maxConnections: 1, recipientsPerDay: 2000, messagesPerMinute: 10, recipientsPerMessage: 500 });
  });
});
