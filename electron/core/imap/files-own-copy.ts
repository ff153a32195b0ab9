// Mail services that file a copy of every message submitted over SMTP in the Sent folder themselves:
// a copy from Outbox would show twice there, so for them the Sent copy starts switched off.
const FILES_OWN_COPY: readonly RegExp[] = [
  // Gmail and Google Workspace: "Gmail automatically saves a copy of sent messages" for smtp.gmail.com.
  /(^|\.)gmail\.com$/i,
  /(^|\.)googlemail\.com$/i,
];

export function serverFilesSentCopy(smtpHost: string): boolean {
  const host = smtpHost.trim().replace(/\.$/, '');
  return FILES_OWN_COPY.some((pattern) => pattern.test(host));
}

/** The sensible default of the per-account switch: on when there is IMAP, unless the service files its own. */
export function defaultSentCopy(smtpHost: string, hasImap: boolean): boolean {
  return hasImap && !serverFilesSentCopy(smtpHost);
}
