// Verify before saving: the detected SMTP candidates are tried in their ranked order with the user's real
// credentials through the connection test; the first that signs in wins, and each one that failed says why.
import type { Candidate } from '../../shared/autodetect';
import type { Credentials } from '../ports';
import { checkSmtp, type SmtpCheckOptions } from '../diagnostics/smtp-check';
import type { ConnectionReport } from '../diagnostics/connection-report';

export interface VerifyAttempt {
  candidate: Candidate;
  ok: boolean;
  /** Why this one did not do, in plain words with a next step (the connection test's verdict). */
  verdict: ConnectionReport['verdict'];
}

export interface VerifyResult {
  /** The first candidate that connected securely and signed in, with its full report. */
  chosen?: Candidate;
  report?: ConnectionReport;
  attempts: VerifyAttempt[];
}

export interface VerifyOptions {
  /** How many candidates to try at most (default 4). */
  limit?: number;
  check?: (options: SmtpCheckOptions) => Promise<ConnectionReport>;
  tls?: SmtpCheckOptions['tls'];
  timeouts?: SmtpCheckOptions['timeouts'];
}

/** Tries the encrypted candidates in order; an unencrypted one is never tried (nor chosen) by itself. */
export async function verifyCandidates(
  candidates: readonly Candidate[],
  password: string | null,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const check = options.check ?? checkSmtp;
  const attempts: VerifyAttempt[] = [];
  for (const candidate of candidates.filter((c) => c.protocol === 'smtp' && !c.insecure).slice(0, options.limit ?? 4)) {
    const credentials: Credentials | null = password === null ? null : { kind: 'password', user: candidate.username, password };
    const report = await check({
      host: candidate.host,
      port: candidate.port,
      security: candidate.security,
      insecure: false,
      user: candidate.username,
      credentials,
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    });
    attempts.push({ candidate, ok: report.ok, verdict: report.verdict });
    if (report.ok) return { chosen: candidate, report, attempts };
  }
  return { attempts };
}
