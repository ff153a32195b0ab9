import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectionService } from '../../../electron/core/autodetect/detection-service';
import { createResolver } from '../../../electron/core/autodetect/dns';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';

let dns: DnsPeer;
beforeAll(async () => {
  dns = await startDnsServer({
    records: { 'gmail.com': [{ type: 'TXT', data: 'v=spf1 redirect=_spf.google.com' }] },
    silent: ['slow.test', '_submissions._tcp.slow.test', '_submission._tcp.slow.test', '_imaps._tcp.slow.test', '_imap._tcp.slow.test'],
  });
});
afterAll(async () => {
  await dns?.close();
});

const offlineFetcher = { fetch: async () => { throw new Error('no network in tests'); } };

describe('the wizard detection service', () => {
  it('answers a bundled provider with the domain advice beside it', async () => {
    const service = new DetectionService({ detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 500 }), fetcher: offlineFetcher as never } });
    const report = await service.detect('ann@gmail.com');
    expect(report.best?.host).toBe('smtp.gmail.com');
    expect(report.health.find((a) => a.check === 'spf')?.record).toBe('v=spf1 redirect=_spf.google.com');
  });

  it('stops a running search when the wizard cancels it, returning what it had', async () => {
    const service = new DetectionService({ detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 5000 }), fetcher: offlineFetcher as never, deadlineMs: 8000 } });
    const started = Date.now();
    const running = service.detect('ann@slow.test');
    setTimeout(() => service.cancel('ANN@slow.test'), 100);
    const report = await running;
    expect(report.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
