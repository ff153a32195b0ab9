// What autodetection finds, as every tier sees it (the CLI, the IPC contract, the wizard): candidates
// for the server settings of an address, where they came from, the trace, and domain-health advice.
import type { Security } from './account';

export type Protocol = 'smtp' | 'imap';

/** One server setting as a provider file or a lookup describes it (username not yet resolved). */
export interface ServerConfig {
  protocol: Protocol;
  host: string;
  port: number;
  security: Security;
  /** e.g. '%EMAILADDRESS%', '%EMAILLOCALPART%'. */
  usernameTemplate?: string;
  /** 'password' and/or 'oauth2' (ISPDB's password-cleartext/password-encrypted both mean password). */
  auth: ('password' | 'oauth2')[];
}

/** A provider from the bundled data or an autoconfig file. */
export interface ProviderConfig {
  id: string;
  displayName: string;
  domains: string[];
  smtp: ServerConfig[];
  imap: ServerConfig[];
  /** Documentation links, e.g. how to create an app password. */
  documentation?: string[];
  /** The provider's OAuth2 issuer and space-separated scopes, when it offers OAuth2 sign-in. */
  oauth2?: OAuth2Hint;
}

export interface OAuth2Hint {
  issuer: string;
  scope: string;
}

export type CandidateSource = 'bundled' | 'bundled-mx' | 'ispdb-live' | 'autoconfig' | 'autoconfig-http' | 'srv' | 'probe';

export interface Candidate extends Omit<ServerConfig, 'usernameTemplate'> {
  /** The user name with the template resolved for this address. */
  username: string;
  source: CandidateSource;
  /** What the probe saw, when the server was contacted. */
  verified?: { startTls: boolean; authMechanisms: string[]; size?: number; smtpUtf8?: boolean; certificateMatchesHost?: boolean };
  /** Plaintext candidates are shown as "insecure, not recommended" and never picked automatically. */
  insecure: boolean;
  /** Why it ranks where it does, in plain words. */
  notes: string[];
}

export interface TraceStep {
  step: string;
  /** ms since detection started. */
  startedMs: number;
  durationMs: number;
  outcome: 'found' | 'nothing' | 'error' | 'timeout' | 'skipped' | 'cancelled';
  detail: string;
}

export type DetectStatus = 'complete' | 'deadline' | 'cancelled' | 'invalid';

export interface DetectResult {
  /** The address as used (IDN domain in punycode); '' when it was not an address. */
  email: string;
  domain: string;
  /** Best first; the first one that is not `insecure` is the one to offer. Plaintext is never first by itself. */
  smtp: Candidate[];
  imap: Candidate[];
  /** The SMTP candidate to offer first: encrypted, with a certificate that names its host; never a plaintext one. */
  best?: Candidate;
  trace: TraceStep[];
  status: DetectStatus;
  /** The provider the settings came from, when known (bundled data or an autoconfig file). */
  provider?: DetectedProvider;
  /** Set when status is 'invalid': what is wrong with the address. */
  error?: string;
}

export interface DetectedProvider {
  name: string;
  /** Its help pages (e.g. how to make an app password). */
  documentation?: string[];
  /** The OAuth provider id ('google', 'microsoft') whose sign-in these servers accept, when Outbox offers it. */
  signIn?: string;
}

export type HealthLevel = 'ok' | 'warning' | 'info';

export interface HealthAdvice {
  check: 'mx' | 'spf' | 'dmarc';
  level: HealthLevel;
  /** Plain advice with a next step where there is one. */
  message: string;
  /** The record found, word for word. */
  record?: string;
}

/** Verify before saving: which candidate signed in with the real password, and why the others did not. */
export interface VerifyOutcome {
  chosen?: Candidate;
  attempts: { candidate: Candidate; ok: boolean; verdict: { code: string; message: string; next: string } | null }[];
}
