import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, DnsError, parseDnsServer } from '../../../electron/core/autodetect/dns';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';

let peer: DnsPeer;

beforeAll(async () => {
  peer = await startDnsServer({
    records: {
      'example.test': [
        { type: 'A', address: '127.0.0.1' },
        { type: 'MX', exchange: 'mx2.example.test', priority: 20 },
        { type: 'MX', exchange: 'mx1.example.test', priority: 10 },
        { type: 'TXT', data: 'v=spf1 include:_spf.example.net -all' },
      ],
      '_submissions._tcp.example.test': [{ type: 'SRV', target: 'smtp.example.test', port: 465, priority: 0, weight: 1 }],
      '_submission._tcp.example.test': [{ type: 'SRV', target: '.', port: 0, priority: 0, weight: 0 }],
    },
    servfail: ['broken.test'],
    silent: ['slow.test'],
  });
});
afterAll(async () => peer?.close());

describe('DNS resolver', () => {
  const resolver = () => createResolver({ servers: [peer.server], timeoutMs: 600 });

  it('sends every query to the given server and reads A, MX, TXT and SRV records', async () => {
    const r = resolver();
    expect(await r.resolve4('example.test')).toEqual(['127.0.0.1']);
    expect((await r.resolveMx('example.test')).sort((a, b) => a.priority - b.priority)).toEqual([
      { exchange: 'mx1.example.test', priority: 10 },
      { exchange: 'mx2.example.test', priority: 20 },
    ]);
    expect(await r.resolveTxt('example.test')).toEqual([['v=spf1 include:_spf.example.net -all']]);
    expect(await r.resolveSrv('_submissions._tcp.example.test')).toEqual([
      { name: 'smtp.example.test', port: 465, priority: 0, weight: 1 },
    ]);
    expect(peer.queries).toContain('MX example.test');
  });

  it('reads an SRV record whose target is the root "."', async () => {
    const [record] = await resolver().resolveSrv('_submission._tcp.example.test');
    expect(['', '.']).toContain(record?.name);
  });

  it('returns no records for an existing name without that type', async () => {
    expect(await resolver().resolveSrv('example.test')).toEqual([]);
  });

  it('reports a domain that does not exist as nxdomain', async () => {
    await expect(resolver().resolveMx('nowhere.test')).rejects.toMatchObject({ kind: 'nxdomain' });
  });

  it('reports SERVFAIL as servfail', async () => {
    await expect(resolver().resolveMx('broken.test')).rejects.toMatchObject({ kind: 'servfail' });
  });

  it('gives up on a silent server within the per-query timeout', async () => {
    const started = Date.now();
    const error = await resolver()
      .resolveMx('slow.test')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DnsError);
    expect((error as DnsError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1200);
  });

  it('accepts IP, IP:PORT and [IPv6]:PORT and rejects anything else', () => {
    expect(parseDnsServer('127.0.0.1')).toBe('127.0.0.1');
    expect(parseDnsServer('127.0.0.1:5353')).toBe('127.0.0.1:5353');
    expect(parseDnsServer('[::1]:53')).toBe('[::1]:53');
    expect(parseDnsServer('::1')).toBe('::1');
    expect(() => parseDnsServer('dns.example')).toThrow(/IP:PORT/);
    expect(() => parseDnsServer('127.0.0.1:99999')).toThrow(/port/);
  });
});
