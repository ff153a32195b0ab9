// An RFC 7662 token-introspection endpoint on loopback for Dovecot's oauth2 passdb: it answers
// {"active": true, "username": …} for tokens the test issued and {"active": false} once they are revoked.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface IntrospectionPeer {
  url: string;
  /** Tokens Dovecot asked about, in order. */
  asked: string[];
  issue(token: string, username: string): void;
  revoke(token: string): void;
  stop(): Promise<void>;
}

export async function startIntrospection(): Promise<IntrospectionPeer> {
  const live = new Map<string, string>();
  const asked: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      asked.push(token);
      const username = live.get(token);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(
          username ? { active: true, username, scope: 'https://outlook.office.com/IMAP.AccessAsUser.All' } : { active: false },
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/introspect`,
    asked,
    issue: (token, username) => void live.set(token, username),
    revoke: (token) => void live.delete(token),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
