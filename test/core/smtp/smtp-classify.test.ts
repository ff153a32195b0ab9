// Classification of failures that loopback peers cannot produce (DNS, port 25, expired certificates):
// errors shaped exactly as nodemailer shapes them, checked for the outcome and what the user reads.
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../../electron/core/smtp/smtp-classify';
import { explainReply, parseReply } from '../../../electron/core/smtp/smtp-explain';
import type { ClassifyContext } from '../../../electron/core/smtp/smtp-classify';

function nodemailerError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

const starttls587: ClassifyContext = { host: 'smtp.example.test', port: 587, security: 'starttls' };

describe('classifyError', () => {
  it("keeps the server's reply once: nodemailer's message that merely wraps it is not kept as detail", () => {
    const reply = '550 5.1.1 <nobody@example.test>: Recipient address rejected';
    const wrapped = nodemailerError(`Can't send mail - all recipients were rejected: ${reply}`, {
      code: 'EENVELOPE',
      response: reply,
      responseCode: 550,
      command: 'RCPT TO',
    });
    const rejected = classifyError(wrapped, starttls587).error!;
    expect(rejected.reply).toBe(reply);
    expect(rejected.detail).toBeUndefined();
    const other = nodemailerError('Invalid greeting. response=hello: hello', { code: 'EPROTOCOL', response: 'hello', command: 'CONN' });
    expect(classifyError(other, starttls587).error?.detail).toBe('Invalid greeting. response=hello: hello');
  });

  it('suggests 587 or 465 when port 25 refuses the connection', () => {
    const err = nodemailerError('connect ECONNREFUSED 192.0.2.1:25', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' });

    const result = classifyError(err, { ...starttls587, port: 25 });

    expect(result.outcome).toBe('temporary');
    expect(result.error?.code).toBe('NETWORK_REFUSED');
    expect(result.error?.next).toContain('Many networks block port 25; use 587 (STARTTLS) or 465 (TLS).');
  });

  it('suggests 587 or 465 when connecting to port 25 times out', () => {
    const err = nodemailerError('Connection timeout', { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT', command: 'CONN' });

    const result = classifyError(err, { ...starttls587, port: 25 });

    expect(result.error?.code).toBe('NETWORK_TIMEOUT');
    expect(result.error?.next).toContain('Many networks block port 25');
  });

  it.each(['ENOTFOUND', 'EAI_AGAIN'])('reports an unknown server name (%s) as NETWORK_DNS', (originalCode) => {
    const err = nodemailerError(`getaddrinfo ${originalCode} smtp.example.test`, { code: 'EDNS', originalCode, command: 'CONN' });

    const result = classifyError(err, starttls587);

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'NETWORK_DNS', message: 'The mail server name "smtp.example.test" could not be found.' });
  });

  it('reports an expired certificate as a TLS problem and points at the clock', () => {
    const err = nodemailerError('certificate has expired', { code: 'ESOCKET', originalCode: 'CERT_HAS_EXPIRED', command: 'CONN' });

    const result = classifyError(err, starttls587);

    expect(result.outcome).toBe('permanent');
    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.message).toContain('has expired');
    expect(result.error?.next).toContain('date and time');
  });

  it('recognises a STARTTLS account pointed at the implicit-TLS port 465 from its greeting timeout', () => {
    const err = nodemailerError('Greeting never received', { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' });

    const result = classifyError(err, { ...starttls587, port: 465 });

    expect(result.error?.code).toBe('SMTP_TLS');
    expect(result.error?.next).toContain('Set the security to TLS');
  });

  it('keeps an unknown error as INTERNAL with its detail, and retries', () => {
    const result = classifyError(nodemailerError('something odd', { code: 'EWHATEVER' }), starttls587);

    expect(result.outcome).toBe('temporary');
    expect(result.error).toMatchObject({ code: 'INTERNAL', retryable: true, detail: 'EWHATEVER: something odd' });
  });

  it('treats a server-side size limit announced in EHLO as a size problem', () => {
    const err = nodemailerError('Message size larger than allowed 1000', { code: 'EMESSAGE', command: 'MAIL FROM' });

    const result = classifyError(err, starttls587);

    expect(result.outcome).toBe('permanent');
    expect(result.error).toMatchObject({
      code: 'SMTP_SIZE',
      message: 'The message is larger than the 1000 bytes the mail server accepts.',
    });
  });
});

describe('explainReply', () => {
  it.each([
    [421, 'greeting', 'temporary', 'SMTP_TEMPORARY'],
    [450, 'rcpt', 'temporary', 'SMTP_TEMPORARY'],
    [451, 'message', 'temporary', 'SMTP_TEMPORARY'],
    [452, 'rcpt', 'temporary', 'SMTP_TEMPORARY'],
    [530, 'mail', 'auth', 'SMTP_AUTH'],
    [534, 'auth', 'auth', 'SMTP_AUTH'],
    [535, 'auth', 'auth', 'SMTP_AUTH'],
    [550, 'rcpt', 'permanent', 'SMTP_RECIPIENT'],
    [550, 'mail', 'permanent', 'SMTP_REJECTED'],
    [552, 'message', 'permanent', 'SMTP_SIZE'],
    [553, 'mail', 'permanent', 'SMTP_REJECTED'],
    [553, 'rcpt', 'permanent', 'SMTP_RECIPIENT'],
    [554, 'message', 'permanent', 'SMTP_REJECTED'],
  ] as const)('%i at %s is %s (%s)', (code, stage, outcome, errorCode) => {
    const explanation = explainReply(`${code} Something happened`, stage);

    expect(explanation.outcome).toBe(outcome);
    expect(explanation.code).toBe(errorCode);
    expect(explanation.message).toContain(`(${code})`);
  });

  it('uses a permanent enhanced status code to say more precisely what went wrong', () => {
    expect(explainReply('550 5.2.2 mailbox full', 'rcpt').message).toBe("The recipient's mailbox is full (550 5.2.2).");
    expect(explainReply('550 5.7.26 Unauthenticated email from example.test is not accepted', 'message').next).toContain('SPF and DKIM');
  });

  it('keeps the retry wording for temporary enhanced codes such as greylisting', () => {
    expect(explainReply('451 4.7.1 Please try again later', 'rcpt').message).toBe(
      'The mail server hit a local error while handling the message (451).',
    );
  });

  it('parses the reply code and enhanced status code', () => {
    expect(parseReply('535 5.7.8 Authentication credentials invalid')).toEqual({ code: 535, enhanced: '5.7.8' });
    expect(parseReply('250-PIPELINING')).toEqual({ code: 250 });
    expect(parseReply('not a reply')).toBeUndefined();
  });
});
