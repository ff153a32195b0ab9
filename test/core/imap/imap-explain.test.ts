// Which kind of Sent-copy failure an imapflow or socket error is, and the server's reply kept word for word;
// the errors are shaped like the ones imapflow 2.10 raises (the Dovecot suites cover the real ones).
import { describe, expect, it } from 'vitest';
import { classifyImapError, explainFailure, serverReply } from '../../../electron/core/imap/imap-explain';

function imapError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('classifyImapError', () => {
  it.each([
    [
      'a refused LOGIN',
      imapError('Command failed', { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }),
      'connect',
      'auth',
    ],
    [
      'a server that wants TLS first',
      imapError('Command failed', { serverResponseCode: 'PRIVACYREQUIRED', responseStatus: 'NO' }),
      'connect',
      'tls',
    ],
    [
      'an untrusted certificate',
      imapError('unable to verify the first certificate', { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }),
      'connect',
      'tls',
    ],
    [
      'a certificate for another host',
      imapError("Hostname/IP does not match certificate's altnames", { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }),
      'connect',
      'tls',
    ],
    ['a refused connection', imapError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'connect', 'unavailable'],
    [
      'a silent server',
      imapError('Failed to receive greeting from server in required time', { code: 'GREETING_TIMEOUT' }),
      'connect',
      'unavailable',
    ],
    ['a missing folder on SELECT', imapError('Command failed', { responseStatus: 'NO', mailboxMissing: true }), 'select', 'folder-missing'],
    ['a full mailbox', imapError('Command failed', { responseStatus: 'NO', serverResponseCode: 'OVERQUOTA' }), 'append', 'over-quota'],
    [
      'a quota refusal without a code',
      imapError('Command failed', { responseStatus: 'NO', responseText: 'Quota exceeded' }),
      'append',
      'over-quota',
    ],
    [
      'any other APPEND refusal',
      imapError('Command failed', { responseStatus: 'NO', responseText: 'Message too large' }),
      'append',
      'append-refused',
    ],
    [
      'an APPEND reply that mentions TLS',
      imapError('Command failed TLS', { responseStatus: 'BAD', responseText: 'TLS' }),
      'append',
      'append-refused',
    ],
    ['something unexpected', new Error('boom'), 'other', 'protocol'],
  ] as const)('sorts %s', (_name, error, step, kind) => {
    expect(classifyImapError(error, step)).toBe(kind);
  });
});

describe('serverReply', () => {
  it('rebuilds the tagged reply from its status, code and text', () => {
    const error = imapError('Command failed', {
      responseStatus: 'NO',
      serverResponseCode: 'OVERQUOTA',
      responseText: 'Quota exceeded (mailbox for user is full)',
    });
    expect(serverReply(error)).toBe('NO [OVERQUOTA] Quota exceeded (mailbox for user is full)');
  });

  it('has none for errors that never reached the server', () => {
    expect(serverReply(new Error('connect ECONNREFUSED'))).toBeUndefined();
  });
});

describe('explainFailure', () => {
  it('gives catalogue-shaped data with the reply kept and retryable set per kind', () => {
    const info = explainFailure('unavailable', undefined, 'connect ECONNREFUSED');
    expect(info).toMatchObject({ retryable: true, detail: 'connect ECONNREFUSED' });
    expect(explainFailure('append-refused', 'NO nope').reply).toBe('NO nope');
  });
});
