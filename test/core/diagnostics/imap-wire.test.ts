// IMAP's wire format as the connection check reads it: responses with literals, capability lists, LIST entries
// and modified UTF-7 names, fed through a socket pair so chunk boundaries fall anywhere.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ImapReader, capabilitiesIn, decodeMailboxName, parseListLine, statusOf } from '../../../electron/core/diagnostics/imap-wire';
import { ReadFailure } from '../../../electron/core/diagnostics/reply-reader';

describe('decodeMailboxName', () => {
  it.each([
    ['Sent', 'Sent'],
    ['&AMk-l&AOk-ments envoy&AOk-s', 'Éléments envoyés'],
    ['&BBoEPgRABDcEOAQ9BDA-', 'Корзина'],
    ['Tom &- Jerry', 'Tom & Jerry'],
    ['&kAFP4W4IMH8wojCkMMYw4A-', '送信済みアイテム'],
  ])('%s is %s', (wire, name) => {
    expect(decodeMailboxName(wire)).toBe(name);
  });
});

describe('parseListLine', () => {
  it('reads flags, the delimiter and a quoted name', () => {
    const entry = parseListLine('* LIST (\\HasNoChildren \\Sent) "." "Sent Items"');
    expect(entry).toEqual({ path: 'Sent Items', name: 'Sent Items', flags: new Set(['\\HasNoChildren', '\\Sent']) });
  });

  it('takes the leaf after the delimiter, and flags in any case', () => {
    const entry = parseListLine('* LIST (\\noselect) "/" INBOX/Sent');
    expect(entry).toMatchObject({ path: 'INBOX/Sent', name: 'Sent' });
    expect(entry?.flags.has('\\Noselect')).toBe(true);
  });

  it('handles a NIL delimiter and ignores other lines', () => {
    expect(parseListLine('* LIST () NIL Archive')).toMatchObject({ path: 'Archive', name: 'Archive' });
    expect(parseListLine('* OK done')).toBeUndefined();
  });
});

describe('capabilitiesIn and statusOf', () => {
  it('finds capabilities in an untagged line or a response code', () => {
    expect(capabilitiesIn(['* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN'])).toEqual(['IMAP4REV1', 'STARTTLS', 'AUTH=PLAIN']);
    expect(capabilitiesIn(['* OK [CAPABILITY IMAP4rev1 LOGINDISABLED] ready'])).toEqual(['IMAP4REV1', 'LOGINDISABLED']);
    expect(capabilitiesIn(['* OK ready'])).toBeUndefined();
  });

  it('reads the status word', () => {
    expect(statusOf('A1 NO [AUTHENTICATIONFAILED] Authentication failed.')).toBe('NO');
    expect(statusOf('* PREAUTH welcome')).toBe('PREAUTH');
  });
});

describe('ImapReader', () => {
  const sockets: net.Socket[] = [];
  let server: net.Server | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  });

  async function pair(): Promise<{ client: net.Socket; peer: net.Socket }> {
    const accepted = new Promise<net.Socket>((resolve) => {
      server = net.createServer(resolve);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server!.address() as net.AddressInfo).port, '127.0.0.1');
    const peer = await accepted;
    sockets.push(client, peer);
    return { client, peer };
  }

  it('collects untagged lines up to the tagged completion, folding a literal split across chunks', async () => {
    const { client, peer } = await pair();
    const reader = new ImapReader();
    reader.attach(client);
    const reading = reader.response('A2', 2_000);
    peer.write('* LIST (\\Sent) "/" {5}\r\nSe');
    await new Promise((resolve) => setTimeout(resolve, 20));
    peer.write('nt"\r\n* LIST () "/" INBOX\r\nA2 OK LIST completed\r\n');
    const response = await reading;
    expect(response.final).toBe('A2 OK LIST completed');
    expect(response.untagged).toEqual(['* LIST (\\Sent) "/" "Sent\\""', '* LIST () "/" INBOX']);
    expect(parseListLine(response.untagged[0]!)?.path).toBe('Sent"');
  });

  it('stops at a continuation request', async () => {
    const { client, peer } = await pair();
    const reader = new ImapReader();
    reader.attach(client);
    const reading = reader.response('A3', 2_000);
    peer.write('+ \r\n');
    expect((await reading).final).toBe('+ ');
  });

  it('fails on TLS bytes instead of a greeting', async () => {
    const { client, peer } = await pair();
    const reader = new ImapReader();
    reader.attach(client);
    const reading = reader.greeting(2_000);
    peer.write(Buffer.from([0x16, 0x03, 0x01, 0x00]));
    await expect(reading).rejects.toBeInstanceOf(ReadFailure);
    await expect(reading).rejects.toMatchObject({ reason: 'binary' });
  });
});
