import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, type DnsResolver } from '../../../electron/core/autodetect/dns';
import { probeDomain, type ProbePort } from '../../../electron/core/autodetect/probe';
import { Trace } from '../../../electron/core/autodetect/trace';
import { makeCerts, makeWrongHostCerts } from '../../peers/certs';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';
import { startImplicitTlsSmtp } from './implicit-tls-peer';
import { DROP, STALL, startRawSmtp } from '../../peers/raw-smtp';

const HOST = 'smtp.probe.test';
const certs = makeCerts({ hosts: [HOST, 'mail.probe.test', 'probe.test'] });
const closers: (() => Promise<void>)[] = [];
let dns: DnsPeer;
let resolver: DnsResolver;

async function implicitTls(opts: { wrongHost?: boolean; extensions?: string[] } = {}): Promise<number> {
  const c = opts.wrongHost ? makeWrongHostCerts() : certs;
  const server = await startImplicitTlsSmtp({ key: c.key, cert: c.cert, ...(opts.extensions ? { extensions: opts.extensions } : {}) });
  closers.push(() => server.close());
  return server.port;
}

async function raw(script: Parameters<typeof startRawSmtp>[0]): Promise<number> {
  const server = await startRawSmtp(script);
  closers.push(() => server.close());
  return server.port;
}

beforeAll(async () => {
  // Only smtp.probe.test resolves, so each case probes one host; mail. and the bare domain are NXDOMAIN.
  dns = await startDnsServer({ records: { [HOST]: [{ type: 'A', address: '127.0.0.1' }] } });
  resolver = createResolver({ servers: [dns.server], timeoutMs: 1000 });
});
afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await dns?.close();
});

function run(ports: ProbePort[], extra: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const trace = new Trace();
  return probeDomain(
    'probe.test',
    {
      email: 'ann@probe.test',
      resolver,
      ports,
      ca: certs.ca,
      timeoutMs: extra.timeoutMs ?? 1500,
      settleMs: 200,
      ...(extra.signal ? { signal: extra.signal } : {}),
    },
    trace,
  ).then((found) => ({ found, trace }));
}

describe('probing SMTP ports', () => {
  it('reads an implicit-TLS-only server: AUTH, SIZE and a matching certificate', async () => {
    const port = await implicitTls();
    const { found, trace } = await run([{ port, mode: 'tls' }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      host: HOST,
      port,
      security: 'tls',
      insecure: false,
      auth: ['password'],
      username: 'ann@probe.test',
      source: 'probe',
      verified: { authMechanisms: ['PLAIN', 'LOGIN'], size: 35882577, certificateMatchesHost: true },
    });
    expect(trace.steps.find((s) => s.step === 'probe resolve mail.probe.test')?.outcome).toBe('nothing');
  });

  it('upgrades a STARTTLS-only server and reads the AUTH offered after the upgrade', async () => {
    const port = await raw({ tls: certs, extensions: ['AUTH PLAIN LOGIN', 'SIZE 1048576'] });
    const { found } = await run([{ port, mode: 'starttls' }]);
    expect(found[0]).toMatchObject({
      security: 'starttls',
      insecure: false,
      verified: { startTls: true, authMechanisms: ['PLAIN', 'LOGIN'], size: 1048576, certificateMatchesHost: true },
    });
  });

  it('marks a server that does not offer STARTTLS as insecure', async () => {
    const port = await raw({ extensions: ['AUTH PLAIN LOGIN'] });
    const { found } = await run([{ port, mode: 'starttls' }]);
    expect(found[0]).toMatchObject({ security: 'none', insecure: true, verified: { startTls: false } });
    expect(found[0]?.notes.join(' ')).toMatch(/did not offer STARTTLS.*insecure/);
  });

  it('reports a server that offers no AUTH', async () => {
    const port = await raw({ tls: certs, extensions: ['PIPELINING'] });
    const { found } = await run([{ port, mode: 'starttls' }]);
    expect(found[0]).toMatchObject({ security: 'starttls', auth: [], verified: { authMechanisms: [] } });
    expect(found[0]?.notes).toContain('no sign-in (AUTH) offered');
  });

  it('reports a certificate made out to another host instead of hiding it', async () => {
    const port = await implicitTls({ wrongHost: true });
    const { found } = await run([{ port, mode: 'tls' }]);
    expect(found[0]?.verified?.certificateMatchesHost).toBe(false);
    expect(found[0]?.notes.join(' ')).toMatch(/does not match smtp\.probe\.test \(it names wrong-host\.invalid/);
  });

  it('gives up on a port that accepts and never speaks, within the timeout', async () => {
    const port = await raw({ greeting: STALL });
    const started = Date.now();
    const { found, trace } = await run([{ port, mode: 'starttls' }], { timeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(1200);
    expect(found).toEqual([]);
    expect(trace.steps.find((s) => s.step.startsWith(`probe ${HOST}:`))).toMatchObject({ outcome: 'timeout' });
  });

  it('reports a port that drops the connection', async () => {
    const port = await raw({ greeting: DROP });
    const { found, trace } = await run([{ port, mode: 'starttls' }]);
    expect(found).toEqual([]);
    const step = trace.steps.find((s) => s.step.startsWith(`probe ${HOST}:`));
    expect(step).toMatchObject({ outcome: 'error' });
    expect(step?.detail).toMatch(/closed/);
  });

  it('probes all ports at once and stops the silent ones soon after a good answer', async () => {
    const good = await raw({ tls: certs });
    const silent = await Promise.all([raw({ greeting: STALL }), raw({ greeting: STALL })]);
    const started = Date.now();
    const { found, trace } = await run(
      [
        { port: silent[0]!, mode: 'tls' },
        { port: good, mode: 'starttls' },
        { port: silent[1]!, mode: 'starttls' },
      ],
      { timeoutMs: 5000 },
    );
    expect(Date.now() - started).toBeLessThan(1500);
    expect(found.map((c) => c.port)).toEqual([good]);
    expect(trace.steps.filter((s) => s.outcome === 'skipped')).toHaveLength(2);
  });

  it('stops at once when cancelled', async () => {
    const port = await raw({ greeting: STALL });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const { trace } = await run([{ port, mode: 'starttls' }], { timeoutMs: 5000, signal: controller.signal });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(trace.steps.find((s) => s.step.startsWith(`probe ${HOST}:`))?.outcome).toBe('cancelled');
  });
});
