import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSmtp } from '../../../electron/core/diagnostics/smtp-check';
import { startDroppingPort, type DroppingPort } from '../../peers/dropping-port';

describe('a port that silently drops connections', () => {
  let dropping: DroppingPort;
  beforeAll(async () => {
    dropping = await startDroppingPort();
  });
  afterAll(async () => {
    await dropping?.close();
  });

  it('is reported as likely blocked by the network, suggesting 587 or 465', async () => {
    const started = Date.now();
    const report = await checkSmtp({
      host: '127.0.0.1',
      port: dropping.port,
      security: 'starttls',
      insecure: false,
      user: '',
      authMethod: 'auto',
      credentials: null,
      timeouts: { connect: 700, tls: 700, greeting: 700, command: 700 },
    });
    expect(report.ok).toBe(false);
    expect(report.verdict?.message).toMatch(/silently dropped/);
    expect(report.verdict?.next).toMatch(/587.*465/);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
