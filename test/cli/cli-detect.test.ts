import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from './harness';

// Only the bundled-data path: detect() answers it without any network, so nothing leaves this machine.
describe('outbox detect', () => {
  const ws = new Workspace();
  afterAll(() => ws.remove());

  it('finds a bundled provider with no network and explains how', async () => {
    const result = await ws.run(['detect', 'someone@gmail.com', '--dns-server', '127.0.0.1:9']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Best: smtp\.gmail\.com:465 \(tls\), user someone@gmail\.com/);
    expect(result.stdout).toContain('imap.gmail.com');
    expect(result.stdout).toMatch(/bundled/);
  });

  it('prints the same as JSON', async () => {
    const result = await ws.run(['detect', 'someone@gmail.com', '--json', '--dns-server', '127.0.0.1:9', '--timeout', '2']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { best: { host: string; port: number; security: string }; trace: { step: string }[] };
    expect(json.best).toMatchObject({ host: 'smtp.gmail.com', port: 465, security: 'tls' });
    expect(json.trace.length).toBeGreaterThan(0);
  });

  it('refuses something that is not an address, and a bad timeout, with one clear line', async () => {
    const bad = await ws.run(['detect', 'not-an-address', '--dns-server', '127.0.0.1:9']);
    expect(bad.code).toBe(65);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('not an email address');
    const timeout = await ws.run(['detect', 'a@gmail.com', '--timeout', 'soon']);
    expect(timeout.code).toBe(64);
  });

  it('says plainly that DNS did not answer, instead of inventing missing records, and exits 69', async () => {
    // 127.0.0.1:9 has no DNS server: every lookup (the autoconfig downloads' too) is refused on loopback.
    const result = await ws.run(['detect', 'ann@nowhere.test', '--dns-server', '127.0.0.1:9', '--timeout', '5']);
    expect(result.code).toBe(69);
    expect(result.stdout.split('\n')[0]).toMatch(
      /^No encrypted SMTP server was found .*none of the lookups got an answer\. Check the network/,
    );
    expect(result.stdout).toContain("could not check your domain's MX, SPF and DMARC records");
    expect(result.stdout).not.toMatch(/has no (MX|SPF|DMARC) record/);
  });

  it('refuses a --dns-server that is not an address as a usage mistake (64), in one line', async () => {
    const result = await ws.run(['detect', 'ann@gmail.com', '--dns-server', 'bogus']);
    expect(result.code).toBe(64);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('--dns-server takes an IP address');
    expect(result.stderr).not.toMatch(/unexpected error/);
  });
});
