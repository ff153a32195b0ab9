// An account's connection test as the user reads it: the overall verdict (cause + next), each server's capabilities,
// certificate and timings, the transcript behind a disclosure, and "Trust this certificate" after its fingerprint.
import type { AccountTestReport, CertificateSummary, CheckVerdict } from '../../../../electron/shared/ipc-contract';
import { ErrorNotice } from '../error-notice';

type Server = 'smtp' | 'imap';

// Verdicts a pinned certificate can answer: the chain is not trusted or does not name the host.
const CERTIFICATE_KINDS = new Set(['tls-untrusted', 'tls-hostname', 'tls-expired']);

function canTrust(verdict: CheckVerdict | null, certificate: CertificateSummary | undefined): boolean {
  return !!certificate && !certificate.pinned && !!verdict && CERTIFICATE_KINDS.has(verdict.kind);
}

function Certificate({ certificate }: { certificate: CertificateSummary }) {
  return (
    <dl className="settings-cert">
      <dt>Subject</dt>
      <dd>{certificate.subject}</dd>
      <dt>Issuer</dt>
      <dd>{certificate.issuer}</dd>
      <dt>Valid</dt>
      <dd>
        {day(certificate.validFrom)} to {day(certificate.validTo)}
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd>
        <code className="settings-cert__fingerprint">{certificate.fingerprint256}</code>
      </dd>
      <dt>Trust</dt>
      <dd>
        {certificate.pinned
          ? 'Pinned for this account'
          : certificate.trusted
            ? 'Issued by a trusted authority'
            : 'Not issued by an authority your system trusts'}
        {certificate.hostMatches ? '' : '; it does not name this server'}
      </dd>
    </dl>
  );
}

function Timings({ timings }: { timings: Record<string, number | null> }) {
  const entries = Object.entries(timings).filter(([, ms]) => ms !== null);
  return <p className="settings-timings">{entries.map(([step, ms]) => `${step.replace(/Ms$/, '')} ${ms} ms`).join(' · ')}</p>;
}

function Flag({ on, name }: { on: boolean; name: string }) {
  return (
    <li>
      {name}: {on ? 'yes' : 'no'}
    </li>
  );
}

interface Props {
  report: AccountTestReport;
  onTrust(fingerprint: string, server: Server): void;
  trusting: boolean;
}

export function TestReport({ report, onTrust, trusting }: Props) {
  const smtp = report.smtp;
  const caps = smtp.server.capabilities;
  const overall = smtp.verdict ?? report.imap?.verdict ?? null;
  return (
    <section className="settings-report" aria-label={`Connection test for ${report.account}`}>
      {report.ok ? (
        <p className="settings-verdict settings-verdict--ok" role="status">
          The connection test passed: Outbox can sign in and send.
        </p>
      ) : overall ? (
        <ErrorNotice problem={overall} />
      ) : (
        <ErrorNotice problem={{ message: 'The connection test did not pass.', next: 'Read the details below.' }} />
      )}
      {report.notes.length > 0 ? (
        <ul className="settings-report__notes">
          {report.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
      <h4 className="settings-report__heading">Outgoing server (SMTP): {smtp.ok ? 'OK' : 'failed'}</h4>
      {smtp.verdict && overall !== smtp.verdict ? <ErrorNotice problem={smtp.verdict} /> : null}
      {caps ? (
        <ul className="settings-caps" aria-label="SMTP capabilities">
          <li>AUTH: {caps.auth.length > 0 ? caps.auth.join(', ') : 'none offered'}</li>
          <li>SIZE: {caps.size ? `${Math.round(caps.size / 1024 / 1024)} MB (${caps.size} bytes)` : 'not announced'}</li>
          <Flag name="8BITMIME" on={caps.eightBitMime} />
          <Flag name="SMTPUTF8" on={caps.smtpUtf8} />
          <Flag name="PIPELINING" on={caps.pipelining} />
        </ul>
      ) : null}
      {smtp.certificate ? <Certificate certificate={smtp.certificate} /> : null}
      {canTrust(smtp.verdict, smtp.certificate) && smtp.certificate ? (
        <TrustButton fingerprint={smtp.certificate.fingerprint256} server="smtp" onTrust={onTrust} busy={trusting} />
      ) : null}
      <Timings timings={smtp.timings} />
      {report.imap ? (
        <>
          <h4 className="settings-report__heading">IMAP server (Sent copy): {report.imap.ok ? 'OK' : 'failed'}</h4>
          {report.imap.verdict && overall !== report.imap.verdict ? <ErrorNotice problem={report.imap.verdict} /> : null}
          {report.imap.server.capabilities.length > 0 ? (
            <p className="settings-caps">Capabilities: {report.imap.server.capabilities.join(' ')}</p>
          ) : null}
          {report.imap.sentFolder ? <p>Sent folder: {report.imap.sentFolder.path}</p> : null}
          {report.imap.certificate ? <Certificate certificate={report.imap.certificate} /> : null}
          {canTrust(report.imap.verdict, report.imap.certificate) && report.imap.certificate ? (
            <TrustButton fingerprint={report.imap.certificate.fingerprint256} server="imap" onTrust={onTrust} busy={trusting} />
          ) : null}
          <Timings timings={report.imap.timings} />
        </>
      ) : null}
      <details className="settings-disclosure">
        <summary>Show transcript</summary>
        {/* Focusable so keyboard users can scroll a long transcript. */}
        <pre className="settings-transcript" tabIndex={0} role="region" aria-label="Transcript of the connection test">
          {[...smtp.transcript, ...(report.imap ? ['', ...report.imap.transcript] : [])].join('\n')}
        </pre>
      </details>
    </section>
  );
}

function TrustButton({
  fingerprint,
  server,
  onTrust,
  busy,
}: {
  fingerprint: string;
  server: Server;
  onTrust(f: string, s: Server): void;
  busy: boolean;
}) {
  return (
    <div className="settings-trust">
      <p className="field__hint">
        Trust this exact certificate only if the fingerprint above matches the one your server's administrator gives you. Outbox then
        accepts this certificate, and no other, for this account.
      </p>
      <button type="button" className="btn" disabled={busy} onClick={() => onTrust(fingerprint, server)}>
        Trust this certificate
      </button>
    </div>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A certificate date as people read one; kept as given when it is not a date. */
function day(value: string): string {
  const time = Date.parse(value);
  return Number.isNaN(time) ? value : dateFormat.format(time);
}
