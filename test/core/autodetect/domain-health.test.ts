import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDomainHealth } from '../../../electron/core/autodetect/domain-health';
import { createResolver } from '../../../electron/core/autodetect/dns';
import { startDnsServer, type DnsPeer } from '../../peers/dns-server';

let peer: DnsPeer;
beforeAll(async () => {
  peer = await startDnsServer({
    records: {
      'good.test': [
        { type: 'MX', exchange: 'mx.good.test', priority: 10 },
        { type: 'TXT', data: 'v=spf1 include:_spf.mailhost.test -all' },
      ],
      '_spf.mailhost.test': [{ type: 'TXT', data: 'v=spf1 ip4:192.0.2.0/24 ~all' }],
      'smtp.mailhost.test': [{ type: 'A', address: '192.0.2.25' }],
      'smtp.other.test': [{ type: 'A', address: '198.51.100.7' }],
      '_dmarc.good.test': [{ type: 'TXT', data: 'v=DMARC1; p=quarantine; rua=mailto:d@good.test' }],
      'bare.test': [{ type: 'A', address: '192.0.2.1' }],
      'splitted.test': [
        { type: 'MX', exchange: 'mx.splitted.test', priority: 5 },
        { type: 'TXT', data: ['v=spf1 ip4:198.51.100.0/24', ' -all'] },
      ],
    },
  });
});
afterAll(async () => {
  await peer?.close();
});

const resolver = () => createResolver({ servers: [peer.server], timeoutMs: 800 });

describe('domain health advice', () => {
  it('confirms an SPF record that covers the mail host through an include, and reads the DMARC policy', async () => {
    const advice = await checkDomainHealth('good.test', 'smtp.mailhost.test', resolver());
    expect(advice.find((a) => a.check === 'mx')?.level).toBe('ok');
    expect(advice.find((a) => a.check === 'spf')).toMatchObject({ level: 'ok', record: 'v=spf1 include:_spf.mailhost.test -all' });
    expect(advice.find((a) => a.check === 'dmarc')?.message).toContain('"quarantine"');
  });

  it('warns, with the record found, when SPF does not include the chosen mail host', async () => {
    const spf = (await checkDomainHealth('good.test', 'smtp.other.test', resolver())).find((a) => a.check === 'spf')!;
    expect(spf.level).toBe('warning');
    expect(spf.message).toContain('does not include your mail host smtp.other.test');
    expect(spf.record).toBe('v=spf1 include:_spf.mailhost.test -all');
  });

  it('reads an SPF record split into several strings', async () => {
    const spf = (await checkDomainHealth('splitted.test', 'smtp.other.test', resolver())).find((a) => a.check === 'spf')!;
    expect(spf.level).toBe('ok');
  });

  it('advises adding MX, SPF and DMARC to a domain that has none', async () => {
    const advice = await checkDomainHealth('bare.test', 'smtp.other.test', resolver());
    expect(advice.map((a) => [a.check, a.level])).toEqual([
      ['mx', 'warning'],
      ['spf', 'warning'],
      ['dmarc', 'info'],
    ]);
    expect(advice[1]!.message).toMatch(/no SPF record.*spam/);
  });

  it('says the records could not be checked, instead of "you have none", when DNS does not answer', async () => {
    // A loopback port nobody listens on: every query is refused at once.
    const advice = await checkDomainHealth('good.test', 'smtp.mailhost.test', createResolver({ servers: ['127.0.0.1:9'], timeoutMs: 800 }));
    expect(advice).toHaveLength(1);
    expect(advice[0]).toMatchObject({ check: 'mx', level: 'warning' });
    expect(advice[0]!.message).toMatch(/could not check your domain's MX, SPF and DMARC records/);
    expect(advice[0]!.message).toMatch(/Check the network/);
    expect(advice.map((a) => a.message).join(' ')).not.toMatch(/has no (MX|SPF|DMARC)/);
  });
});
