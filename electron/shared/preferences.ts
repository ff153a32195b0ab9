// The user's app-wide preferences: how long temporary failures are retried, whether a successful send is
// announced, and Undo send's delay. Shared by the preferences file, the IPC contract, the composition and the settings screen.
import * as z from 'zod';
import { lazy } from './lazy';

export const DEFAULT_RETRY_LIFETIME_HOURS = 120;

/** Undo send's choices in seconds, as people know them from Gmail (0: off). */
export const UNDO_SEND_CHOICES = [0, 5, 10, 20, 30] as const;
export type UndoSendSeconds = (typeof UNDO_SEND_CHOICES)[number];
export const DEFAULT_UNDO_SEND_SECONDS: UndoSendSeconds = 10;
const undoSendSeconds = lazy(() => z.literal(UNDO_SEND_CHOICES));

/** What preferencesSchema() makes of an empty object (a test holds them equal): no schema to build without a file. */
export const DEFAULT_PREFERENCES: Readonly<{ retryLifetimeHours: number; notifyOnSent: boolean; undoSendSeconds: UndoSendSeconds }> =
  Object.freeze({
    retryLifetimeHours: DEFAULT_RETRY_LIFETIME_HOURS,
    notifyOnSent: true,
    undoSendSeconds: DEFAULT_UNDO_SEND_SECONDS,
  });

/** Built at its first use (lazy.ts): preferencesSchema().parse(…). */
export const preferencesSchema = lazy(() =>
  z.object({
    /** Temporary failures (4xx, no connection) are retried this long from the first attempt, then the message fails. */
    retryLifetimeHours: z.number().int().min(1).max(720).default(DEFAULT_RETRY_LIFETIME_HOURS),
    /** Notify when a message is sent (failures are always announced). */
    notifyOnSent: z.boolean().default(true),
    /** Undo send: a message sent from Compose waits this long, and can be taken back meanwhile (0: off). Scripts are not delayed. */
    undoSendSeconds: undoSendSeconds().default(DEFAULT_UNDO_SEND_SECONDS),
  }),
);
export type Preferences = z.output<ReturnType<typeof preferencesSchema>>;

export const preferencesPatchSchema = lazy(() =>
  z.strictObject({
    retryLifetimeHours: preferencesSchema().shape.retryLifetimeHours.unwrap().optional(),
    notifyOnSent: z.boolean().optional(),
    undoSendSeconds: undoSendSeconds().optional(),
  }),
);
export type PreferencesPatch = z.input<ReturnType<typeof preferencesPatchSchema>>;
