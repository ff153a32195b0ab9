// The big providers' throttling and limit replies, recognised by reply code, enhanced code and text, and
// what each asks of Outbox: slow down, pause until a time, use fewer connections, or sign in another way.
// Never "failed" for a message that only has to wait.
import { AppError, type ErrorInfo } from '../../shared/errors';
import type { AttemptOutcome, Throttle } from '../../shared/message';

export type ProviderAction = Throttle['action'];

interface Rule {
  id: string;
  provider: string;
  code: number | null;
  /** The enhanced status code (RFC 3463) as the reply gives it. */
  enhanced: string;
  /** Words of the reply; the code and enhanced code alone are too general for most rules. */
  text: RegExp;
  action: ProviderAction;
  /** How long to wait before the next try, for actions that are not a pause until a known time. */
  waitMs?: number;
  /** Only for accounts that sign in with a password (an OAuth account refused the same way is another problem). */
  passwordOnly?: boolean;
}

const MINUTE = 60_000;

/** Documented replies (the fixtures in test/core/smtp/provider-replies.test.ts quote them byte for byte). */
const RULES: Rule[] = [
  // https://support.google.com/a/answer/3726730 (Gmail SMTP errors and codes)
  {
    id: 'gmail-try-later',
    provider: 'Gmail',
    code: 421,
    enhanced: '4.7.0',
    text: /try again later/i,
    action: 'slow-down',
    waitMs: 5 * MINUTE,
  },
  {
    id: 'gmail-login-attempts',
    provider: 'Gmail',
    code: 454,
    enhanced: '4.7.0',
    text: /too many login attempts/i,
    action: 'stop-signing-in',
    waitMs: 15 * MINUTE,
  },
  {
    id: 'gmail-daily-limit',
    provider: 'Gmail',
    code: 550,
    enhanced: '5.4.5',
    text: /daily (user )?sending (limit|quota) exceeded|daily smtp relay limit exceeded/i,
    action: 'pause-until',
  },
  // https://techcommunity.microsoft.com (SMTP AUTH client submission: 3 connections per mailbox)
  {
    id: 'microsoft-thread-limit',
    provider: 'Microsoft',
    code: 432,
    enhanced: '4.3.2',
    text: /sender thread limit exceeded|concurrent connection limit exceeded/i,
    action: 'fewer-connections',
    waitMs: 2_000,
  },
  {
    id: 'microsoft-submission-rate',
    provider: 'Microsoft',
    code: null,
    enhanced: '4.4.2',
    text: /submission rate .* exceeded/i,
    action: 'slow-down',
    waitMs: MINUTE,
  },
  // https://learn.microsoft.com/en-us/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/
  {
    id: 'microsoft-submission-quota',
    provider: 'Microsoft',
    code: 554,
    enhanced: '5.2.0',
    text: /SubmissionQuotaExceededException/i,
    action: 'pause-until',
  },
  {
    id: 'microsoft-recipient-rate',
    provider: 'Microsoft',
    code: 550,
    enhanced: '5.1.90',
    text: /limit|recipients/i,
    action: 'pause-until',
  },
  {
    id: 'microsoft-auth-disabled',
    provider: 'Microsoft',
    code: 535,
    enhanced: '5.7.139',
    text: /authentication unsuccessful/i,
    action: 'needs-sign-in',
    passwordOnly: true,
  },
  {
    id: 'microsoft-basic-auth-retired',
    provider: 'Microsoft',
    code: null,
    enhanced: '5.7.30',
    text: /basic authentication is not supported/i,
    action: 'needs-sign-in',
  },
  // https://senders.yahooinc.com/smtp-error-codes/
  { id: 'yahoo-deferred', provider: 'Yahoo', code: 421, enhanced: '4.7.0', text: /\[TSS?\d+\]/, action: 'slow-down', waitMs: 30 * MINUTE },
  // https://support.apple.com/en-us/102198
  {
    id: 'icloud-daily-limit',
    provider: 'iCloud Mail',
    code: null,
    enhanced: '5.7.1',
    text: /exceeded your daily sending limit/i,
    action: 'pause-until',
  },
  {
    id: 'icloud-limit-4xx',
    provider: 'iCloud Mail',
    code: null,
    enhanced: '4.7.0',
    text: /exceeded .*(sending|recipient) limit/i,
    action: 'pause-until',
  },
];

export interface RecognisedReply {
  rule: string;
  provider: string;
  action: ProviderAction;
  /** For slow-down, stop-signing-in and fewer-connections: the wait before trying again. */
  waitMs?: number;
}

/** The reply code and enhanced code of a reply's first line (multi-line replies repeat them). */
function parse(reply: string): { code: number; enhanced: string; text: string } | undefined {
  const match = /^(\d{3})[ -](?:(\d\.\d{1,3}\.\d{1,3})\s)?/.exec(reply.trimStart());
  if (!match) return undefined;
  return { code: Number(match[1]), enhanced: match[2] ?? '', text: reply };
}

/** Which documented provider reply this is, if any. */
export function recogniseReply(reply: string | undefined, context: { passwordSignIn?: boolean } = {}): RecognisedReply | undefined {
  if (!reply) return undefined;
  const parsed = parse(reply);
  if (!parsed) return undefined;
  for (const rule of RULES) {
    if (rule.code !== null && rule.code !== parsed.code) continue;
    // Microsoft puts the enhanced code first ("432 4.3.2 …") or, for some, only in the text ("4.3.2 STOREDRV…").
    if (parsed.enhanced !== rule.enhanced && !parsed.text.includes(` ${rule.enhanced} `)) continue;
    if (!rule.text.test(parsed.text)) continue;
    if (rule.passwordOnly && context.passwordSignIn === false) continue;
    return { rule: rule.id, provider: rule.provider, action: rule.action, ...(rule.waitMs ? { waitMs: rule.waitMs } : {}) };
  }
  return undefined;
}

export interface ProviderOutcome {
  outcome: AttemptOutcome;
  error: ErrorInfo;
  throttle: Throttle;
}

const TEXTS: Record<
  ProviderAction,
  { code: 'SMTP_THROTTLED' | 'SMTP_DAILY_LIMIT' | 'SMTP_PASSWORD_RETIRED'; message: (p: string) => string; next: string }
> = {
  'slow-down': {
    code: 'SMTP_THROTTLED',
    message: (p) => `${p} asked Outbox to slow down.`,
    next: 'Nothing to do: the message waits and is sent again a little later.',
  },
  'stop-signing-in': {
    code: 'SMTP_THROTTLED',
    message: (p) => `${p} saw too many sign-ins in a short time.`,
    next: 'Nothing to do: Outbox waits before signing in again and then reuses one connection.',
  },
  'fewer-connections': {
    code: 'SMTP_THROTTLED',
    message: (p) => `${p} asks for fewer connections at once.`,
    next: 'Nothing to do: Outbox sends with fewer connections, one at a time if need be.',
  },
  'pause-until': {
    code: 'SMTP_DAILY_LIMIT',
    message: (p) => `${p}'s daily sending limit was reached.`,
    next: 'Nothing to do: the message waits and leaves when the limit frees up (a rolling 24 hours).',
  },
  'needs-sign-in': {
    code: 'SMTP_PASSWORD_RETIRED',
    message: (p) => `${p} no longer accepts passwords for sending from this account.`,
    next: `Choose "Sign in with ${'Microsoft'}" in the account settings (or 'outbox account signin'); the queued messages are kept and leave afterwards.`,
  },
};

/** The attempt's outcome for a recognised reply: temporary (wait) or auth (hold for a new sign-in). */
export function providerOutcome(
  reply: string | undefined,
  context: { passwordSignIn?: boolean; responseCode?: number } = {},
): ProviderOutcome | undefined {
  const recognised = recogniseReply(reply, context);
  if (!recognised || !reply) return undefined;
  const text = TEXTS[recognised.action];
  const code = parse(reply)?.code;
  const error = new AppError(text.code, {
    message: text.message(recognised.provider),
    next: recognised.action === 'needs-sign-in' ? text.next.replace('Microsoft', recognised.provider) : text.next,
    retryable: recognised.action !== 'needs-sign-in',
    reply,
    ...(code ? { responseCode: code } : {}),
  }).toInfo();
  const throttle: Throttle = { action: recognised.action, provider: recognised.provider, rule: recognised.rule };
  return { outcome: recognised.action === 'needs-sign-in' ? 'auth' : 'temporary', error, throttle };
}

/** How long a recognised wait lasts when it is not a pause until a known time. */
export function waitFor(throttle: Throttle): number {
  return RULES.find((r) => r.id === throttle.rule)?.waitMs ?? MINUTE;
}
