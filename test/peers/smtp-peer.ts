// A real SMTP server (smtp-server) on 127.0.0.1 for tests: STARTTLS or implicit TLS with a test
// certificate, AUTH against a user table, and a record of connections, logins and messages.
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { TestCerts } from './certs';

export interface ReceivedMessage {
  from: string;
  to: string[];
  /** The message as the server stored it: dot-unstuffed, ending with the CRLF before the final dot. */
  raw: Buffer;
  user: string | undefined;
  secure: boolean;
}

export interface SmtpPeerOptions {
  certs: TestCerts;
  /** Implicit TLS (port 465 style) instead of STARTTLS. */
  secure?: boolean;
  /** user → password. Without users, AUTH is optional and not checked. */
  users?: Record<string, string>;
  /** Default PLAIN, LOGIN, CRAM-MD5. */
  authMethods?: string[];
  /** Anything else smtp-server takes (hideSTARTTLS, size, onRcptTo, ...). */
  server?: Partial<SMTPServerOptions>;
  /** Awaited after a message's DATA arrived and before the server answers: a test holds a send in flight with it. */
  beforeReply?: () => Promise<void>;
}

export interface SmtpPeer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly messages: ReceivedMessage[];
  /** How many TCP connections the server accepted. */
  connections(): number;
  readonly logins: { method: string; username: string; ok: boolean }[];
  close(): Promise<void>;
}

export async function startSmtpPeer(options: SmtpPeerOptions): Promise<SmtpPeer> {
  const messages: ReceivedMessage[] = [];
  const logins: SmtpPeer['logins'] = [];
  let connections = 0;
  const users = options.users;

  const server = new SMTPServer({
    secure: options.secure ?? false,
    key: options.certs.key,
    cert: options.certs.cert,
    logger: false,
    disableReverseLookup: true,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    authOptional: !users,
    closeTimeout: 100,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(auth, _session, callback) {
      const expected = users?.[auth.username ?? ''];
      const ok = expected !== undefined && (auth.method === 'CRAM-MD5' ? auth.validatePassword(expected) : auth.password === expected);
      logins.push({ method: auth.method, username: auth.username ?? '', ok });
      if (!ok) {
        callback(Object.assign(new Error('5.7.8 Error: authentication failed: Invalid username or password'), { responseCode: 535 }));
        return;
      }
      callback(null, { user: auth.username });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', async () => {
        await options.beforeReply?.();
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          user: typeof session.user === 'string' ? session.user : undefined,
          secure: session.secure,
        });
        callback(null, `2.0.0 Ok: queued as PEER${messages.length}`);
      });
    },
    ...options.server,
  });
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    messages,
    connections: () => connections,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
