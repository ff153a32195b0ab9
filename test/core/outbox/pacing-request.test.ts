// What the pacing hands on to the real sender: the request as the engine made it (account, login, envelope, the
// bytes, the progress callback), with the connection limit and the recipients per transaction of the account's
// profile. The pacing writes this request out field by field (pacing.ts), so a field it forgot would reach the SMTP
// sender as undefined: each field is checked to arrive as it was given.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Pacing } from '../../../electron/core/outbox/pacing';
import type { SendRequest } from '../../../electron/core/ports';
import type { SendingLimits } from '../../../electron/core/providers/sending-profiles';
import { account } from './harness';

const limits: SendingLimits = {
  profileId: 'test',
  name: 'Test provider',
  maxConnections: 3,
  messagesPerMinute: null,
  recipientsPerMessage: 50,
  messagesPerDay: null,
  recipientsPerDay: null,
  filesSentCopy: false,
};

async function handedOn(request: SendRequest): Promise<SendRequest> {
  const pacing = new Pacing({
    clock: { now: () => Date.UTC(2026, 0, 1), setTimer: () => ({ cancel() {} }) },
    records: () => [],
    limitsFor: () => limits,
  });
  let got: SendRequest | undefined;
  const sender = pacing.wrap({
    send: async (r) => {
      got = r;
      return { outcome: 'sent', reply: '250 ok', transcript: [] };
    },
    reset() {},
    close: async () => {},
  });
  expect((await sender.send(request)).outcome).toBe('sent');
  return got!;
}

describe('the request the pacing hands on', () => {
  it('carries every field the engine gave, and the profile’s connection limit and recipients per transaction', async () => {
    const bytes = () => Readable.from([Buffer.from('Subject: x\r\n\r\nhi\r\n')]);
    const progress = (sent: number) => void sent;
    const request: SendRequest = {
      account: account('acct'),
      credentials: { kind: 'password', user: 'ann', password: 'secret' },
      envelope: { from: 'ann@example.com', to: ['bob@example.org', 'cy@example.org'] },
      openMessage: bytes,
      size: 19,
      onProgress: progress,
    };
    const got = await handedOn(request);
    expect(got).toStrictEqual({ ...request, maxConnections: 3, recipientsPerMessage: 50 });
    expect(got.openMessage).toBe(bytes);
    expect(got.onProgress).toBe(progress);
  });

  it('without a progress callback, none is made up', async () => {
    const got = await handedOn({
      account: account('acct'),
      credentials: null,
      envelope: { from: 'ann@example.com', to: ['bob@example.org'] },
      openMessage: () => Readable.from([]),
      size: 0,
    });
    expect(got.onProgress).toBeUndefined();
    expect(got.maxConnections).toBe(3);
    expect(got.recipientsPerMessage).toBe(50);
  });
});
