import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectCache, detect, type DetectOptions } from '../../../electron/core/autodetect/detect';
import { createResolver, type DnsResolver } from '../../../electron/core/autodetect/dns';
import type { Fetcher } from '../../../electron/core/autodetect/fetcher';
import { makeCerts } from '../../peers/certs';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';
import { STALL, startRawSmtp } from '../../peers/raw-smtp';

const CONFIG = `<?xml version="1.0"?><clientConfig version="1.1"><emailProvider id="ac.test"><domain>ac.test</domain><displayName>AC Mail</displayName>
<outgoingServer type="smtp"><hostname>relay.ac.test</hostname><port>25</port><socketType>plain</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.ac.test</hostname><port>587</port><socketType>STARTTLS</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
<outgoingServer type="smtp"><hostname>smtp.ac.test</hostname><port>465</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></outgoingServer>
<incomingServer type="imap"><hostname>imap.ac.test</hostname><port>993</port><socketType>SSL</socketType><username>%EMAILLOCALPART%</username></incomingServer>
</emailProvider></clientConfig>`;

/** An in-memory fetcher: URL prefix → body, 'stall' waits for the abort, anything else is 404. Counts calls. */
function fakeFetcher(routes: Record<string, string | 'stall'> = {}): Fetcher & { calls: string[] } {
  const calls: string[] = [];
  const fetcher: Fetcher = async (url, { signal }) => {
    calls.push(url);
    const hit = Object.entries(routes).find(([prefix]) => url.startsWith(prefix))?.[1];
    if (hit === 'stall') {
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    }
    return hit === undefined || hit === 'stall' ? { status: 404, body: '' } : { status: 200, body: hit };
  };
  return Object.assign(fetcher, { calls });
}

const noDns: DnsResolver = {
  resolveMx: () => Promise.reject(new Error('no DNS expected')),
  resolveSrv: () => Promise.reject(new Error('no DNS expected')),
  resolveTxt: () => Promise.reject(new Error('no DNS expected')),
  resolve4: () => Promise.reject(new Error('no DNS expected')),
};

const certs = makeCerts({ hosts: ['smtp.probe.test', 'mail.probe.test', 'probe.test'] });
const closers: (() => Promise<void>)[] = [];
let dns: DnsPeer;
let resolver: DnsResolver;
let probePorts: DetectOptions['probePorts'];

beforeAll(async () => {
  dns = await startDnsServer({
    records: {
      'srv.test': [{ type: 'A', address: '127.0.0.1' }],
      '_submissions._tcp.srv.test': [{ type: 'SRV', target: 'mail.srv.test', port: 465, priority: 0, weight: 0 }],
      '_submission._tcp.srv.test': [{ type: 'SRV', target: '.', port: 0, priority: 0, weight: 0 }],
      'workspace.test': [
        { type: 'MX', exchange: 'aspmx.l.google.com', priority: 1 },
        { type: 'MX', exchange: 'alt1.aspmx.l.google.com', priority: 5 },
      ],
      'ac.test': [{ type: 'MX', exchange: 'mx.ac.test', priority: 10 }],
      'probe.test': [
        { type: 'MX', exchange: 'mx.probe.test', priority: 10 },
        { type: 'A', address: '127.0.0.1' },
      ],
      'smtp.probe.test': [{ type: 'A', address: '127.0.0.1' }],
      'mail.probe.test': [{ type: 'A', address: '127.0.0.1' }],
    },
    silent: ['slow.test', '_submissions._tcp.slow.test', '_submission._tcp.slow.test', '_imaps._tcp.slow.test', '_imap._tcp.slow.test'],
  });
  resolver = createResolver({ servers: [dns.server], timeoutMs: 1000 });
  const good = await startRawSmtp({ tls: certs, extensions: ['AUTH PLAIN LOGIN', 'SIZE 10485760'] });
  const silent = await Promise.all([1, 2, 3].map(() => startRawSmtp({ greeting: STALL })));
  for (const s of [good, ...silent]) closers.push(() => s.close());
  probePorts = [
    { port: silent[0]!.port, mode: 'tls' },
    { port: good.port, mode: 'starttls' },
    { port: silent[1]!.port, mode: 'starttls' },
    { port: silent[2]!.port, mode: 'starttls' },
  ];
});
afterAll(async () => {
  await Promise.all(closers.map((c) => c()));
  await dns?.close();
});

describe('detect', () => {
  it('explains an address without @ and does nothing else', async () => {
    const result = await detect('ann.example.com', { resolver: noDns, fetcher: fakeFetcher() });
    expect(result.status).toBe('invalid');
    expect(result.error).toMatch(/no @/);
    expect(result.trace).toEqual([expect.objectContaining({ step: 'address', outcome: 'error' })]);
  });

  it('answers a bundled provider instantly without touching the network', async () => {
    const fetcher = fakeFetcher();
    const started = performance.now();
    const result = await detect('Ann.Example@gmail.com', { resolver: noDns, fetcher });
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.smtp[0]).toMatchObject({
      host: 'smtp.gmail.com',
      port: 465,
      security: 'tls',
      source: 'bundled',
      username: 'Ann.Example@gmail.com',
    });
    expect(result.imap[0]).toMatchObject({ host: 'imap.gmail.com', port: 993 });
    expect(fetcher.calls).toEqual([]);
  });

  it('recognises a Google Workspace domain by its MX', async () => {
    const result = await detect('boss@workspace.test', { resolver, fetcher: fakeFetcher() });
    expect(result.smtp[0]).toMatchObject({ host: 'smtp.gmail.com', source: 'bundled-mx', username: 'boss@workspace.test' });
    expect(result.trace.find((s) => s.step === 'mx workspace.test')?.detail).toMatch(/aspmx\.l\.google\.com/);
    expect(result.trace.find((s) => s.step === 'probe')?.outcome).toBe('skipped');
  });

  it('uses SRV records and notes the service published as "."', async () => {
    const result = await detect('a@srv.test', { resolver, fetcher: fakeFetcher() });
    expect(result.smtp.map((c) => [c.host, c.port, c.security, c.source])).toEqual([['mail.srv.test', 465, 'tls', 'srv']]);
    expect(result.trace.find((s) => s.step === 'srv _submission._tcp.srv.test')?.detail).toMatch(/explicitly not offered/);
  });

  it('ranks autoconfig results: implicit TLS, then STARTTLS, plaintext last and marked insecure', async () => {
    const fetcher = fakeFetcher({ 'https://autoconfig.ac.test/': CONFIG });
    const result = await detect('carol@ac.test', { resolver, fetcher });
    expect(result.smtp.map((c) => [c.port, c.security, c.insecure])).toEqual([
      [465, 'tls', false],
      [587, 'starttls', false],
      [25, 'none', true],
    ]);
    expect(result.smtp[0]).toMatchObject({ source: 'autoconfig', username: 'carol' });
    expect(result.best).toBe(result.smtp[0]);
    expect(result.imap[0]).toMatchObject({ host: 'imap.ac.test', port: 993 });
    expect(result.status).toBe('complete');
  });

  it('probes only when nothing was published, and finds the STARTTLS port among silent ones', async () => {
    const started = performance.now();
    const result = await detect('dave@probe.test', {
      resolver,
      fetcher: fakeFetcher(),
      probePorts,
      probeCa: certs.ca,
      probeTimeoutMs: 2000,
    });
    expect(performance.now() - started).toBeLessThan(2500);
    expect(result.smtp[0]).toMatchObject({
      security: 'starttls',
      source: 'probe',
      insecure: false,
      verified: { startTls: true, authMechanisms: ['PLAIN', 'LOGIN'], certificateMatchesHost: true },
    });
    expect(result.trace.some((s) => s.step.startsWith('probe smtp.probe.test:'))).toBe(true);
  });

  it('never offers a plaintext-only result as the one to use', async () => {
    const plainOnly = CONFIG.replace(/<outgoingServer type="smtp"><hostname>smtp\.ac\.test[\s\S]*?<incomingServer/, '<incomingServer');
    const result = await detect('carol@ac.test', { resolver, fetcher: fakeFetcher({ 'https://autoconfig.ac.test/': plainOnly }) });
    expect(result.smtp).toEqual([expect.objectContaining({ port: 25, security: 'none', insecure: true })]);
    expect(result.smtp[0]?.notes.join(' ')).toMatch(/insecure, not recommended/);
    expect(result.best).toBeUndefined();
  });

  it('converts an IDN domain to punycode and reports that the domain does not exist', async () => {
    const started = performance.now();
    const result = await detect('anna@ünicode.example', { resolver, fetcher: fakeFetcher() });
    expect(result.domain).toBe('xn--nicode-2ya.example');
    expect(result.trace[0]?.detail).toMatch(/punycode/);
    expect(result.trace.find((s) => s.step === 'domain')).toMatchObject({
      outcome: 'error',
      detail: expect.stringMatching(/does not exist/),
    });
    expect(result.trace.find((s) => s.step === 'probe')?.outcome).toBe('skipped');
    expect(result.smtp).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('returns the best found so far at the deadline, with DNS timeouts in the trace', async () => {
    const fetcher = fakeFetcher({
      'https://live.thunderbird.net/autoconfig/v1.1/slow.test': CONFIG.replaceAll('ac.test', 'slow.test'),
      'https://autoconfig.slow.test/': 'stall',
      'https://slow.test/': 'stall',
    });
    const slowResolver = createResolver({ servers: [dns.server], timeoutMs: 600 });
    const started = performance.now();
    const result = await detect('e@slow.test', { resolver: slowResolver, fetcher, deadlineMs: 900 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(900 + 250);
    expect(result.status).toBe('deadline');
    expect(result.smtp[0]).toMatchObject({ host: 'smtp.slow.test', port: 465, source: 'ispdb-live' });
    expect(result.trace.find((s) => s.step === 'mx slow.test')?.outcome).toBe('timeout');
    expect(result.trace.at(-1)).toMatchObject({ step: 'detect', outcome: 'timeout' });
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const fetcher = fakeFetcher({ 'https://': 'stall' });
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    const result = await detect('f@slow.test', { resolver, fetcher, signal: controller.signal });
    expect(performance.now() - started).toBeLessThan(400);
    expect(result.status).toBe('cancelled');
    expect(result.trace.at(-1)).toMatchObject({ step: 'detect', outcome: 'cancelled' });
  });

  it('caches per domain for the session and resolves the user name per address', async () => {
    const cache = new DetectCache();
    const fetcher = fakeFetcher({ 'https://autoconfig.ac.test/': CONFIG });
    await detect('carol@ac.test', { resolver, fetcher, cache });
    const callsAfterFirst = fetcher.calls.length;
    const queriesAfterFirst = dns.queries.length;
    const second = await detect('dan@ac.test', { resolver, fetcher, cache });
    expect(fetcher.calls.length).toBe(callsAfterFirst);
    expect(dns.queries.length).toBe(queriesAfterFirst);
    expect(second.smtp[0]).toMatchObject({ host: 'smtp.ac.test', username: 'dan' });
    expect(second.trace.find((s) => s.step === 'cache')?.outcome).toBe('found');
  });
});
