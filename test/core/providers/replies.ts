// The providers' throttling and limit replies byte for byte, as their documentation quotes them (and as
// nodemailer hands a multi-line reply over: its lines joined with "\n"). Shared by the classifier's tests
// and the provider peers.
export const REPLIES = {
  // Google: "Gmail SMTP errors and codes", https://support.google.com/a/answer/3726730
  gmailTryLater:
    '421-4.7.0 Try again later, closing connection. (EHLO)\n421-4.7.0  For more information, go to\n421 4.7.0  https://support.google.com/a/answer/3221692 d9443c01a7336-2a1b2c3d4e5f-12.34 - gsmtp',
  gmailTooManyLogins:
    '454 4.7.0 Too many login attempts, please try again later. For more information, go to\n454 4.7.0  https://support.google.com/mail/answer/7126229 d9443c01a7336-2a1b2c3d4e5f-12.34 - gsmtp',
  gmailDailyLimit:
    '550-5.4.5 Daily user sending limit exceeded. For more information on Gmail\n550-5.4.5 sending limits go to\n550 5.4.5  https://support.google.com/a/answer/166852 d9443c01a7336-2a1b2c3d4e5f-12.34 - gsmtp',
  // Microsoft: SMTP AUTH client submission and the Exchange Online NDR reference.
  microsoftThreadLimit: '432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=BN8PR04MB6210.namprd04.prod.outlook.com]',
  microsoftConcurrentLimit: '432 4.3.2 concurrent connection limit exceeded',
  microsoftSubmissionQuota:
    '554 5.2.0 STOREDRV.Submission.Exception:SubmissionQuotaExceededException; Failed to process message due to a permanent exception with message Cannot submit message. 0.35250:0A00C184, 1.36674:0A000000, 1.61250:00000000 [Hostname=AM0PR04MB5764.eurprd04.prod.outlook.com]',
  microsoftRecipientRate:
    "550 5.1.90 Your message can't be sent because you've reached your daily limit for message recipients. For more information, see https://aka.ms/ExO-RecipientRateLimit",
  microsoftAuthDisabled:
    '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information. [SN4PR0501CA0054.namprd05.prod.outlook.com]',
  microsoftBasicAuthDisabled:
    '535 5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN9PR03CA0123.namprd03.prod.outlook.com]',
  microsoftBasicAuthRetired:
    '550 5.7.30 Basic authentication is not supported for Client Submission. Visit https://aka.ms/smtp_auth_basic_retirement for more information.',
  // Yahoo: https://senders.yahooinc.com/smtp-error-codes/
  yahooDeferred:
    '421 4.7.0 [TSS04] Messages from 192.0.2.10 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes',
  // Apple: https://support.apple.com/en-us/102198
  icloudDailyLimit: '550 5.7.1 membername@icloud.com: You have exceeded your daily sending limit. Please try again later.',
} as const;

/** Replies that look alike but ask for nothing special: they keep their usual meaning. */
export const NOT_THROTTLING = {
  gmailWrongPassword:
    '535-5.7.8 Username and Password not accepted. For more information, go to\n535 5.7.8  https://support.google.com/mail/?p=BadCredentials d9443c01a7336-2a1b2c3d4e5f-12.34 - gsmtp',
  unknownUser:
    "550 5.1.1 The email account that you tried to reach does not exist. Please try double-checking the recipient's email address",
  plainGreylist: '450 4.2.0 <bob@example.test>: Recipient address rejected: Greylisted, see https://postgrey.schweikert.ch/',
  genericBusy: '421 4.3.2 Service not available, closing transmission channel',
} as const;
