// The user's app-wide preferences: how long temporary failures are retried, and whether a successful send is
// announced. Shared by the preferences file, the IPC contract, the engine's composition and the settings screen.
import { z } from 'zod';

export const DEFAULT_RETRY_LIFETIME_HOURS = 120;

export const preferencesSchema = z.object({
  /** Temporary failures (4xx, no connection) are retried this long from the first attempt, then the message fails. */
  retryLifetimeHours: z.number().int().min(1).max(720).default(DEFAULT_RETRY_LIFETIME_HOURS),
  /** Notify when a message is sent (failures are always announced). */
  notifyOnSent: z.boolean().default(true),
});
export type Preferences = z.output<typeof preferencesSchema>;

export const preferencesPatchSchema = z.strictObject({
  retryLifetimeHours: preferencesSchema.shape.retryLifetimeHours.unwrap().optional(),
  notifyOnSent: z.boolean().optional(),
});
export type PreferencesPatch = z.input<typeof preferencesPatchSchema>;
