// The HTTP(S) GET autoconfig needs, behind an injectable function: a byte cap enforced while reading,
// cancellation by AbortSignal, no redirects, and (for tests) a trusted CA and a loopback connect target.
import http from 'node:http';
import https from 'node:https';

export interface FetchedText {
  status: number;
  body: string;
}

export type FetchFailure = 'too-large' | 'network' | 'tls' | 'aborted';

export class FetchError extends Error {
  constructor(
    readonly kind: FetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FetchError';
  }
}

export type Fetcher = (url: string, options: { signal: AbortSignal; maxBytes: number }) => Promise<FetchedText>;

export interface HttpFetcherOptions {
  /** Extra CA certificates to trust (tests); the system's are used otherwise. */
  ca?: string | string[];
  /** Where to connect instead of the URL's host (tests: loopback); TLS still verifies the URL's host name. */
  connect?: (url: URL) => { host: string; port: number };
  /** Resolves host names with this instead of the system (`outbox detect --dns-server`: every query goes there). */
  resolve4?: (host: string) => Promise<string[]>;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

function lookupWith(resolve4: (host: string) => Promise<string[]>) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    resolve4(hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 4);
        if (options.all)
          callback(
            null,
            addresses.map((address) => ({ address, family: 4 })),
          );
        else callback(null, first, 4);
      },
      (error: NodeJS.ErrnoException) => callback(Object.assign(error, { code: error.code ?? 'ENOTFOUND' }), '', 4),
    );
  };
}

const TLS_CODES = /CERT|SELF_SIGNED|ALTNAME|UNABLE_TO_VERIFY|ERR_TLS|SSL/;

export function createHttpFetcher(options: HttpFetcherOptions = {}): Fetcher {
  return (href, { signal, maxBytes }) =>
    new Promise<FetchedText>((resolve, reject) => {
      const url = new URL(href);
      const secure = url.protocol === 'https:';
      const target = options.connect?.(url) ?? { host: url.hostname, port: Number(url.port) || (secure ? 443 : 80) };
      const common = {
        host: target.host,
        port: target.port,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        headers: { host: url.host, accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' },
        signal,
        agent: false as const,
        ...(options.resolve4 ? { lookup: lookupWith(options.resolve4) as never } : {}),
      };
      const onResponse = (res: http.IncomingMessage): void => {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) {
          res.destroy();
          reject(new FetchError('too-large', `the file is ${declared} bytes, over the ${maxBytes}-byte limit`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            reject(new FetchError('too-large', `the file is over the ${maxBytes}-byte limit`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (error) => reject(wrap(error, signal)));
      };
      const req = secure
        ? https.request({ ...common, servername: url.hostname, ...(options.ca ? { ca: options.ca } : {}) }, onResponse)
        : http.request(common, onResponse);
      req.on('error', (error) => reject(wrap(error, signal)));
      req.end();
    });
}

function wrap(error: Error, signal: AbortSignal): FetchError {
  if (signal.aborted) return new FetchError('aborted', 'cancelled', { cause: error });
  const code = String((error as { code?: unknown }).code ?? '');
  if (TLS_CODES.test(code)) return new FetchError('tls', `the secure connection failed (${code})`, { cause: error });
  return new FetchError('network', code ? `${code}: ${error.message}` : error.message, { cause: error });
}
