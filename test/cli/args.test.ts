// The `outbox` command line besides send: global options, each command's options, and one clear line
// with exit 64 for every mistake.
import { describe, expect, it } from 'vitest';
import { parseCommandLine, type Command } from '../../electron/cli/args';
import { errorLineFor, exitCodeFor } from '../../electron/cli/exit-codes';

const cwd = '/home/ann';

function parse(...argv: string[]): Command {
  return parseCommandLine(argv, { cwd }).command;
}

function failure(...argv: string[]): { code: number; line: string } {
  try {
    parseCommandLine(argv, { cwd });
  } catch (error) {
    return { code: exitCodeFor(error), line: errorLineFor(error) };
  }
  throw new Error(`expected ${argv.join(' ')} to be refused`);
}

describe('global options', () => {
  it('reads --data-dir before the command, in both spellings', () => {
    expect(parseCommandLine(['--data-dir', '/tmp/d', 'queue'], { cwd }).dataDir).toBe('/tmp/d');
    expect(parseCommandLine(['--data-dir=/tmp/d', 'queue'], { cwd }).dataDir).toBe('/tmp/d');
  });

  it('reads --data-dir after the command too', () => {
    expect(parseCommandLine(['queue', '--data-dir', '/tmp/d'], { cwd }).dataDir).toBe('/tmp/d');
    expect(parseCommandLine(['send', '--data-dir', '/tmp/d', 'a@example.org'], { cwd }).dataDir).toBe('/tmp/d');
  });

  it('answers --help, -h and --version', () => {
    expect(parse('--help')).toEqual({ name: 'help', topic: 'main' });
    expect(parse('-h')).toEqual({ name: 'help', topic: 'main' });
    expect(parse('--version')).toEqual({ name: 'version' });
    expect(parse('queue', '--help')).toEqual({ name: 'help', topic: 'queue' });
    expect(parse('send', '--help')).toEqual({ name: 'help', topic: 'send' });
    expect(parse('account')).toEqual({ name: 'help', topic: 'account' });
  });

  it('runs as send when invoked through a symlink named sendmail', () => {
    const line = parseCommandLine(['-t', '-i'], { cwd, invokedAs: '/usr/sbin/sendmail' });
    expect(line.command).toMatchObject({ name: 'send', args: { recipientsFromHeaders: true, ignoreDots: true } });
  });
});

describe('commands', () => {
  it('reads queue, show, flush, retry and cancel', () => {
    expect(parse('queue', '--json', '--all')).toEqual({ name: 'queue', json: true, all: true });
    expect(parse('show', 'abc123', '--json')).toEqual({ name: 'show', id: 'abc123', json: true });
    expect(parse('flush', '--wait')).toEqual({ name: 'flush', wait: true });
    expect(parse('retry', 'abc123')).toEqual({ name: 'retry', id: 'abc123', wait: false, queueOnly: false });
    expect(parse('cancel', 'abc123')).toEqual({ name: 'cancel', id: 'abc123' });
  });

  it('reads compose with repeatable and comma-separated recipients and attachments made absolute', () => {
    const command = parse(
      'compose',
      '--to',
      'a@example.org, b@example.org',
      '--to',
      'c@example.org',
      '--cc',
      'd@example.org',
      '--bcc',
      'e@example.org',
      '--subject',
      'Hi',
      '--text',
      'Hello',
      '--attach',
      'a.pdf',
      '--attach',
      '/tmp/b.png',
      '-a',
      'work',
      '--from',
      'Ann <ann@example.com>',
    );
    expect(command).toEqual({
      name: 'compose',
      args: {
        to: ['a@example.org', 'b@example.org', 'c@example.org'],
        cc: ['d@example.org'],
        bcc: ['e@example.org'],
        subject: 'Hi',
        text: 'Hello',
        attach: ['/home/ann/a.pdf', '/tmp/b.png'],
        account: 'work',
        from: 'Ann <ann@example.com>',
        wait: false,
        queueOnly: false,
      },
    });
  });

  it('schedules compose --at as a UTC ISO time', () => {
    const command = parse(
      'compose',
      '--to',
      'a@example.org',
      '--subject',
      'S',
      '--text-file',
      'body.txt',
      '--at',
      '2099-01-02T03:04:05+02:00',
    );
    expect(command).toMatchObject({ name: 'compose', args: { textFile: '/home/ann/body.txt', at: '2099-01-02T01:04:05.000Z' } });
  });

  it('reads account add, list and remove', () => {
    expect(
      parse(
        'account',
        'add',
        '--name',
        'Work',
        '--email',
        'ann@example.com',
        '--host',
        'smtp.example.com',
        '--port',
        '587',
        '--security',
        'starttls',
        '--user',
        'ann',
        '--password-stdin',
      ),
    ).toEqual({
      name: 'account-add',
      args: {
        name: 'Work',
        email: 'ann@example.com',
        host: 'smtp.example.com',
        port: 587,
        security: 'starttls',
        insecure: false,
        user: 'ann',
        passwordStdin: true,
      },
    });
    expect(parse('account', 'list', '--json')).toEqual({ name: 'account-list', json: true });
    expect(parse('account', 'remove', 'ann-example-com')).toEqual({ name: 'account-remove', id: 'ann-example-com' });
  });
});

describe('mistakes exit 64 with one line', () => {
  it.each([
    [[], /No command given/],
    [['frobnicate'], /Unknown command 'frobnicate'/],
    [['--bogus', 'queue'], /Unknown option --bogus/],
    [['--data-dir'], /--data-dir needs a folder/],
    [['queue', '--bogus'], /Unknown option --bogus for 'outbox queue'/],
    [['queue', 'extra'], /takes no arguments/],
    [['show'], /needs one message id/],
    [['show', 'a', 'b'], /needs one message id/],
    [['flush', '--wait=1'], /does not take a value/],
    [['compose', '--to', 'a@example.org', '--text', 'x'], /needs --subject/],
    [['compose', '--to', 'a@example.org', '--subject', 's'], /needs --text or --text-file/],
    [['compose', '--to', 'a@example.org', '--subject', 's', '--text', 'x', '--text-file', 'f'], /either --text or --text-file/],
    [['compose', '--subject', 's', '--text', 'x'], /needs --to, --cc or --bcc/],
    [['compose', '--to', '--subject', 's'], /Option --to needs a value/],
    [['compose', '--to', 'a@example.org', '--subject', 's', '--text', 'x', '--at', 'tomorrow'], /is not a time/],
    [['compose', '--to', 'a@example.org', '--subject', 's', '--text', 'x', '--at', '2099-02-30 10:00'], /is not a time/],
    [['compose', '--to', 'a@example.org', '--subject', 's', '--text', 'x', '--at', '2001-01-01 10:00'], /in the past/],
    [['account', 'frob'], /Unknown account command/],
    [['account', 'add', '--name', 'W', '--email', 'a@example.org', '--host', 'h', '--port', '0', '--security', 'tls'], /not a port number/],
    [
      ['account', 'add', '--name', 'W', '--email', 'a@example.org', '--host', 'h', '--port', '25', '--security', 'ssl'],
      /tls, starttls or none/,
    ],
    [['account', 'add', '--name', 'W', '--email', 'a@example.org', '--host', 'h', '--port', '25', '--security', 'none'], /--insecure/],
    [
      [
        'account',
        'add',
        '--name',
        'W',
        '--email',
        'a@example.org',
        '--host',
        'h',
        '--port',
        '25',
        '--security',
        'tls',
        '--password',
        'hunter2',
      ],
      /visible to other users/,
    ],
    [['account', 'add', '--email', 'a@example.org'], /needs --name/],
    [['account', 'remove'], /needs one account id/],
  ])('%j', (argv, pattern) => {
    const { code, line } = failure(...argv);
    expect(code).toBe(64);
    expect(line).toMatch(pattern);
    expect(line).toMatch(/^outbox: [^\n]+$/);
  });

  it('reports a bad address given to compose as bad data (exit 65), naming the option', () => {
    const { code, line } = failure('compose', '--to', 'bob', '--subject', 's', '--text', 'x');
    expect(code).toBe(65);
    expect(line).toContain('--to');
  });

  it('never echoes a password given on the command line', () => {
    const { line } = failure(
      'account',
      'add',
      '--name',
      'W',
      '--email',
      'a@example.org',
      '--host',
      'h',
      '--port',
      '25',
      '--security',
      'tls',
      '--password',
      'hunter2',
    );
    expect(line).not.toContain('hunter2');
  });
});
