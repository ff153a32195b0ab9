import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { needsSmtpUtf8 as shared } from '../../../electron/shared/intl-address';
import { needsSmtpUtf8 as renderer } from '../../../renderer/src/compose/intl-address';

describe("Compose's SMTPUTF8 check", () => {
  it('agrees with the engine on every address', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.emailAddress(),
          fc.string({ unit: 'grapheme' }),
          fc.tuple(fc.string({ unit: 'grapheme' }), fc.domain()).map(([l, d]) => `${l}@${d}`),
        ),
        (address) => {
          expect(renderer(address)).toBe(shared(address));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('flags a non-ASCII local part and lets a non-ASCII domain through', () => {
    expect(renderer('用户@example.test')).toBe(true);
    expect(renderer('jörg@example.test')).toBe(true);
    expect(renderer('ann@bücher.test')).toBe(false);
  });
});
