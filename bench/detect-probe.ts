// detect_probe_ms: an unknown domain with no autoconfig and no SRV, where only STARTTLS on the 587 stand-in
// answers and the other probed ports accept and never speak; everything on loopback (DNS, HTTPS, SMTP).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { detect } from '../electron/core/autodetect/detect';
import { createResolver } from '../electron/core/autodetect/dns';
import { createHttpFetcher } from '../electron/core/autodetect/fetcher';
import { makeCerts } from '../test/peers/certs';
import { startDnsServer } from '../test/peers/dns-server';
import { STALL, startRawSmtp } from '../test/peers/raw-smtp';

const DOMAIN = 'unknown-bench.test';

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** Milliseconds from the address to the ranked result (target ≤ 3000). */
export async function benchDetectProbe(): Promise<number> {
  const hosts = [`smtp.${DOMAIN}`, `mail.${DOMAIN}`, DOMAIN];
  const certs = makeCerts({ hosts: [...hosts, `autoconfig.${DOMAIN}`, 'ispdb.bench.test'] });
  const dns = await startDnsServer({
    records: {
      [DOMAIN]: [
        { type: 'A', address: '127.0.0.1' },
        { type: 'MX', exchange: `mx.${DOMAIN}`, priority: 10 },
      ],
      [`smtp.${DOMAIN}`]: [{ type: 'A', address: '127.0.0.1' }],
      [`mail.${DOMAIN}`]: [{ type: 'A', address: '127.0.0.1' }],
    },
  });
  const notFound: http.RequestListener = (_req, res) => void res.writeHead(404).end();
  const httpsServer = https.createServer({ key: certs.key, cert: certs.cert }, notFound);
  const httpServer = http.createServer(notFound);
  const [httpsPort, httpPort] = await Promise.all([listen(httpsServer), listen(httpServer)]);
  const starttls = await startRawSmtp({ tls: certs, extensions: ['AUTH PLAIN LOGIN', 'SIZE 52428800'] });
  const silent = await Promise.all([1, 2, 3].map(() => startRawSmtp({ greeting: STALL })));
  try {
    const started = performance.now();
    const result = await detect(`someone@${DOMAIN}`, {
      resolver: createResolver({ servers: [dns.server] }),
      fetcher: createHttpFetcher({
        ca: certs.ca,
        connect: (url) => ({ host: '127.0.0.1', port: url.protocol === 'https:' ? httpsPort : httpPort }),
      }),
      ispdbBase: 'https://ispdb.bench.test/autoconfig/v1.1/',
      probeCa: certs.ca,
      probePorts: [
        { port: silent[0]!.port, mode: 'tls' },
        { port: starttls.port, mode: 'starttls' },
        { port: silent[1]!.port, mode: 'starttls' },
        { port: silent[2]!.port, mode: 'starttls' },
      ],
    });
    const elapsed = performance.now() - started;
    const best = result.smtp[0];
    if (best?.security !== 'starttls' || best.port !== starttls.port)
      throw new Error(`detect_probe: expected the STARTTLS port first, got ${JSON.stringify(best)}`);
    return elapsed;
  } finally {
    for (const server of [httpsServer, httpServer]) {
      server.closeAllConnections();
      server.close();
    }
    await Promise.all([starttls, ...silent].map((s) => s.close()));
    await dns.close();
  }
}
