// The shapes autodetection works with: server settings found for an address, where they came from,
// and the trace of every step, shared by the bundled data, the network lookups and the ranking.
import type { Security } from '../../shared/account';

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
  verified?: { startTls: boolean; authMechanisms: string[]; size?: number; certificateMatchesHost?: boolean };
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
