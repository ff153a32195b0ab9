// How big the message will be once encoded, and whether the account's server will take it.
// Attachments grow by a third in base64; the body is counted as typed.

const MB = 1024 * 1024;
/** Above this, many servers refuse a message (Gmail, Outlook.com): the warning when the account's limit is unknown. */
export const COMMON_LIMIT = 25 * MB;

export function estimateMessageBytes(bodyLength: number, attachmentSizes: readonly number[]): number {
  const attached = attachmentSizes.reduce((sum, size) => sum + size, 0);
  return bodyLength + Math.ceil((attached * 4) / 3);
}

/** "512 bytes", "12 KB", "3.4 MB", "31 MB": what a person reads at a glance. */
export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < MB) return `${Math.max(1, Math.round(bytes / 1024))} KB`;
  const mb = bytes / MB;
  return `${mb < 10 ? Math.round(mb * 10) / 10 : Math.round(mb)} MB`;
}

/** The warning to show, or null when the size is fine; `maxSize` is the server's SIZE limit when known. */
export function sizeWarning(estimate: number, server: { host: string; maxSize?: number | undefined } | undefined): string | null {
  if (server?.maxSize !== undefined) {
    if (estimate <= server.maxSize) return null;
    return `About ${humanSize(estimate)} with encoding; ${server.host} accepts at most ${humanSize(server.maxSize)}. The server will refuse it: remove attachments or share a link instead.`;
  }
  if (estimate <= COMMON_LIMIT) return null;
  return `About ${humanSize(estimate)} with encoding; many mail servers refuse messages over ${humanSize(COMMON_LIMIT)}. Remove attachments or share a link instead.`;
}
