import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Candidate } from '../../../electron/shared/autodetect';
import { verifyCandidates } from '../../../electron/core/autodetect/verify';
import { makeCerts } from '../../peers/certs';
import { startSmtpPeer, type SmtpPeer } from '../../peers/smtp-peer';

const certs = makeCerts({ hosts: ['127.0.0.1', 'localhost'] });
let server: SmtpPeer;
let closed: number;

beforeAll(async () => {
  server = await startSmtpPeer({ certs, users: { 'ann@example.org': 'right password' } });
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closed = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await server?.close();
});

function candidate(port: number, overrides: Partial<Candidate> = {}): Candidate {
  return {
    protocol: 'smtp',
    host: '127.0.0.1',
    port,
    security: 'starttls',
    username: 'ann@example.org',
    auth: ['password'],
    source: 'probe',
    insecure: false,
    notes: [],
    ...overrides,
  };
}

const fast = { tls: { ca: certs.ca }, timeouts: { connect: 1000, tls: 1000, greeting: 1500, command: 1500 } };

describe('verifying detected settings with the real password', () => {
  it('skips a candidate that fails, says why, and chooses the next one that signs in', async () => {
    const result = await verifyCandidates([candidate(closed), candidate(server.port)], 'right password', fast);
    expect(result.chosen?.port).toBe(server.port);
    expect(result.report?.ok).toBe(true);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]!.ok).toBe(false);
    expect(result.attempts[0]!.verdict?.message).toMatch(/refused/);
    expect(server.logins.at(-1)).toMatchObject({ username: 'ann@example.org', ok: true });
  });

  it('chooses nothing when the password is refused everywhere, with the sign-in verdict', async () => {
    const result = await verifyCandidates([candidate(server.port)], 'wrong password', fast);
    expect(result.chosen).toBeUndefined();
    expect(result.attempts[0]!.verdict?.code).toBe('SMTP_AUTH');
  });

  it('never tries an unencrypted candidate by itself', async () => {
    const result = await verifyCandidates([candidate(server.port, { security: 'none', insecure: true })], 'right password', fast);
    expect(result).toEqual({ attempts: [] });
  });
});
