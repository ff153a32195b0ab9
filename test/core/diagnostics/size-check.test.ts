// The SIZE pre-check: a message over the server's announced limit fails before upload, naming both sizes.
import { describe, expect, it } from 'vitest';
import { checkSize } from '../../../electron/core/diagnostics/size-check';

describe('checkSize', () => {
  it('passes a message within the announced limit, or when no limit was announced', () => {
    expect(checkSize(1_000, 1_000)).toBeNull();
    expect(checkSize(50_000_000, undefined)).toBeNull();
    expect(checkSize(50_000_000, 0)).toBeNull(); // SIZE 0 means "no fixed limit" (RFC 1870)
  });

  it('fails a larger message with SMTP_SIZE, naming both sizes in MB and the exact bytes', () => {
    const error = checkSize(36_700_160, 35_882_577);

    expect(error?.code).toBe('SMTP_SIZE');
    expect(error?.retryable).toBe(false);
    expect(error?.message).toBe('The message is 36.7 MB, larger than the 35.9 MB the mail server accepts.');
    expect(error?.next).toMatch(/attachments/);
    expect(error?.detail).toBe('36700160 bytes; the server announced SIZE 35882577');
  });

  it('shows enough decimals that the two sizes never read the same', () => {
    expect(checkSize(25_040_000, 25_000_000)?.message).toBe('The message is 25.04 MB, larger than the 25.00 MB the mail server accepts.');
    expect(checkSize(25_000_400, 25_000_000)?.message).toBe('The message is 25.001 MB, larger than the 25.000 MB the mail server accepts.');
  });
});
