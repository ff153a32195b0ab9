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

const offlineFetcher = {
  fetch: async () => {
    throw new Error('no network in tests');
  },
};

describe('the wizard detection service', () => {
  it('answers a bundled provider with the domain advice beside it', async () => {
    const service = new DetectionService({
      detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 500 }), fetcher: offlineFetcher as never },
    });
    const report = await service.detect('ann@gmail.com');
    expect(report.best?.host).toBe('smtp.gmail.com');
    expect(report.health.find((a) => a.check === 'spf')?.record).toBe('v=spf1 redirect=_spf.google.com');
  });

  it('stops a running search when the wizard cancels it, returning what it had', async () => {
    const service = new DetectionService({
      detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 5000 }), fetcher: offlineFetcher as never, deadlineMs: 8000 },
    });
    const started = Date.now();
    const running = service.detect('ann@slow.test');
    setTimeout(() => service.cancel('ANN@slow.test'), 100);
    const report = await running;
    expect(report.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('names the provider and offers the matching sign-in (Google for Gmail, Microsoft for Outlook.com, none for Yahoo)', async () => {
    const service = new DetectionService({
      detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 500 }), fetcher: offlineFetcher as never },
    });
    expect((await service.detect('ann@gmail.com')).provider).toMatchObject({ name: 'Google Mail', signIn: 'google' });
    expect((await service.detect('ann@outlook.com')).provider).toMatchObject({ signIn: 'microsoft' });
    const yahoo = await service.detect('ann@yahoo.com');
    expect(yahoo.provider?.name).toMatch(/Yahoo/);
    expect(yahoo.provider?.signIn).toBeUndefined();
  });

  it('reports each step to the listener as it happens, the same steps the report ends with', async () => {
    const service = new DetectionService({
      detect: { resolver: createResolver({ servers: [dns.server], timeoutMs: 500 }), fetcher: offlineFetcher as never, deadlineMs: 2000 },
    });
    const heard: string[] = [];
    const report = await service.detect('ann@nowhere.test', undefined, (step) => heard.push(`${step.step}:${step.outcome}`));
    expect(heard.length).toBeGreaterThan(2);
    expect(heard).toEqual(report.trace.map((step) => `${step.step}:${step.outcome}`));
  });
});
