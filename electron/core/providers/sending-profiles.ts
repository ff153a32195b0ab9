// Provider sending profiles as data (sending-profiles.json, validated at load): how many connections, how
// fast and how much a provider takes from one mailbox, matched to an account by domain, MX or SMTP host.
import * as z from 'zod';
import type { AccountProfile, SendingLimitsOverride } from '../../shared/account';
import { lookupBundledDomain } from '../autodetect/bundled-domains';
import data from './sending-profiles.json';

const LIMIT_FIELDS = ['maxConnections', 'messagesPerMinute', 'recipientsPerMessage', 'messagesPerDay', 'recipientsPerDay'] as const;
const FIELDS = [...LIMIT_FIELDS, 'filesSentCopy', 'signIn'] as const;

const count = z.number().int().positive();
const profileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9-]{1,40}$/),
    /** As people know it: "Gmail's daily limit reached". */
    name: z.string().min(1),
    /** Bundled provider ids (providers.json) this profile covers. */
    bundled: z.array(z.string()).default([]),
    /** Address domains not in the bundled data. */
    domains: z.array(z.string()).default([]),
    /** 'domain': the address's own domain is the provider's; 'mx': a custom domain whose MX is the provider's; 'any'. */
    via: z.enum(['domain', 'mx', 'any']).default('any'),
    smtpHosts: z.array(z.string()).default([]),
    maxConnections: count,
    messagesPerMinute: count.nullable(),
    recipientsPerMessage: count,
    /** Rolling 24 hours, as every provider here counts them. */
    messagesPerDay: count.nullable(),
    recipientsPerDay: count.nullable(),
    /** The server files every message submitted over SMTP in the Sent folder itself. */
    filesSentCopy: z.boolean(),
    signIn: z.array(z.enum(['password', 'app-password', 'oauth2'])).min(1),
    sources: z
      .array(
        z.strictObject({
          url: z.union([z.url({ protocol: /^https$/ }), z.literal('outbox')]),
          covers: z.array(z.enum(FIELDS)).min(1),
          note: z.string().optional(),
        }),
      )
      .min(1),
  })
  // Every figure says where it comes from.
  .refine(
    (p) => FIELDS.every((field) => field === 'filesSentCopy' || field === 'signIn' || p.sources.some((s) => s.covers.includes(field))),
    {
      message: 'every limit needs a source',
    },
  );
export type SendingProfile = z.infer<typeof profileSchema>;

const fileSchema = z.strictObject({ about: z.string(), default: profileSchema, profiles: z.array(profileSchema).min(1) });

/** Parsed once at load: a broken entry fails every test, not one user's flush. */
export const SENDING_PROFILES = fileSchema.parse(data);
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
