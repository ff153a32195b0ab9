// Test peers for OAuth: oauth2-mock-server on 127.0.0.1 with the requests it saw, a raw token endpoint
// for answers the mock cannot give (non-JSON, silence), and a fake browser that follows redirects.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';
import { oauthProviderSchema, type OAuthProvider } from '../../electron/core/oauth/providers';

export interface MockOAuth {
  server: OAuth2Server;
  provider: OAuthProvider;
  /** Query strings of authorization requests, in order. */
  authorizeRequests: Record<string, unknown>[];
  /** Form bodies posted to the token endpoint, in order. */
  tokenRequests: Record<string, unknown>[];
  stop(): Promise<void>;
}

export function providerAt(base: string, overrides: Partial<OAuthProvider> = {}): OAuthProvider {
  return oauthProviderSchema.parse({
    id: 'mock',
    name: 'Mock provider',
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    scopes: ['https://mail.example.test/', 'offline_access'],
    extraAuthParams: { access_type: 'offline' },
    smtp: { host: 'smtp.example.test', port: 465, security: 'tls' },
    imap: { host: 'imap.example.test', port: 993, security: 'tls' },
    ...overrides,
  });
}

export async function startMockOAuth(): Promise<MockOAuth> {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  await server.start(0, '127.0.0.1');
  const base = `http://127.0.0.1:${server.address().port}`;
  const authorizeRequests: Record<string, unknown>[] = [];
  const tokenRequests: Record<string, unknown>[] = [];
  server.service.on('beforeAuthorizeRedirect', (_redirect, req: http.IncomingMessage & { query?: Record<string, unknown> }) => {
    authorizeRequests.push({ ...req.query });
  });
  // Registered first, so it records even requests whose response a test rewrites.
  server.service.on('beforeResponse', (_response, req: { body: Record<string, unknown> }) => {
    tokenRequests.push({ ...req.body });
  });
  return {
    server,
    provider: providerAt(base),
    authorizeRequests,
    tokenRequests,
    stop: async () => {
      if (server.listening) await server.stop();
    },
  };
}

export interface RawServer {
  base: string;
  requests: number;
  stop(): Promise<void>;
}

/** A plain HTTP endpoint on loopback whose answer the test writes by hand (or never writes). */
export async function startRawServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<RawServer> {
  const server = http.createServer((req, res) => {
    raw.requests++;
    req.resume();
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const raw: RawServer = {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests: 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return raw;
}

export interface BrowserVisit {
  /** Where the provider sent the browser back to. */
  redirectedTo: string;
  status: number;
  page: string;
}

/** Does what a browser does with the authorization URL: GET it, follow the redirect to our loopback. */
export async function browse(url: string, rewrite?: (redirect: URL) => void): Promise<BrowserVisit> {
  const first = await fetch(url, { redirect: 'manual' });
  const location = first.headers.get('location');
  if (!location) throw new Error(`authorization endpoint answered ${first.status} without a redirect`);
  const target = new URL(location, url);
  rewrite?.(target);
  const second = await fetch(target);
  return { redirectedTo: target.href, status: second.status, page: await second.text() };
}

/** True once nothing listens on the URL's port any more. */
export async function isClosed(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(1_000) });
    return false;
  } catch {
    return true;
  }
}
