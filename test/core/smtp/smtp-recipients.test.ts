// Recipients per transaction: a server that takes only N recipients answers the rest "452 4.5.3 too many
// recipients" (RFC 5321 §4.5.3.1.10); the sender sends them in further transactions of the same attempt,
// and reports every recipient once, with what became of it, however the later transactions end.
import { domainToASCII } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recipientKey } from '../../../electron/core/smtp/smtp-recipients';
import { makeCerts } from '../../peers/certs';
import { startRawSmtp, type RawCommand, type RawSmtpScript } from '../../peers/raw-smtp';
import { FAST_TIMEOUTS, makeAccount, makeRequest, newSender, useCleanup } from './fixtures';

const certs = makeCerts();
const FIVE = ['r1@example.test', 'r2@example.test', 'r3@example.test', 'r4@example.test', 'r5@example.test'];
const TOO_MANY = '452 4.5.3 Error: too many recipients';

describe('SmtpSender with a limit on recipients per transaction', () => {
  const cleanup = useCleanup();

  async function sendTo(script: RawSmtpScript, to: string[]) {
    const server = await startRawSmtp({ tls: certs, ...script });
    cleanup(() => server.close());
    const sender = newSender(cleanup, { tls: { ca: certs.ca }, timeouts: FAST_TIMEOUTS });
    const result = await sender.send(makeRequest(makeAccount(server.port), { to }));
    const rcpts = server.connections.flatMap((c) => c.commands.filter((l) => l.startsWith('RCPT')).map((l) => /<([^>]*)>/.exec(l)![1]));
    return { result, server, rcpts, messages: server.connections.flatMap((c) => c.messages) };
  }

  it('sends the rest in further transactions at once, the same bytes each time, and reports all five delivered', async () => {
    const { result, messages, rcpts } = await sendTo({ rcpt: (c: RawCommand) => (c.rcptIndex! >= 2 ? TOO_MANY : '250 2.1.5 Ok') }, FIVE);
    expect(result.outcome).toBe('sent');
    expect(result.recipients?.map((r) => [r.address, r.accepted])).toEqual(FIVE.map((a) => [a, true]));
    expect(messages).toHaveLength(3);
    expect(messages.every((m) => m.equals(messages[0]!))).toBe(true);
    // 5 asked in the first transaction, the 3 left in the second, the last one in the third.
    expect(rcpts).toEqual([...FIVE, ...FIVE.slice(2), FIVE[4]]);
    expect(result.transcript.filter((l) => l.includes('250 2.0.0 Ok: queued as'))).toHaveLength(3);
  });

  it('recognises the limit by its text when the server gives no enhanced code', async () => {
    const { result, messages } = await sendTo(
      {
        extensions: ['PIPELINING', '8BITMIME', 'AUTH PLAIN LOGIN'],
        rcpt: (c: RawCommand) => (c.rcptIndex! >= 3 ? '452 Too many recipients' : '250 Ok'),
      },
      FIVE,
    );
    expect(result.outcome).toBe('sent');
    expect(messages).toHaveLength(2);
  });

  it('waits instead of looping when the server takes none of them', async () => {
    const { result, messages, rcpts } = await sendTo({ rcpt: TOO_MANY }, FIVE.slice(0, 2));
    expect(result.outcome).toBe('temporary');
    expect(messages).toHaveLength(0);
    expect(rcpts).toEqual(FIVE.slice(0, 2));
  });

  it('keeps the first transaction delivered when a later one fails, and marks the rest as deferred or refused', async () => {
    let dataEnds = 0;
    const deferred = await sendTo(
      {
        rcpt: (c: RawCommand) => (c.rcptIndex! >= 2 ? TOO_MANY : '250 2.1.5 Ok'),
        dataEnd: () => (++dataEnds === 1 ? '250 2.0.0 Ok: queued as A' : '451 4.3.0 Error: queue file write error'),
      },
      FIVE.slice(0, 4),
    );
    expect(deferred.result.outcome).toBe('partial');
    expect(deferred.result.recipients?.map((r) => [r.address, r.accepted, r.responseCode])).toEqual([
      ['r1@example.test', true, 250],
      ['r2@example.test', true, 250],
      ['r3@example.test', false, 451],
      ['r4@example.test', false, 451],
    ]);
    expect(deferred.result.error?.message).toContain('deferred 2 of 4 recipients');

    const refused = await sendTo(
      {
        rcpt: (c: RawCommand) =>
          c.rcptIndex! >= 1 ? (c.address === 'r3@example.test' ? '550 5.1.1 User unknown' : TOO_MANY) : '250 2.1.5 Ok',
      },
      FIVE.slice(0, 3),
    );
    // r3 is refused at once and r2 comes back as too many: a second transaction takes r2.
    expect(refused.result.recipients?.map((r) => [r.address, r.accepted, r.responseCode])).toEqual([
      ['r1@example.test', true, 250],
      ['r2@example.test', true, 250],
      ['r3@example.test', false, 550],
    ]);
    expect(refused.result.outcome).toBe('partial');
  });
});

describe('answers about internationalised domains', () => {
  it('are reported under the address as queued, though the wire carried the A-label', async () => {
    const { mergeTransactions } = await import('../../../electron/core/smtp/smtp-recipients');
    const merged = mergeTransactions(
      [
        {
          to: ['ann@bücher.test', 'bob@example.test'],
          result: {
            outcome: 'partial',
            transcript: [],
            recipients: [
              { address: 'bob@example.test', accepted: true },
              { address: 'ann@xn--bcher-kva.test', accepted: false, reply: '450 4.2.0 Greylisted', responseCode: 450 },
            ],
          },
        },
      ],
      ['ann@bücher.test', 'bob@example.test'],
    );
    expect(merged.recipients?.map((r) => [r.address, r.accepted])).toEqual([
      ['bob@example.test', true],
      ['ann@bücher.test', false],
    ]);
  });
});

describe('recipientKey (how a server-listed recipient is matched to the queued one)', () => {
  it('folds a plain domain exactly as the IDNA pass would, without running it', () => {
    const label = fc.stringMatching(/^[A-Za-z0-9-]{0,8}$/);
    const domain = fc
      .tuple(fc.array(label, { maxLength: 4 }), label, fc.boolean())
      .map(([labels, last, dot]) => `${[...labels, last].join('.')}${dot ? '.' : ''}`);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._+-]{1,10}$/), domain, (local, d) => {
        expect(recipientKey(`${local}@${d}`)).toBe(`${local}@${(domainToASCII(d) || d).toLowerCase()}`);
      }),
      { numRuns: 3000 },
    );
  });

  it('matches an internationalised domain to its A-label, and a numeric one to the address it stands for', () => {
    expect(recipientKey('jörg@Bücher.example')).toBe(recipientKey('jörg@xn--bcher-kva.EXAMPLE'));
    expect(recipientKey('root@1')).toBe('root@0.0.0.1');
  });
});
