// The one IPC contract: every invoke channel with its argument schema and result type, and every pushed event.
// Main validates with these schemas; the preload and the renderer derive their types from it (OutboxApi).
import * as z from 'zod';
import type { ErrorCode, ErrorInfo } from './errors';
import {
  accountProfileSchema,
  emailAddress,
  imapSettingsSchema,
  newAccountSchema,
  sendingLimitsOverrideSchema,
  smtpSettingsSchema,
  type AccountSummary,
} from './account';
import { MESSAGE_STATES, type Attempt, type OutboxEvent, type OutboxMessage } from './message';
import type { DetectResult, HealthAdvice, TraceStep, VerifyOutcome } from './autodetect';
import { preferencesPatchSchema, type Preferences } from './preferences';
import {
  draftId,
  draftSaveSchema,
  droppedFileSchema,
  sendRequestSchema,
  stagedAttachmentId,
  type ComposePrefill,
  type Draft,
  type StagedAttachment,
} from './compose';
import type { CertificateInfo } from './diagnostics';

/** What settings:detect answers: the ranked candidates with the trace, and advice on the domain. */
export type DetectReport = DetectResult & { health: HealthAdvice[] };

/** A candidate as the renderer hands one back for verification: checked like any other input. */
const candidateSchema = z.strictObject({
  protocol: z.enum(['smtp', 'imap']),
  host: z
    .string()
    .trim()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9.\-:[\]_]+$/),
  port: z.number().int().min(1).max(65535),
  security: z.enum(['tls', 'starttls', 'none']),
  username: z.string().max(320),
  auth: z.array(z.enum(['password', 'oauth2'])).max(2),
  source: z.enum(['bundled', 'bundled-mx', 'ispdb-live', 'autoconfig', 'autoconfig-http', 'srv', 'probe']),
  verified: z
    .strictObject({
      startTls: z.boolean(),
      authMechanisms: z.array(z.string().max(40)).max(20),
      size: z.number().optional(),
      smtpUtf8: z.boolean().optional(),
      certificateMatchesHost: z.boolean().optional(),
    })
    .optional(),
  insecure: z.boolean(),
  notes: z.array(z.string().max(500)).max(20),
});

/** What every invoke answers: Electron passes only an error's message across, so errors travel as data with a code. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo };

/** Type-only marker for a channel's result; carries no data at run time. */
export interface Returns<T> {
  readonly __returns?: T;
}
const returns = <T>(): Returns<T> => ({});

// Spool ids become file names: no slashes, no leading dot.
const messageId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'Not a message id');
const accountId = accountProfileSchema().shape.id;
/** Goes one way only, renderer to main, straight into the keychain; never part of a result. */
const password = z.string().min(1, 'Enter the password').max(4096);

export const listFilterSchema = z.strictObject({
  accountId: accountId.optional(),
  states: z.array(z.enum(MESSAGE_STATES)).max(MESSAGE_STATES.length).optional(),
});

const smtp = smtpSettingsSchema().shape;
const imap = imapSettingsSchema().shape;
/** Settings to change on an account; omitted fields (smtp ones included) keep their stored values, so no defaults here. */
export const accountPatchSchema = z.strictObject({
  name: newAccountSchema().shape.name.optional(),
  email: newAccountSchema().shape.email.optional(),
  smtp: z
    .strictObject({
      host: smtp.host.optional(),
      port: smtp.port.optional(),
      security: smtp.security.optional(),
      insecure: smtp.insecure.unwrap().optional(),
      user: smtp.user.optional(),
      authMethod: smtp.authMethod.unwrap().optional(),
      maxSize: smtp.maxSize,
      smtpUtf8: smtp.smtpUtf8,
    })
    .optional(),
  /** The IMAP server for the Sent copy, whole; null removes it. Its password stays as stored. */
  imap: z
    .strictObject({ host: imap.host, port: imap.port, security: imap.security, insecure: imap.insecure.unwrap(), user: imap.user })
    .nullable()
    .optional(),
  sentCopy: z.strictObject({ enabled: z.boolean() }).optional(),
  /** The account's own sending limits over its provider's profile; null goes back to the profile's. */
  limits: sendingLimitsOverrideSchema().nullable().optional(),
});

export interface ConnectivityState {
  online: boolean;
}

/**
 * The connection test as the settings screen receives it. core/diagnostics builds it; channels.ts returns core's
 * report as this type, so the compiler rejects any drift between the two. It never holds a password or token.
 */
export interface CheckVerdict {
  code: ErrorCode;
  /** Which failure ('tls-untrusted', 'auth', 'refused', …): lets the screen offer the matching action. */
  kind: string;
  message: string;
  next: string;
  reply?: string;
  detail?: string;
}

/** The certificate as the connection test saw it (shared with core/diagnostics). */
export type CertificateSummary = CertificateInfo;

interface ServerCheck<Timings, Server> {
  ok: boolean;
  verdict: CheckVerdict | null;
  server: Server;
  certificate?: CertificateSummary;
  /** Milliseconds per step; null for a step that did not happen. */
  timings: Timings;
  transcript: string[];
}

type Ms = number | null;

export interface AccountTestReport {
  account: string;
  ok: boolean;
  /** What could not be checked, and why (e.g. no IMAP password in the keychain). */
  notes: string[];
  smtp: ServerCheck<
    { dnsMs: Ms; connectMs: Ms; tlsMs: Ms; greetingMs: Ms; ehloMs: Ms; authMs: Ms; totalMs: number },
    {
      greeting: string | null;
      capabilities: {
        auth: string[];
        size?: number;
        eightBitMime: boolean;
        smtpUtf8: boolean;
        pipelining: boolean;
        startTls: boolean;
        extensions: string[];
      } | null;
    }
  >;
  imap?: ServerCheck<
    { dnsMs: Ms; connectMs: Ms; tlsMs: Ms; greetingMs: Ms; loginMs: Ms; listMs: Ms; totalMs: number },
    { greeting: string | null; capabilities: string[] }
  > & { sentFolder: { path: string; how: 'special-use' | 'name' | 'configured' } | null; folders?: string[] };
}

/** Which server's certificate `account:trust` pins. */
export const TRUSTED_SERVERS = ['smtp', 'imap'] as const;
const sha256Fingerprint = z.string().regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'Not a SHA-256 fingerprint');

const byId = z.tuple([messageId]);

/** An attempt as lists carry it: the transcript stays in main until asked for (outbox:get). */
export type AttemptSummary = Omit<Attempt, 'transcript'>;
/** A message as outbox:list carries it: everything but the attempts' transcripts. */
export type OutboxSummary = Omit<OutboxMessage, 'attempts'> & { attemptCount: number; lastAttempt?: AttemptSummary };

/** Screens the main process may bring forward (menu, notifications, tray). */
export const SCREENS = ['outbox', 'compose', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

/** What the main process asks the window to do: from the menu, a notification, a mailto: link, or quitting. */
export type AppCommand =
  | { type: 'compose'; prefill?: ComposePrefill }
  | { type: 'open-message'; id: string }
  /** Undo send from a notification: the window takes the message back to Compose (or says why it is too late). */
  | { type: 'undo'; id: string }
  | { type: 'show'; screen: Screen }
  | { type: 'send' }
  /** Quitting waits for this many sends in flight; the window shows a note until they finish or time out. */
  | { type: 'quitting'; sending: number }
  /** A newer version is downloaded and verified: the window offers "Restart to update". */
  | { type: 'update-ready'; version: string };

/** One step of a running detection, as it happens (settings:detect answers with all of them at the end). */
export interface DetectStepEvent {
  email: string;
  step: TraceStep;
}

export const invokeContract = {
  'outbox:list': { args: z.tuple([listFilterSchema.optional()]), result: returns<OutboxSummary[]>() },
  // The whole message, transcripts included.
  'outbox:get': { args: byId, result: returns<OutboxMessage>() },
  // Puts a message written in Compose into the outbox; attachments are staged ids, never paths.
  'outbox:enqueue': { args: z.tuple([sendRequestSchema]), result: returns<OutboxMessage>() },
  // Takes a message that has not been sent back out of the outbox into a draft (Edit).
  'outbox:edit': { args: byId, result: returns<Draft>() },
  // Undo send: takes a message back to Compose while its send delay runs; refused once sending has started.
  'outbox:undo': { args: byId, result: returns<Draft>() },
  'outbox:sendNow': { args: byId, result: returns<OutboxMessage>() },
  'outbox:retry': { args: byId, result: returns<OutboxMessage>() },
  'outbox:hold': { args: byId, result: returns<OutboxMessage>() },
  'outbox:cancel': { args: byId, result: returns<OutboxMessage>() },
  'outbox:remove': { args: byId, result: returns<null>() },
  'outbox:flush': { args: z.tuple([]), result: returns<null>() },
  'account:list': { args: z.tuple([]), result: returns<AccountSummary[]>() },
  // The password is optional: an unauthenticated relay has none.
  'account:add': { args: z.tuple([newAccountSchema(), password.optional()]), result: returns<AccountSummary>() },
  // A password given replaces the stored one; omitted, the stored one stays.
  'account:update': { args: z.tuple([accountId, accountPatchSchema, password.optional()]), result: returns<AccountSummary>() },
  'account:remove': { args: z.tuple([accountId]), result: returns<null>() },
  // Connects to the account's servers and reports what it saw; failures are in the report, not errors.
  'account:test': { args: z.tuple([accountId]), result: returns<AccountTestReport>() },
  // Pins the certificate the server presents, only if it has exactly this fingerprint.
  'account:trust': { args: z.tuple([accountId, sha256Fingerprint, z.enum(TRUSTED_SERVERS)]), result: returns<AccountSummary>() },
  // Signs in with Google or Microsoft in the system browser, then adds the account; no password is involved.
  'account:addOAuth': {
    args: z.tuple([
      z.strictObject({
        name: z.string().trim().min(1).max(200),
        email: emailAddress(),
        provider: z.string().regex(/^[a-z0-9-]{1,40}$/),
        clientId: z.string().min(1).max(500).optional(),
        /** The secret of that client, for a Google "Desktop app" client; kept in the keychain record. */
        clientSecret: z.string().min(1).max(500).optional(),
      }),
    ]),
    result: returns<AccountSummary>(),
  },
  // Signs an OAuth account in again after the provider revoked its grant; its held messages then leave.
  'account:signIn': { args: z.tuple([accountId]), result: returns<AccountSummary>() },
  // Finds the settings for an address (the wizard's first step); cancelled by settings:cancelDetect.
  'settings:detect': {
    args: z.tuple([emailAddress(), z.strictObject({ timeoutSeconds: z.number().min(1).max(60).optional() }).optional()]),
    result: returns<DetectReport>(),
  },
  'settings:cancelDetect': { args: z.tuple([emailAddress()]), result: returns<null>() },
  // Tries the candidates in order with the user's password; the first that signs in is chosen.
  'settings:verify': { args: z.tuple([z.array(candidateSchema).min(1).max(10), password.nullable()]), result: returns<VerifyOutcome>() },
  'draft:list': { args: z.tuple([]), result: returns<Draft[]>() },
  // Creates the draft when no id is given; answers with the draft as stored.
  'draft:save': { args: z.tuple([draftSaveSchema]), result: returns<Draft>() },
  'draft:remove': { args: z.tuple([draftId]), result: returns<null>() },
  // Shows the OS file picker; the chosen files are copied into staging. Empty when the user cancels.
  'attachment:pick': { args: z.tuple([]), result: returns<StagedAttachment[]>() },
  // A file dropped on the window: its bytes, staged like a picked file.
  'attachment:stage': { args: z.tuple([droppedFileSchema]), result: returns<StagedAttachment>() },
  'attachment:discard': { args: z.tuple([stagedAttachmentId]), result: returns<null>() },
  'app:connectivity': { args: z.tuple([]), result: returns<ConnectivityState>() },
  // The window saw the browser's online/offline event: main checks its own signal at once.
  'app:connectivityHint': { args: z.tuple([z.boolean()]), result: returns<ConnectivityState>() },
  'app:preferences': { args: z.tuple([]), result: returns<Preferences>() },
  // Changes the given preferences only; a new retry time applies to messages already waiting, a new Undo send delay to the next send.
  'app:setPreferences': { args: z.tuple([preferencesPatchSchema()]), result: returns<Preferences>() },
  // Commands that arrived before the window could hear them (a mailto: link that launched the app).
  'app:takeCommands': { args: z.tuple([]), result: returns<AppCommand[]>() },
  // "Restart to update": now, or once the sends in flight have finished ('after-sends'); 'no-update' when none is ready.
  'app:restartToUpdate': { args: z.tuple([]), result: returns<'restarting' | 'after-sends' | 'no-update'>() },
} satisfies Record<`${string}:${string}`, { args: z.ZodTuple; result: Returns<unknown> }>;

type InvokeContract = typeof invokeContract;
export type InvokeChannel = keyof InvokeContract;
export const INVOKE_CHANNELS = Object.keys(invokeContract) as InvokeChannel[];

/** Arguments as the renderer passes them. */
export type ArgsOf<C extends InvokeChannel> = z.input<InvokeContract[C]['args']>;
/** Arguments after validation (defaults applied), as main's handlers receive them. */
export type ValidArgsOf<C extends InvokeChannel> = z.output<InvokeContract[C]['args']>;
export type ResultOf<C extends InvokeChannel> = InvokeContract[C]['result'] extends Returns<infer R> ? R : never;

/** Events main pushes to the renderer. */
export const eventContract = {
  'outbox:changed': { payload: returns<OutboxEvent>() },
  'settings:step': { payload: returns<DetectStepEvent>() },
  'app:command': { payload: returns<AppCommand>() },
} satisfies Record<`${string}:${string}`, { payload: Returns<unknown> }>;

type EventContract = typeof eventContract;
export type EventChannel = keyof EventContract;
export type PayloadOf<E extends EventChannel> = EventContract[E]['payload'] extends Returns<infer P> ? P : never;
export const OUTBOX_EVENT_CHANNEL = 'outbox:changed' satisfies EventChannel;
export const EVENT_CHANNELS = Object.keys(eventContract) as EventChannel[];

type DomainOf<C extends string> = C extends `${infer D}:${string}` ? D : never;

/** The API the preload exposes as `window.outbox`: `outbox:sendNow` becomes `outbox.sendNow(...)`. */
export type OutboxApi = {
  readonly [D in DomainOf<InvokeChannel>]: {
    readonly [C in InvokeChannel as C extends `${D}:${infer Verb}` ? Verb : never]: (...args: ArgsOf<C>) => Promise<Result<ResultOf<C>>>;
  };
} & {
  /** Subscribes to one of the pushed events; returns the unsubscribe function. */
  readonly on: <E extends EventChannel>(channel: E, listener: (payload: PayloadOf<E>) => void) => () => void;
};
