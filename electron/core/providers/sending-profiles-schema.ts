// The shape of sending-profiles.json, checked by its test rather than at every start: the data ships with the
// build, so a broken entry fails CI, and a command that paces a send does not build and run zod over it first.
import * as z from 'zod';

const LIMIT_FIELDS = ['maxConnections', 'messagesPerMinute', 'recipientsPerMessage', 'messagesPerDay', 'recipientsPerDay'] as const;
export const PROFILE_FIELDS = [...LIMIT_FIELDS, 'filesSentCopy', 'signIn'] as const;

const count = z.number().int().positive();
export const sendingProfileSchema = z
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
          covers: z.array(z.enum(PROFILE_FIELDS)).min(1),
          note: z.string().optional(),
        }),
      )
      .min(1),
  })
  // Every figure says where it comes from.
  .refine(
    (p) =>
      PROFILE_FIELDS.every((field) => field === 'filesSentCopy' || field === 'signIn' || p.sources.some((s) => s.covers.includes(field))),
    {
      message: 'every limit needs a source',
    },
  );
export type SendingProfile = z.infer<typeof sendingProfileSchema>;

export const sendingProfilesFileSchema = z.strictObject({
  about: z.string(),
  default: sendingProfileSchema,
  profiles: z.array(sendingProfileSchema).min(1),
});
export type SendingProfilesFile = z.infer<typeof sendingProfilesFileSchema>;
