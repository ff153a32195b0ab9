// The loopback redirect of RFC 8252: a one-shot HTTP listener on 127.0.0.1 at a random port that takes
// the browser's return from the provider, checks `state`, shows a close-this-window page and shuts down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError } from '../../shared/errors';
import { OAuthError } from './oauth-error';
import { sameState } from './pkce';

export const CALLBACK_PATH = '/callback';

export interface LoopbackOptions {
  state: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface LoopbackRedirect {
  /** http://127.0.0.1:PORT/callback */
  redirectUri: string;
  /** Resolves with the authorization code of the one callback; rejects with an OAuthError. */
  waitForCode(): Promise<string>;
  /** Stops listening (idempotent); a pending waitForCode rejects as cancelled. */
  close(): Promise<void>;
}

const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  // The page is static and loads nothing: no script, style or image from anywhere.
  'Content-Security-Policy': "default-src 'none'",
  'Referrer-Policy': 'no-referrer',
};

function page(title: string, text: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${text}</p><p>You can close this window and return to Outbox.</p></body></html>`
  );
}

const DONE_PAGE = page('Signed in', 'Outbox received the sign-in.');
const FAILED_PAGE = page('Sign-in not completed', 'Outbox could not complete the sign-in; it shows you why.');
const STATE_PAGE = page(
  'Sign-in not completed',
  'This page came back from a different sign-in than the one Outbox started, so it was ignored.',
);

function checkCallback(url: URL, state: string): { code: string } | { error: OAuthError; page: string } {
  const params = url.searchParams;
  // State first: an error or code from a sign-in we did not start says nothing about ours.
  if (!sameState(state, params.get('state'))) {
    return { error: new OAuthError('state-mismatch'), page: STATE_PAGE };
  }
  const providerError = params.get('error');
  if (providerError !== null) {
    const description = params.get('error_description');
    const reply = description ? `${providerError}: ${description}` : providerError;
    const kind = providerError === 'access_denied' ? 'denied' : 'provider-error';
    return { error: new OAuthError(kind, { reply: reply.slice(0, 500) }), page: FAILED_PAGE };
  }
  const code = params.get('code');
  if (code === null || code.length === 0 || params.getAll('code').length > 1) {
    return { error: new OAuthError('malformed-redirect', { detail: 'no single code in the redirect' }), page: FAILED_PAGE };
  }
  return { code };
}

export async function startLoopbackRedirect(options: LoopbackOptions): Promise<LoopbackRedirect> {
  const { state, timeoutMs, signal } = options;
  if (signal?.aborted) throw new OAuthError('cancelled');

  let settle!: { resolve: (code: string) => void; reject: (error: OAuthError) => void };
  const result = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // A failure before anyone waits must not surface as an unhandled rejection.
  result.catch(() => {});
  let settled = false;

  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      // Not a URL any browser sends: answer it, but it does not end the wait.
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Bad request');
      return;
    }
    if (settled || req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      // Favicon probes, late reloads and strays do not count as the callback.
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end('Not found');
      return;
    }
    const checked = checkCallback(url, state);
    const ok = 'code' in checked;
    // Settle now so no second callback counts, but tell the caller only once the port is closed.
    finish(() => {});
    res.writeHead(ok ? 200 : 400, PAGE_HEADERS);
    // 'close' also fires when the browser hangs up before the page is sent, so the caller always hears.
    res.once('close', () => {
      void shutdown().then(() => (ok ? settle.resolve(checked.code) : settle.reject(checked.error)));
    });
    res.end(ok ? DONE_PAGE : checked.page);
  });
  server.keepAliveTimeout = 1_000;

  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      // The browser keeps its connection alive; do not let it hold the port open.
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 200).unref();
    });
    return closing;
  };

  const timer = setTimeout(() => {
    const error = new OAuthError('timeout', { detail: `no redirect within ${timeoutMs} ms` });
    finish(() => void shutdown().then(() => settle.reject(error)));
  }, timeoutMs);
  timer.unref();

  const onAbort = (): void => {
    finish(() => void shutdown().then(() => settle.reject(new OAuthError('cancelled'))));
  };
  signal?.addEventListener('abort', onAbort, { once: true });

  function finish(action: () => void): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    action();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // 127.0.0.1 only (not localhost, not ::): other machines and other interfaces cannot reach it.
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((error: unknown) => {
    finish(() => {});
    throw new AppError('INTERNAL', { detail: 'could not listen on 127.0.0.1 for the sign-in redirect', cause: error });
  });

  const { port } = server.address() as AddressInfo;
  return {
    redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`,
    waitForCode: () => result,
    close: async () => {
      finish(() => settle.reject(new OAuthError('cancelled')));
      await shutdown();
    },
  };
}
