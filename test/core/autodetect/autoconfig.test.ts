import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchDomainAutoconfig, fetchIspdbLive, type AutoconfigOptions } from '../../../electron/core/autodetect/autoconfig';
import { candidatesFromProvider, parseEmailAddress } from '../../../electron/core/autodetect/candidates';
import { createHttpFetcher } from '../../../electron/core/autodetect/fetcher';
import { Trace } from '../../../electron/core/autodetect/trace';
import { makeCerts } from '../../peers/certs';

function configXml(servers: string): string {
  return `<?xml version="1.0"?>
<clientConfig version="1.1"><emailProvider id="example"><domain>example</domain><displayName>Example Mail</displayName>
${servers}
</emailProvider></clientConfig>`;
}
const SECURE = configXml(`
<outgoingServer type="smtp"><hostname>smtp.example.net</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></outgoingServer>
<incomingServer type="imap"><hostname>imap.example.net</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication></incomingServer>`);
const PLAINTEXT = configXml(`
<outgoingServer type="smtp"><hostname>smtp.plain.test</hostname><port>25</port><socketType>plain</socketType><username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication></outgoingServer>`);

// Host → path prefix → reply; anything else is 404.
type Reply = { status?: number; body: string } | 'huge' | 'huge-chunked' | 'stall';
const HTTPS_ROUTES: Record<string, Record<string, Reply>> = {
  'live.ispdb.test': { '/autoconfig/v1.1/known.test': { body: SECURE } },
  'autoconfig.valid.test': { '/mail/config-v1.1.xml': { body: SECURE } },
  'wellknown.test': { '/.well-known/autoconfig/mail/config-v1.1.xml': { body: SECURE } },
  'autoconfig.malformed.test': { '/mail/config-v1.1.xml': { body: '<clientConfig><emailProvider id="x"><outgoingServer>' } },
  'autoconfig.huge.test': { '/mail/config-v1.1.xml': 'huge' },
  'huge.test': { '/.well-known/autoconfig/mail/config-v1.1.xml': 'huge-chunked' },
  'autoconfig.plain.test': { '/mail/config-v1.1.xml': { body: PLAINTEXT } },
  'autoconfig.slow.test': { '/mail/config-v1.1.xml': 'stall' },
};
const HTTP_ROUTES: Record<string, Record<string, Reply>> = {
  'autoconfig.httponly.test': { '/mail/config-v1.1.xml': { body: SECURE } },
};
const NAMES = [
  ...Object.keys(HTTPS_ROUTES),
  'autoconfig.httponly.test',
  'httponly.test',
  'valid.test',
  'autoconfig.wellknown.test',
  'malformed.test',
  'plain.test',
  'slow.test',
];

function handler(routes: Record<string, Record<string, Reply>>): http.RequestListener {
  return (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    const entry = Object.entries(routes[host] ?? {}).find(([prefix]) => (req.url ?? '').startsWith(prefix))?.[1];
    if (!entry) return void res.writeHead(404).end('not here');
    if (entry === 'stall') return;
    if (entry === 'huge') return void res.writeHead(200, { 'content-length': String(300 * 1024) }).end('x'.repeat(300 * 1024));
    if (entry === 'huge-chunked') {
      res.writeHead(200, { 'content-type': 'application/xml' });
      for (let i = 0; i < 40; i++) res.write(`<!-- ${'x'.repeat(10_000)} -->`);
      return void res.end();
    }
    res.writeHead(entry.status ?? 200, { 'content-type': 'application/xml' }).end(entry.body);
  };
}

let httpsServer: https.Server;
let httpServer: http.Server;
let options: AutoconfigOptions;

beforeAll(async () => {
  const certs = makeCerts({ hosts: NAMES });
  httpsServer = https.createServer({ key: certs.key, cert: certs.cert }, handler(HTTPS_ROUTES));
  httpServer = http.createServer(handler(HTTP_ROUTES));
  await Promise.all([httpsServer, httpServer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const httpsPort = (httpsServer.address() as AddressInfo).port;
  const httpPort = (httpServer.address() as AddressInfo).port;
  options = {
    fetcher: createHttpFetcher({
      ca: certs.ca,
      connect: (url) => ({ host: '127.0.0.1', port: url.protocol === 'https:' ? httpsPort : httpPort }),
    }),
    ispdbBase: 'https://live.ispdb.test/autoconfig/v1.1/',
    timeoutMs: 800,
  };
});
afterAll(async () => {
  for (const server of [httpsServer, httpServer]) {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  }
});

const email = (address: string) => {
  const parsed = parseEmailAddress(address);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.value;
};

describe('autoconfig over HTTPS', () => {
  it('reads the live ISPDB entry for a domain', async () => {
    const trace = new Trace();
    const found = await fetchIspdbLive('known.test', options, trace);
    expect(found?.source).toBe('ispdb-live');
    expect(found?.provider.smtp[0]).toMatchObject({ host: 'smtp.example.net', port: 465, security: 'tls' });
    expect(trace.steps[0]).toMatchObject({ outcome: 'found' });
  });

  it("reads the domain's autoconfig host, and the .well-known location", async () => {
    const found = await fetchDomainAutoconfig('valid.test', 'ann@valid.test', options, new Trace());
    expect(found).toMatchObject({
      source: 'autoconfig',
      url: 'https://autoconfig.valid.test/mail/config-v1.1.xml?emailaddress=ann%40valid.test',
    });
    const candidates = candidatesFromProvider(found!.provider, email('ann@valid.test'), found!.source);
    expect(candidates[0]).toMatchObject({
      host: 'smtp.example.net',
      port: 465,
      security: 'tls',
      username: 'ann@valid.test',
      insecure: false,
    });
    const wellKnown = await fetchDomainAutoconfig('wellknown.test', 'ann@wellknown.test', options, new Trace());
    expect(wellKnown?.url).toBe('https://wellknown.test/.well-known/autoconfig/mail/config-v1.1.xml');
  });

  it('reports malformed XML in the trace and finds nothing', async () => {
    const trace = new Trace();
    expect(await fetchDomainAutoconfig('malformed.test', 'a@malformed.test', options, trace)).toBeUndefined();
    const step = trace.steps.find((s) => s.step.includes('autoconfig.malformed.test') && s.step.startsWith('autoconfig '));
    expect(step).toMatchObject({ outcome: 'error' });
    expect(step?.detail).toMatch(/unusable autoconfig file: not well-formed XML/);
  });

  it('rejects a huge file, announced or streamed', async () => {
    const trace = new Trace();
    expect(await fetchDomainAutoconfig('huge.test', 'a@huge.test', options, trace)).toBeUndefined();
    const rejected = trace.steps.filter((s) => s.detail.startsWith('rejected:'));
    expect(rejected).toHaveLength(2);
    expect(rejected.map((s) => s.detail).join(' ')).toMatch(/limit/);
  });

  it('marks candidates from a plaintext-only config as insecure', async () => {
    const trace = new Trace();
    const found = await fetchDomainAutoconfig('plain.test', 'bob@plain.test', options, trace);
    expect(trace.steps.find((s) => s.outcome === 'found')?.detail).toMatch(/unencrypted servers only/);
    const [candidate] = candidatesFromProvider(found!.provider, email('bob@plain.test'), found!.source);
    expect(candidate).toMatchObject({ security: 'none', insecure: true, username: 'bob' });
  });

  it('falls back to plain http last, and marks it', async () => {
    const trace = new Trace();
    const found = await fetchDomainAutoconfig('httponly.test', 'a@httponly.test', options, trace);
    expect(found?.source).toBe('autoconfig-http');
    expect(trace.steps.at(-1)?.detail).toMatch(/plain http/);
    expect(trace.steps.filter((s) => s.step.startsWith('autoconfig https')).every((s) => s.outcome === 'nothing')).toBe(true);
  });

  it('gives up on a server that never answers within the per-request timeout', async () => {
    const trace = new Trace();
    const started = Date.now();
    await fetchDomainAutoconfig('slow.test', 'a@slow.test', options, trace);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(trace.steps.find((s) => s.step.includes('autoconfig.slow.test'))?.outcome).toBe('timeout');
  });

  it('reports a certificate for another host as an error', async () => {
    const trace = new Trace();
    const fetcher = createHttpFetcher({
      ca: makeCerts({ hosts: ['someone-else.test'] }).ca,
      connect: () => ({ host: '127.0.0.1', port: (httpsServer.address() as AddressInfo).port }),
    });
    await fetchIspdbLive('known.test', { ...options, fetcher, ispdbBase: 'https://unlisted.test/' }, trace);
    expect(trace.steps[0]).toMatchObject({ outcome: 'error' });
    expect(trace.steps[0]?.detail).toMatch(/secure connection failed/);
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    const trace = new Trace();
    const pending = fetchDomainAutoconfig('slow.test', 'a@slow.test', { ...options, timeoutMs: 5000, signal: controller.signal }, trace);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(await pending).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(trace.steps.some((s) => s.outcome === 'cancelled')).toBe(true);
  });
});
