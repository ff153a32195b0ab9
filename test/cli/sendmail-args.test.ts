// `outbox send` reads its command line the way sendmail does: clustered and glued flags, harmless
// sendmail options ignored, and anything else refused with EX_USAGE and one line.
import { describe, expect, it } from 'vitest';
import { errorLineFor, exitCodeFor } from '../../electron/cli/exit-codes';
import { parseSendArgs } from '../../electron/cli/commands/send';

function failure(argv: string[]): { code: number; line: string } {
  try {
    parseSendArgs(argv);
  } catch (error) {
    return { code: exitCodeFor(error), line: errorLineFor(error) };
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('parseSendArgs', () => {
  it('reads -t -i -f FROM and recipients', () => {
    const args = parseSendArgs(['-t', '-i', '-f', 'ann@example.com', 'bob@example.org']);
    expect(args).toMatchObject({
      recipientsFromHeaders: true,
      ignoreDots: true,
      envelopeFrom: 'ann@example.com',
      recipients: ['bob@example.org'],
    });
  });

  it('refuses --max-wait without --wait instead of ignoring it', () => {
    expect(failure(['-t', '--max-wait', '30'])).toMatchObject({ code: 64, line: expect.stringMatching(/--max-wait goes with --wait/) });
    expect(parseSendArgs(['-t', '--wait', '--max-wait', '30'])).toMatchObject({ wait: true, maxWait: 30 });
  });

  it('reads clustered flags: -ti, -it, and -tif FROM with the value after', () => {
    expect(parseSendArgs(['-ti'])).toMatchObject({ recipientsFromHeaders: true, ignoreDots: true });
    expect(parseSendArgs(['-it'])).toMatchObject({ recipientsFromHeaders: true, ignoreDots: true });
    expect(parseSendArgs(['-tif', 'ann@example.com'])).toMatchObject({
      recipientsFromHeaders: true,
      ignoreDots: true,
      envelopeFrom: 'ann@example.com',
    });
  });

  it('reads a value glued to its flag: -fFROM, -aACCOUNT', () => {
    expect(parseSendArgs(['-fann@example.com', '-awork', 'bob@example.org'])).toMatchObject({
      envelopeFrom: 'ann@example.com',
      account: 'work',
    });
  });

  it('takes -r as the old spelling of -f, and --from too', () => {
    expect(parseSendArgs(['-r', 'ann@example.com', 'b@example.org']).envelopeFrom).toBe('ann@example.com');
    expect(parseSendArgs(['--from=ann@example.com', 'b@example.org']).envelopeFrom).toBe('ann@example.com');
  });

  it('accepts and ignores the harmless sendmail options that callers like mutt, git and cron pass', () => {
    const args = parseSendArgs([
      '-oi',
      '-odi',
      '-oem',
      '-oep',
      '-bm',
      '-F',
      'Ann Example',
      '-v',
      '-U',
      '-N',
      'never',
      '-R',
      'hdrs',
      '-V',
      'env1',
      '-B',
      '8BITMIME',
      '-em',
      '-om',
      'bob@example.org',
    ]);
    expect(args).toMatchObject({ ignoreDots: true, queueOnly: false, recipients: ['bob@example.org'] });
  });

  it('treats -odq as queue only', () => {
    expect(parseSendArgs(['-odq', 'b@example.org']).queueOnly).toBe(true);
  });

  it('reads the long options --queue-only, --wait, --account and --data-dir anywhere before --', () => {
    const args = parseSendArgs(['b@example.org', '--wait', '--account', 'work', '--queue-only', '--data-dir=/tmp/x']);
    expect(args).toMatchObject({ wait: true, queueOnly: true, account: 'work', dataDir: '/tmp/x', recipients: ['b@example.org'] });
  });

  it('splits comma-separated recipients and keeps display names with commas in quotes', () => {
    expect(parseSendArgs(['a@example.org, b@example.org', '"Doe, Jo" <jo@example.org>']).recipients).toEqual([
      'a@example.org',
      'b@example.org',
      '"Doe, Jo" <jo@example.org>',
    ]);
  });

  it('takes everything after -- as recipients', () => {
    expect(parseSendArgs(['-i', '--', 'a@example.org']).recipients).toEqual(['a@example.org']);
  });

  it('asks for help with -h or --help without needing recipients', () => {
    expect(parseSendArgs(['--help']).help).toBe(true);
  });

  it.each([
    [['-X', 'a@example.org'], /Unknown option -X/],
    [['-tz'], /Unknown option -z/],
    [['--bogus', 'a@example.org'], /Unknown option --bogus/],
    [['-bs'], /-bs is not supported/],
    [['-bp'], /-bp is not supported/],
    [['-oQ/var/spool', 'a@example.org'], /-oQ\/var\/spool is not supported/],
    [['-f'], /-f needs a value/],
    [['-i'], /No recipients/],
    [['--wait=yes', 'a@example.org'], /does not take a value/],
    [['-f', '<>', 'a@example.org'], /null envelope sender/],
  ])('refuses %j with exit 64 and one line', (argv, pattern) => {
    const { code, line } = failure(argv);
    expect(code).toBe(64);
    expect(line).toMatch(pattern);
    expect(line).toMatch(/^outbox: /);
    expect(line).not.toContain('\n');
  });

  it('refuses an invalid recipient or -f address as bad data (exit 65)', () => {
    expect(failure(['not-an-address']).code).toBe(65);
    expect(failure(['-f', 'ann@', 'b@example.org']).code).toBe(65);
    const { line } = failure(['a@example.org\r\nBcc: x@example.org']);
    expect(line).toMatch(/line break/);
  });
});
