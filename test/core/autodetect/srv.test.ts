import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver } from '../../../electron/core/autodetect/dns';
import { lookupSrv, orderSrv } from '../../../electron/core/autodetect/srv';
import { Trace } from '../../../electron/core/autodetect/trace';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';

let peer: DnsPeer;

beforeAll(async () => {
  peer = await startDnsServer({
    records: {
      'srv.test': [{ type: 'A', address: '127.0.0.1' }],
      '_submissions._tcp.srv.test': [
        { type: 'SRV', target: 'backup.srv.test', port: 465, priority: 20, weight: 100 },
        { type: 'SRV', target: 'light.srv.test', port: 465, priority: 10, weight: 1 },
        { type: 'SRV', target: 'heavy.srv.test', port: 465, priority: 10, weight: 50 },
      ],
      '_submission._tcp.srv.test': [{ type: 'SRV', target: '.', port: 0, priority: 0, weight: 0 }],
      '_imaps._tcp.srv.test': [{ type: 'SRV', target: 'imap.srv.test.', port: 993, priority: 0, weight: 0 }],
    },
  });
});
afterAll(async () => peer?.close());

describe('SRV lookups (RFC 6186 / RFC 8314)', () => {
  it('orders by priority, then by weight, and drops the root target', () => {
    const ordered = orderSrv([
      { name: 'b', port: 1, priority: 5, weight: 1 },
      { name: '.', port: 0, priority: 0, weight: 0 },
      { name: 'a', port: 1, priority: 5, weight: 9 },
      { name: 'c', port: 1, priority: 1, weight: 0 },
    ]);
    expect(ordered.map((r) => r.name)).toEqual(['c', 'a', 'b']);
  });

  it('maps _submissions to implicit TLS in priority/weight order and records "." as not offered', async () => {
    const trace = new Trace();
    const result = await lookupSrv('srv.test', createResolver({ servers: [peer.server], timeoutMs: 1000 }), trace);
    expect(result.smtp.map((s) => [s.host, s.port, s.security])).toEqual([
      ['heavy.srv.test', 465, 'tls'],
      ['light.srv.test', 465, 'tls'],
      ['backup.srv.test', 465, 'tls'],
    ]);
    expect(result.smtp.every((s) => s.usernameTemplate === '%EMAILADDRESS%')).toBe(true);
    expect(result.imap).toEqual([
      { protocol: 'imap', host: 'imap.srv.test', port: 993, security: 'tls', usernameTemplate: '%EMAILADDRESS%', auth: ['password'] },
    ]);
    const submission = trace.steps.find((s) => s.step === 'srv _submission._tcp.srv.test');
    expect(submission?.outcome).toBe('nothing');
    expect(submission?.detail).toMatch(/explicitly not offered/);
    expect(trace.steps.find((s) => s.step === 'srv _imap._tcp.srv.test')?.outcome).toBe('nothing');
    expect(result.domainMissing).toBe(false);
  });

  it('tells a domain that does not exist apart from one without records', async () => {
    const result = await lookupSrv('missing.test', createResolver({ servers: [peer.server], timeoutMs: 1000 }), new Trace());
    expect(result).toEqual({ smtp: [], imap: [], domainMissing: true });
  });
});
