// The providers' documented throttling and limit replies, byte for byte: each maps to what it asks of
// Outbox (slow down, pause, fewer connections, sign in another way), never to a failed message; look-alikes keep their meaning.
import type { NodemailerError } from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { providerOutcome, recogniseReply } from '../../../electron/core/smtp/provider-replies';
import { classifyError } from '../../../electron/core/smtp/smtp-classify';
import { NOT_THROTTLING, REPLIES } from './replies';

const CTX = { host: 'smtp.example.test', port: 587, security: 'starttls' as const };

function smtpError(response: string, command: string, extra: Partial<NodemailerError> = {}): NodemailerError {
  return Object.assign(new Error(`Message failed: ${response}`), {
    code: 'EMESSAGE',
    response,
    responseCode: Number(response.slice(0, 3)),
    command,
    ...extra,
  }) as NodemailerError;
}

describe('provider replies', () => {
  it.each([
    ['gmailTryLater', 'gmail-try-later', 'slow-down'],
    ['gmailTooManyLogins', 'gmail-login-attempts', 'stop-signing-in'],
    ['gmailDailyLimit', 'gmail-daily-limit', 'pause-until'],
    ['microsoftThreadLimit', 'microsoft-thread-limit', 'fewer-connections'],
    ['microsoftConcurrentLimit', 'microsoft-thread-limit', 'fewer-connections'],
    ['microsoftSubmissionQuota', 'microsoft-submission-quota', 'pause-until'],
    ['microsoftRecipientRate', 'microsoft-recipient-rate', 'pause-until'],
    ['microsoftAuthDisabled', 'microsoft-auth-disabled', 'needs-sign-in'],
    ['microsoftBasicAuthDisabled', 'microsoft-auth-disabled', 'needs-sign-in'],
    ['microsoftBasicAuthRetired', 'microsoft-basic-auth-retired', 'needs-sign-in'],
    ['yahooDeferred', 'yahoo-deferred', 'slow-down'],
    ['icloudDailyLimit', 'icloud-daily-limit', 'pause-until'],
  ] as const)('recognises %s as %s (%s)', (name, rule, action) => {
    expect(recogniseReply(REPLIES[name], { passwordSignIn: true })).toMatchObject({ rule, action });
  });

  it.each(Object.entries(NOT_THROTTLING))('leaves %s alone', (_name, reply) => {
    expect(recogniseReply(reply, { passwordSignIn: true })).toBeUndefined();
  });

  it('does not tell an OAuth account that Microsoft no longer takes passwords when SMTP AUTH is off for its tenant', () => {
    expect(recogniseReply(REPLIES.microsoftAuthDisabled, { passwordSignIn: false })).toBeUndefined();
    // The basic-auth retirement reply only ever answers a password.
    expect(recogniseReply(REPLIES.microsoftBasicAuthRetired, { passwordSignIn: false })).toMatchObject({ action: 'needs-sign-in' });
  });

  it('turns a daily limit into a wait, with the reply kept word for word, at whatever step it came', () => {
    for (const command of ['MAIL FROM', 'RCPT TO', 'DATA']) {
      const classified = classifyError(smtpError(REPLIES.gmailDailyLimit, command), CTX);
      expect(classified.outcome).toBe('temporary');
      expect(classified.throttle).toMatchObject({ action: 'pause-until', provider: 'Gmail', rule: 'gmail-daily-limit' });
      expect(classified.error).toMatchObject({
        code: 'SMTP_DAILY_LIMIT',
        retryable: true,
        reply: REPLIES.gmailDailyLimit,
        responseCode: 550,
      });
      expect(classified.error?.message).toBe("Gmail's daily sending limit was reached.");
    }
    // nodemailer reports a limit reached at RCPT as all recipients refused.
    const refused = smtpError('', 'RCPT TO', {
      response: undefined as unknown as string,
      code: 'EENVELOPE',
      rejectedErrors: [smtpError(REPLIES.microsoftRecipientRate, 'RCPT TO', { recipient: 'bob@example.test' })],
    });
    expect(classifyError(refused, CTX)).toMatchObject({ outcome: 'temporary', throttle: { action: 'pause-until', provider: 'Microsoft' } });
  });

  it("holds a password account that Microsoft no longer lets in, offering Microsoft's sign-in", () => {
    const classified = classifyError(smtpError(REPLIES.microsoftBasicAuthRetired, 'AUTH PLAIN', { code: 'EAUTH' }), {
      ...CTX,
      passwordSignIn: true,
    });
    expect(classified.outcome).toBe('auth');
    expect(classified.error).toMatchObject({ code: 'SMTP_PASSWORD_RETIRED', reply: REPLIES.microsoftBasicAuthRetired });
    expect(classified.error?.message).toBe('Microsoft no longer accepts passwords for sending from this account.');
    expect(classified.error?.next).toContain('Sign in with Microsoft');
    // A wrong Gmail password stays a wrong password.
    expect(
      classifyError(smtpError(NOT_THROTTLING.gmailWrongPassword, 'AUTH PLAIN', { code: 'EAUTH' }), { ...CTX, passwordSignIn: true }).error
        ?.code,
    ).toBe('SMTP_AUTH');
  });

  it('asks for fewer connections on a thread limit and says so plainly', () => {
    const outcome = providerOutcome(REPLIES.microsoftThreadLimit);
    expect(outcome).toMatchObject({ outcome: 'temporary', throttle: { action: 'fewer-connections' } });
    expect(outcome?.error.message).toBe('Microsoft asks for fewer connections at once.');
  });
});
