// The defaults a store starts from without building the schema are exactly what the schema makes of nothing.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFERENCES, preferencesSchema } from '../../electron/shared/preferences';

describe('preference defaults', () => {
  it('are what the schema fills in for an empty preferences file', () => {
    expect(DEFAULT_PREFERENCES).toEqual(preferencesSchema().parse({}));
    expect(preferencesSchema().safeParse(DEFAULT_PREFERENCES).success).toBe(true);
  });
});
