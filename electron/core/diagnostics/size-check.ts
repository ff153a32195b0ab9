// Checks a message against the SIZE limit the server announced in EHLO (RFC 1870), so an oversized
// message fails before any byte is uploaded, with both sizes in the error.
import { AppError } from '../../shared/errors';

const MB = 1_000_000;

/** Both sizes in MB, with as many decimals (up to 3) as it takes for them to read differently. */
function megabytes(message: number, limit: number): [string, string] {
  for (let digits = 1; digits <= 3; digits++) {
    const pair: [string, string] = [(message / MB).toFixed(digits), (limit / MB).toFixed(digits)];
    if (pair[0] !== pair[1]) return pair;
  }
  // Within a kilobyte: round the message up and the limit down, so "larger than" stays true as read.
  return [(Math.ceil(message / 1_000) / 1_000).toFixed(3), (Math.floor(limit / 1_000) / 1_000).toFixed(3)];
}

/** Null when the message fits, or no limit was announced (absent or 0); otherwise an SMTP_SIZE error. */
export function checkSize(messageSize: number, announcedSize: number | undefined): AppError | null {
  if (!announcedSize || announcedSize <= 0 || messageSize <= announcedSize) return null;
  const [size, limit] = megabytes(messageSize, announcedSize);
  return new AppError('SMTP_SIZE', {
    message: `The message is ${size} MB, larger than the ${limit} MB the mail server accepts.`,
    detail: `${messageSize} bytes; the server announced SIZE ${announcedSize}`,
  });
}
