// PKCE values against RFC 7636's own example, and the state comparison.
import { describe, expect, it } from 'vitest';
import { challengeFor, createPkce, createState, sameState } from '../../../electron/core/oauth/pkce';

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', () => {
    expect(challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh 43-character base64url verifier with its challenge each time', () => {
    const a = createPkce();
    const b = createPkce();
    expect(a.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.method).toBe('S256');
    expect(a.challenge).toBe(challengeFor(a.verifier));
    expect(a.verifier).not.toBe(b.verifier);
  });

  it('accepts only the exact state it made', () => {
    const state = createState();
    expect(state).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(sameState(state, state)).toBe(true);
    expect(sameState(state, createState())).toBe(false);
    expect(sameState(state, state.slice(1))).toBe(false);
    expect(sameState(state, null)).toBe(false);
  });
});
