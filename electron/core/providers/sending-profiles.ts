// Provider sending profiles as data (sending-profiles.json, its shape held by sending-profiles-schema.ts in
// a test): how many connections, how fast and how much a provider takes from one mailbox, matched to an
// account by domain, MX or SMTP host.
import type { AccountProfile, SendingLimitsOverride } from '../../shared/account';
import { lookupBundledDomain } from '../autodetect/bundled-domains';
import type { SendingProfile, SendingProfilesFile } from './sending-profiles-schema';
import data from './sending-profiles.json';

export type { SendingProfile } from './sending-profiles-schema';

type ProfileData = Omit<SendingProfile, 'bundled' | 'domains' | 'via' | 'smtpHosts'> & Partial<SendingProfile>;

/** The schema's defaults, applied the way its parse would (the test holds the two equal). */
function withDefaults(profile: ProfileData): SendingProfile {
  return {
    ...profile,
    bundled: profile.bundled ?? [],
    domains: profile.domains ?? [],
    via: profile.via ?? 'any',
    smtpHosts: profile.smtpHosts ?? [],
  };
}

const file = data as { about: string; default: ProfileData; profiles: ProfileData[] };
/** Read as data at load, without zod: sending-profiles.test.ts parses the file with the schema and compares. */
export const SENDING_PROFILES: SendingProfilesFile = {
  about: file.about,
  default: withDefaults(file.default),
  profiles: file.profiles.map(withDefaults),
};
export const DEFAULT_PROFILE = SENDING_PROFILES.default;

/** What the engine paces an account by: its profile with the account's own overrides applied. */
export interface SendingLimits {
  profileId: string;
  /** The provider's name for messages ("Gmail"). */
  name: string;
  maxConnections: number;
  messagesPerMinute: number | null;
  recipientsPerMessage: number;
  messagesPerDay: number | null;
  recipientsPerDay: number | null;
  filesSentCopy: boolean;
}

/** Every profile's id, the default's first: what an account may be set to. */
export function profileIds(): string[] {
  return [DEFAULT_PROFILE.id, ...SENDING_PROFILES.profiles.map((p) => p.id)];
}

export function profileById(id: string | undefined): SendingProfile | undefined {
  if (!id) return undefined;
  if (id === DEFAULT_PROFILE.id) return DEFAULT_PROFILE;
  return SENDING_PROFILES.profiles.find((p) => p.id === id);
}

/**
 * The profile for a provider the autodetection recognised: its bundled id, and whether by the address's own
 * domain or by the domain's MX hosts (a custom domain hosted by Google gets Google Workspace's profile).
 */
export function profileForBundled(bundledId: string, via: 'domain' | 'mx'): SendingProfile | undefined {
  const candidates = SENDING_PROFILES.profiles.filter((p) => p.bundled.includes(bundledId));
  return candidates.find((p) => p.via === via) ?? candidates.find((p) => p.via === 'any');
}

function hostMatches(host: string, pattern: string): boolean {
  return host === pattern || host.endsWith(`.${pattern}`);
}

/**
 * The profile for an account without a stored one (added before profiles existed, or by hand), by its SMTP
 * server: a provider's limits apply to the provider's own submission service, not to a relay in between.
 * smtp.gmail.com for an address that is not Gmail's own is a Google Workspace domain. Undefined: the default.
 */
export function matchProfile(input: { email: string; smtpHost: string }): SendingProfile | undefined {
  const domain = input.email.slice(input.email.lastIndexOf('@') + 1).toLowerCase();
  const host = input.smtpHost.trim().toLowerCase().replace(/\.$/, '');
  const byHost = SENDING_PROFILES.profiles.find((p) => p.smtpHosts.some((h) => hostMatches(host, h)));
  if (!byHost) return undefined;
  if (byHost.id !== 'gmail') return byHost;
  const bundled = lookupBundledDomain(domain);
  return bundled && profileForBundled(bundled.id, 'domain')?.id === 'gmail' ? byHost : profileById('google-workspace');
}

/** The account's stored profile, or the one its address and server point to, or the default. */
export function profileOf(account: Pick<AccountProfile, 'email' | 'smtp' | 'sendingProfile'>): SendingProfile {
  return profileById(account.sendingProfile) ?? matchProfile({ email: account.email, smtpHost: account.smtp.host }) ?? DEFAULT_PROFILE;
}

export function limitsOf(
  account: Pick<AccountProfile, 'email' | 'smtp' | 'sendingProfile'> & { limits?: SendingLimitsOverride | undefined },
): SendingLimits {
  const profile = profileOf(account);
  const own = account.limits ?? {};
  return {
    profileId: profile.id,
    name: profile.name,
    maxConnections: own.maxConnections ?? profile.maxConnections,
    messagesPerMinute: own.messagesPerMinute ?? profile.messagesPerMinute,
    recipientsPerMessage: own.recipientsPerMessage ?? profile.recipientsPerMessage,
    messagesPerDay: own.messagesPerDay ?? profile.messagesPerDay,
    recipientsPerDay: own.recipientsPerDay ?? profile.recipientsPerDay,
    filesSentCopy: profile.filesSentCopy,
  };
}
