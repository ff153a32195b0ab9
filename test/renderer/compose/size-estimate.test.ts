// The size estimate and the warning against the server's SIZE limit.
import { describe, expect, it } from 'vitest';
import { estimateMessageBytes, humanSize, sizeWarning } from '../../../renderer/src/compose/size-estimate';

const MB = 1024 * 1024;

describe('size estimate', () => {
  it('counts attachments a third larger, as base64 makes them', () => {
    expect(estimateMessageBytes(100, [300, 600])).toBe(100 + 1200);
  });

  it('reads sizes the way a person says them', () => {
    expect(humanSize(1)).toBe('1 byte');
    expect(humanSize(900)).toBe('900 bytes');
    expect(humanSize(12 * 1024)).toBe('12 KB');
    expect(humanSize(3.44 * MB)).toBe('3.4 MB');
    expect(humanSize(31.2 * MB)).toBe('31 MB');
  });

  it("warns with the server's own limit when it is known", () => {
    expect(sizeWarning(31 * MB, { host: 'smtp.example.com', maxSize: 25 * MB })).toBe(
      'About 31 MB with encoding; smtp.example.com accepts at most 25 MB. The server will refuse it: remove attachments or share a link instead.',
    );
    expect(sizeWarning(24 * MB, { host: 'smtp.example.com', maxSize: 25 * MB })).toBeNull();
    expect(sizeWarning(11 * MB, { host: 'smtp.example.com', maxSize: 10 * MB })).toContain('accepts at most 10 MB');
  });

  it('warns above 25 MB when the limit is unknown', () => {
    expect(sizeWarning(20 * MB, { host: 'h' })).toBeNull();
    expect(sizeWarning(26 * MB, undefined)).toContain('many mail servers refuse messages over 25 MB');
  });
});
