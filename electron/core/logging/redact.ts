// Keeps secrets out of log lines, by the transcripts' rules: the secrets themselves (registered as the keychain
// hands them out) and their base64 forms, AUTH payloads, and anything shaped like a password field or an OAuth token.

const MIN_SECRET_LENGTH = 4;
/** Field names whose value is a secret, in key=value, key: value and "key":"value" forms. */
const SECRET_KEYS = String.raw`pass(?:word|wd)?|pwd|secret|client_secret|(?:access|refresh|id)_?token|token|code_verifier|authorization`;
const KEYED = new RegExp(String.raw`(["']?\b(?:${SECRET_KEYS})\b["']?\s*[:=]\s*)(?:"[^"]*"|'[^']*'|[^\s,;&)}\]]+)`, 'gi');
const RULES: Array<[RegExp, string]> = [
  // What an SMTP or IMAP client sends after AUTH (PLAIN, LOGIN, XOAUTH2): the mechanism stays, the payload goes.
  [/\b(AUTH(?:ENTICATE)?\s+[A-Z0-9-]+)\s+\S+/gi, '$1 [redacted]'],
  [/\b(Bearer)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [redacted]'],
  // JSON Web Tokens (Microsoft's access tokens, id tokens), Google access and refresh tokens.
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[redacted]'],
  [/\bya29\.[A-Za-z0-9._-]+/g, '[redacted]'],
  [/\b1\/\/[A-Za-z0-9._-]{10,}/g, '[redacted]'],
  [KEYED, '$1[redacted]'],
];
const BASE64_RUN = /[A-Za-z0-9+/]{8,}={0,2}/g;
/** Decoded SASL payloads: PLAIN (authzid\0user\0password) and XOAUTH2 (user=…\x01auth=Bearer …). */
const SASL = /^[^\0]*\0[^\0]+\0[^\0]+$|auth=Bearer /;

export class LogRedactor {
  private readonly secrets = new Set<string>();

  /** A secret that must never reach the log (a password, a token); JSON (the keychain's OAuth entries) adds its strings. */
  add(secret: string | null | undefined): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) return;
    this.secrets.add(secret);
    this.secrets.add(Buffer.from(secret, 'utf8').toString('base64').replace(/=+$/, ''));
    if (secret.startsWith('{')) {
      try {
        collectStrings(JSON.parse(secret), (value) => this.add(value));
      } catch {
        // not JSON: the whole string is the secret
      }
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains a shorter one goes whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      if (out.includes(secret)) out = out.replaceAll(secret, '[redacted]');
    }
    for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
    // A base64 run that decodes to a SASL payload or to a known secret (base64 of user\0password has no fixed alignment).
    return out.replace(BASE64_RUN, (run) => (this.isSecretBase64(run) ? '[redacted]' : run));
  }

  private isSecretBase64(run: string): boolean {
    const decoded = Buffer.from(run, 'base64').toString('utf8');
    if (SASL.test(decoded)) return true;
    for (const secret of this.secrets) if (decoded.includes(secret)) return true;
    return false;
  }
}

function collectStrings(value: unknown, add: (s: string) => void, depth = 0): void {
  if (depth > 4) return;
  if (typeof value === 'string') add(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, add, depth + 1);
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) collectStrings(item, add, depth + 1);
}
